package io.github.tdx4j.guest.memory;

import io.github.tdx4j.call.platform.GuestMemory;

/**
 * Pages converted to shared with MapGPA: memory the VMM can read and write.
 *
 * @param gpa       first GPA with the shared bit clear (the page's identity in the allocator)
 * @param pages     number of 4K pages
 * @param sharedGpa first GPA with the shared bit set: the address to access it through and to hand to the VMM
 */
public record SharedBuffer(long gpa, int pages, long sharedGpa) {
    /** Size in bytes. */
    public int bytes() {
        return pages * GuestMemory.PAGE_SIZE;
    }
}
