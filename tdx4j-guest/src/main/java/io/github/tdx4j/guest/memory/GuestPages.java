package io.github.tdx4j.guest.memory;

import io.github.tdx4j.call.GuestBugException;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.platform.GuestMemory;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * A page allocator over a range of the TD's accepted private memory, with a quarantine.
 *
 * <p>Pages whose private/shared state is unknown after a failed conversion are quarantined: never handed out
 * again and never freed. This is Linux's answer to "Handle set_memory_XXcrypted() errors" (2023–2024): callers
 * used to free pages after a failed conversion, so pages the VMM could still read went back to the allocator and
 * later held secrets. Thread-safe.
 */
public final class GuestPages {
    private final long base;
    private final int pageCount;
    private final BitSet used;
    private final BitSet quarantined;
    private final List<Quarantined> log = new ArrayList<>();

    /**
     * A quarantined range and why.
     *
     * @param start  first GPA
     * @param pages  number of 4K pages
     * @param reason the failure that left them in an unknown state
     */
    public record Quarantined(long start, int pages, TdxFailure reason) {
    }

    /**
     * @param base  first GPA of the pool, 4K-aligned, shared bit clear, already accepted
     * @param bytes size of the pool, a multiple of 4K
     */
    public GuestPages(long base, long bytes) {
        if (base % GuestMemory.PAGE_SIZE != 0 || bytes <= 0 || bytes % GuestMemory.PAGE_SIZE != 0
                || bytes / GuestMemory.PAGE_SIZE > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format("page pool must be 4K-aligned: base 0x%x, 0x%x bytes",
                    base, bytes));
        }
        this.base = base;
        this.pageCount = (int) (bytes / GuestMemory.PAGE_SIZE);
        // Not pre-sized: the bitmaps grow with use, so even the largest pool (Integer.MAX_VALUE pages) costs nothing
        // until pages are allocated.
        this.used = new BitSet();
        this.quarantined = new BitSet();
    }

    /**
     * Allocates {@code pages} contiguous private pages, first fit.
     *
     * @return the first page's GPA
     * @throws PagePoolException if no such run is free
     */
    public synchronized long allocate(int pages) {
        if (pages <= 0) {
            throw new GuestBugException("tdx.pages.count", "pages must be > 0: " + pages);
        }
        int i = 0;
        // In long: i + pages can exceed Integer.MAX_VALUE in a pool of nearly that many pages.
        while ((long) i + pages <= pageCount) {
            int busy = used.nextSetBit(i);
            if (busy < 0 || busy >= i + pages) {
                used.set(i, i + pages);
                return base + (long) i * GuestMemory.PAGE_SIZE;
            }
            i = busy + 1;
        }
        throw new PagePoolException("tdx.pages.exhausted", "no " + pages + " free contiguous pages in the pool");
    }

    /**
     * Returns pages to the pool.
     *
     * @throws PagePoolException if any of them is quarantined: those are never freed
     */
    public synchronized void free(long gpa, int pages) {
        int first = index(gpa, pages);
        if (quarantined.get(first, first + pages).cardinality() != 0) {
            throw new PagePoolException("tdx.pages.quarantined", String.format(
                    "page(s) at 0x%x are quarantined and are never freed", gpa));
        }
        used.clear(first, first + pages);
    }

    /** Quarantines allocated pages: they stay allocated for ever. */
    public synchronized void quarantine(long gpa, int pages, TdxFailure reason) {
        int first = index(gpa, pages);
        Objects.requireNonNull(reason, "reason");
        used.set(first, first + pages);
        quarantined.set(first, first + pages);
        log.add(new Quarantined(gpa, pages, reason));
    }

    public synchronized boolean isQuarantined(long gpa) {
        long off = gpa - base;
        return off >= 0 && off / GuestMemory.PAGE_SIZE < pageCount
                && quarantined.get((int) (off / GuestMemory.PAGE_SIZE));
    }

    /** The quarantined ranges, in order. */
    public synchronized List<Quarantined> quarantined() {
        return List.copyOf(log);
    }

    /** Pages neither allocated nor quarantined. */
    public synchronized int freePages() {
        return pageCount - used.cardinality();
    }

    public long base() {
        return base;
    }

    public long bytes() {
        return (long) pageCount * GuestMemory.PAGE_SIZE;
    }

    private int index(long gpa, int pages) {
        long off = gpa - base;
        if (off < 0 || off % GuestMemory.PAGE_SIZE != 0 || pages <= 0
                || off / GuestMemory.PAGE_SIZE + pages > pageCount) {
            throw new GuestBugException("tdx.pages.range", String.format("0x%x + %d pages is not in the pool", gpa,
                    pages));
        }
        return (int) (off / GuestMemory.PAGE_SIZE);
    }
}
