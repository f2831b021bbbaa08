package io.github.tdx4j.guest.memory;

import io.github.tdx4j.call.GuestBugException;
import io.github.tdx4j.call.platform.GuestMemory;

/**
 * The R12 and R13 inputs of TDG.VP.VMCALL&lt;MapGPA&gt;: the GPA range {@code [start, end)} as sent, shared bit
 * included when the range becomes shared. GHCI v1.5 (Intel TDX Guest-Hypervisor Communication Interface),
 * "TDG.VP.VMCALL&lt;MapGPA&gt;": R12 = start GPA, 4K-aligned, with the shared bit set to map as shared; R13 = size,
 * a multiple of 4K.
 *
 * @param start R12, the first GPA, shared bit set for a conversion to shared
 * @param end   the GPA after the range, with the same shared bit
 */
record MapGpaRange(long start, long end) {
    MapGpaRange {
        if ((start | end) % GuestMemory.PAGE_SIZE != 0 || Long.compareUnsigned(end, start) <= 0) {
            throw new GuestBugException("tdx.mapgpa.range", String.format(
                    "MapGPA range must be 4K-aligned and non-empty: [0x%x, 0x%x)", start, end));
        }
    }

    /**
     * The range {@code [start, end)} of private GPAs, with {@code sharedMask} set if it is to become shared. The
     * canonical constructor checks alignment and emptiness; this adds that the private range lies below the shared
     * bit (its last page may end exactly at it).
     *
     * @throws GuestBugException if the range is not 4K-aligned, is empty, or reaches above the shared bit
     */
    static MapGpaRange of(long start, long end, boolean shared, long sharedMask) {
        MapGpaRange range = new MapGpaRange(start, end);
        if (Long.compareUnsigned(end, sharedMask) > 0) {
            throw new GuestBugException("tdx.mapgpa.range", String.format(
                    "MapGPA range must lie below the shared bit 0x%x: [0x%x, 0x%x)", sharedMask, start, end));
        }
        if (!shared) {
            return range;
        }
        // The end by length, not end | sharedMask: for a range ending exactly at the shared bit, end | sharedMask is
        // sharedMask itself, below the shared start, and R13 would be a huge length.
        long sharedStart = start | sharedMask;
        return new MapGpaRange(sharedStart, sharedStart + (end - start));
    }

    /** R13: the size in bytes. */
    long size() {
        return end - start;
    }

    /** The rest of the range from {@code resume}, a page inside it (the caller has checked). */
    MapGpaRange from(long resume) {
        return new MapGpaRange(resume, end);
    }
}
