package io.github.tdx4j.sim;

import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.call.platform.MemoryAccessException;
import io.github.tdx4j.sim.vmm.HostMemory;
import io.github.tdx4j.abi.PageLevel;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Guest physical memory of one TD: the per-page Secure-EPT state of private memory, the shared/private attribute of
 * each page, and two sparse backings (private and shared), allocated 4 KiB at a time on first write so that a TD
 * with gigabytes of RAM costs a few kilobytes until it is touched.
 *
 * <p>State per 4 KiB page, one byte: a kind and the EPT level of the leaf that maps it.
 * <ul>
 *   <li>UNMAPPED: private, not in the Secure EPT (the host has not run TDH.MEM.PAGE.AUG);</li>
 *   <li>PENDING at level L: part of an AUGed leaf of size L, not yet accepted;</li>
 *   <li>MAPPED at level L: part of an accepted leaf of size L (TDX Module ABI v1.5, "Secure EPT Entry States":
 *       SEPT_PENDING, SEPT_MAPPED);</li>
 *   <li>SHARED: the guest converted the page to shared (MapGPA); the private side is removed.</li>
 * </ul>
 * States are kept per 2 MiB chunk: a chunk whose 512 pages share one state stores one byte; it gets a 512-byte
 * array only when its pages differ. Not thread-safe; the TD serialises access.
 */
final class TdMemory {
    static final int UNMAPPED = 0;
    static final int PENDING = 1;
    static final int MAPPED = 2;
    static final int SHARED = 3;

    static final int PAGE = GuestMemory.PAGE_SIZE;
    static final int PAGE_SHIFT = 12;
    static final int PAGES_PER_CHUNK = 512;

    private final long ramBytes;
    private final long sharedBit;
    private final long gpaMask;
    private final int chunks;
    private final byte[] uniform;
    private final byte[][] detail;
    private final byte[][][] privateData;
    private final byte[][][] sharedData;
    /** Pages whose Secure EPT entry a host SEAMCALL holds locked. */
    private final Set<Long> septLocks = new HashSet<>();

    TdMemory(TdConfig config) {
        this.ramBytes = config.memoryBytes();
        this.sharedBit = config.sharedBit();
        this.gpaMask = (1L << config.gpaw()) - 1;
        this.chunks = Math.toIntExact(ramBytes >>> 21);
        this.uniform = new byte[chunks];
        this.detail = new byte[chunks][];
        this.privateData = new byte[chunks][][];
        this.sharedData = new byte[chunks][][];
        long acceptedChunks = config.acceptedAtBootBytes() >>> 21;
        // The firmware (TDVF) accepts the boot memory in 2 MiB pages; the rest waits, unmapped, for the guest.
        Arrays.fill(uniform, 0, (int) acceptedChunks, state(MAPPED, 1));
    }

    static byte state(int kind, int level) {
        return (byte) (kind << 2 | level);
    }

    static int kind(int state) {
        return state >>> 2;
    }

    static int level(int state) {
        return state & 3;
    }

    static long pagesAt(int level) {
        return 1L << (9 * level);
    }

    long ramBytes() {
        return ramBytes;
    }

    long sharedBit() {
        return sharedBit;
    }

    long ramPages() {
        return ramBytes >>> PAGE_SHIFT;
    }

    /** Whether {@code gpa} has no bit above GPAW−1. */
    boolean withinGpaw(long gpa) {
        return (gpa & ~gpaMask) == 0;
    }

    boolean isRam(long gpaNoShared) {
        return gpaNoShared >= 0 && gpaNoShared < ramBytes;
    }

    int stateOf(long page) {
        int c = (int) (page >>> 9);
        byte[] d = detail[c];
        return d == null ? uniform[c] : d[(int) (page & 511)];
    }

    /** Whether the 2 MiB chunk holding {@code page} has one state for all its pages. */
    boolean chunkUniform(long page) {
        return detail[(int) (page >>> 9)] == null;
    }

    /** Sets pages [first, first+count) to {@code state}; whole chunks collapse back to one byte. */
    void setRange(long first, long count, byte state) {
        long end = first + count;
        long p = first;
        while (p < end) {
            int c = (int) (p >>> 9);
            long chunkStart = (long) c << 9;
            long chunkEnd = chunkStart + PAGES_PER_CHUNK;
            if (p == chunkStart && end >= chunkEnd) {
                uniform[c] = state;
                detail[c] = null;
                p = chunkEnd;
                continue;
            }
            byte[] d = detail[c];
            if (d == null) {
                d = new byte[PAGES_PER_CHUNK];
                Arrays.fill(d, uniform[c]);
                detail[c] = d;
            }
            long stop = Math.min(end, chunkEnd);
            Arrays.fill(d, (int) (p - chunkStart), (int) (stop - chunkStart), state);
            p = stop;
        }
    }

    /** Drops the backing pages of [first, first+count): they read as zero again. */
    void discard(boolean shared, long first, long count) {
        byte[][][] store = shared ? sharedData : privateData;
        for (long p = first; p < first + count; p++) {
            int c = (int) (p >>> 9);
            if (store[c] == null) {
                p = ((long) c << 9) + PAGES_PER_CHUNK - 1;
                continue;
            }
            store[c][(int) (p & 511)] = null;
        }
    }

    /** The backing page, or null if never written (reads as zero) and {@code create} is false. */
    byte[] page(boolean shared, long page, boolean create) {
        byte[][][] store = shared ? sharedData : privateData;
        int c = (int) (page >>> 9);
        byte[][] chunk = store[c];
        if (chunk == null) {
            if (!create) {
                return null;
            }
            chunk = new byte[PAGES_PER_CHUNK][];
            store[c] = chunk;
        }
        int i = (int) (page & 511);
        byte[] b = chunk[i];
        if (b == null && create) {
            b = new byte[PAGE];
            chunk[i] = b;
        }
        return b;
    }

    /**
     * Splits every leaf larger than 4 KiB that covers part of, but not all of, pages [first, first+count) into
     * 4 KiB leaves of the same kind: what the host does (TDH.MEM.PAGE.DEMOTE) before changing part of a huge page.
     */
    void demotePartialLeaves(long first, long count) {
        demoteAround(first);
        demoteAround(first + count - 1);
    }

    private void demoteAround(long page) {
        if (page < 0 || page >= ramPages()) {
            return;
        }
        int s = stateOf(page);
        int level = level(s);
        if (level == 0 || kind(s) == UNMAPPED || kind(s) == SHARED) {
            return;
        }
        long n = pagesAt(level);
        setRange(page & ~(n - 1), n, state(kind(s), 0));
    }

    // ---- the Secure EPT operations of the host's SEAMCALLs and of memory conversion ----

    /**
     * Converts whole pages of RAM between private and shared (QEMU {@code kvm_convert_memory}): to shared, the
     * private pages leave the Secure EPT; to private, the shared backing is discarded and the pages wait, unmapped.
     *
     * @throws IllegalArgumentException if the range is not whole pages of RAM
     */
    void convert(long gpa, long bytes, boolean shared) {
        long g = gpa & ~sharedBit;
        if ((g & (PAGE - 1)) != 0 || (bytes & (PAGE - 1)) != 0 || bytes <= 0 || !isRam(g) || !isRam(g + bytes - 1)) {
            throw new IllegalArgumentException("convert needs whole pages of RAM: 0x" + Long.toHexString(gpa)
                    + " + 0x" + Long.toHexString(bytes));
        }
        long first = g >>> PAGE_SHIFT;
        long n = bytes >>> PAGE_SHIFT;
        demotePartialLeaves(first, n);
        if (shared) {
            discard(false, first, n);
            discard(true, first, n);
            setRange(first, n, state(SHARED, 0));
        } else {
            discard(true, first, n);
            setRange(first, n, state(UNMAPPED, 0));
        }
    }

    /**
     * TDH.MEM.PAGE.AUG: maps the unmapped leaf of {@code level} holding {@code gpa} as PENDING. TDX Module ABI v1.5,
     * "TDH.MEM.PAGE.AUG Leaf".
     *
     * @throws IllegalArgumentException if the leaf lies outside RAM
     */
    void augPrivate(long gpa, PageLevel level) {
        long n = pagesAt(level.level());
        long first = (gpa >>> PAGE_SHIFT) & ~(n - 1);
        if (!isRam(first << PAGE_SHIFT)) {
            throw new IllegalArgumentException("TDH.MEM.PAGE.AUG outside RAM: 0x" + Long.toHexString(gpa));
        }
        for (long p = first; p < first + n; p++) {
            int k = kind(stateOf(p));
            if (k == PENDING || k == MAPPED) {
                // TDH.MEM.PAGE.AUG fails on a mapped entry (TDX_EPT_ENTRY_STATE_INCORRECT); nothing changes.
                return;
            }
        }
        discard(true, first, n);
        setRange(first, n, state(PENDING, level.level()));
    }

    /**
     * TDH.MEM.PAGE.DEMOTE: splits the pending or mapped leaf covering {@code gpa} into 4 KiB leaves. TDX Module ABI
     * v1.5, "TDH.MEM.PAGE.DEMOTE Leaf".
     */
    void demotePrivate(long gpa) {
        long page = (gpa & ~sharedBit) >>> PAGE_SHIFT;
        if (!isRam(page << PAGE_SHIFT)) {
            return;
        }
        int s = stateOf(page);
        int level = level(s);
        if (level == 0) {
            return;
        }
        long n = pagesAt(level);
        setRange(page & ~(n - 1), n, state(kind(s), 0));
    }

    /** Holds or releases the Secure EPT entry lock of the page at {@code gpa}, as a host SEAMCALL in progress does. */
    void holdSeptLock(long gpa, boolean held) {
        long page = (gpa & ~sharedBit) >>> PAGE_SHIFT;
        if (held) {
            septLocks.add(page);
        } else {
            septLocks.remove(page);
        }
    }

    /** Whether a host SEAMCALL holds the Secure EPT entry of any page in [firstPage, firstPage+count). */
    boolean septLocked(long firstPage, long count) {
        if (septLocks.isEmpty()) {
            return false;
        }
        for (long p : septLocks) {
            if (p >= firstPage && p < firstPage + count) {
                return true;
            }
        }
        return false;
    }

    // ---- copying with a per-page access check ----

    interface PageCheck {
        /** Throws if the page may not be accessed; returns whether it is the shared backing. */
        boolean check(long gpa, long page);
    }

    void copyOut(long gpa, byte[] dst, int offset, int length, PageCheck check) {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        long addr = gpa;
        int done = 0;
        while (done < length) {
            long page = (addr & ~sharedBit) >>> PAGE_SHIFT;
            boolean shared = check.check(addr, page);
            int inPage = (int) (addr & (PAGE - 1));
            int n = Math.min(length - done, PAGE - inPage);
            byte[] b = page(shared, page, false);
            if (b == null) {
                Arrays.fill(dst, offset + done, offset + done + n, (byte) 0);
            } else {
                System.arraycopy(b, inPage, dst, offset + done, n);
            }
            done += n;
            addr += n;
        }
    }

    void copyIn(long gpa, byte[] src, int offset, int length, PageCheck check) {
        java.util.Objects.checkFromIndexSize(offset, length, src.length);
        long addr = gpa;
        int done = 0;
        while (done < length) {
            long page = (addr & ~sharedBit) >>> PAGE_SHIFT;
            boolean shared = check.check(addr, page);
            int inPage = (int) (addr & (PAGE - 1));
            int n = Math.min(length - done, PAGE - inPage);
            System.arraycopy(src, offset + done, page(shared, page, true), inPage, n);
            done += n;
            addr += n;
        }
    }

    long loadSized(long gpa, int size, PageCheck check) {
        int inPage = (int) (gpa & (PAGE - 1));
        if (inPage <= PAGE - size) {
            // Within one page, every byte gets the same check result: check once (the last byte, which the loop
            // below checks first, so a refusal names the same address).
            long page = (gpa & ~sharedBit) >>> PAGE_SHIFT;
            byte[] b = page(check.check(gpa + size - 1, page), page, false);
            long v = 0;
            for (int i = size - 1; b != null && i >= 0; i--) {
                v = (v << 8) | (b[inPage + i] & 0xFF);
            }
            return v;
        }
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            long a = gpa + i;
            long page = (a & ~sharedBit) >>> PAGE_SHIFT;
            boolean shared = check.check(a, page);
            byte[] b = page(shared, page, false);
            v = (v << 8) | (b == null ? 0 : b[(int) (a & (PAGE - 1))] & 0xFF);
        }
        return v;
    }

    void storeSized(long gpa, int size, long value, PageCheck check) {
        int inPage = (int) (gpa & (PAGE - 1));
        if (inPage <= PAGE - size) {
            // Within one page: one check (of the first byte, as the loop below), then the bytes little-endian.
            long page = (gpa & ~sharedBit) >>> PAGE_SHIFT;
            byte[] b = page(check.check(gpa, page), page, true);
            for (int i = 0; i < size; i++) {
                b[inPage + i] = (byte) (value >>> (8 * i));
            }
            return;
        }
        for (int i = 0; i < size; i++) {
            long a = gpa + i;
            long page = (a & ~sharedBit) >>> PAGE_SHIFT;
            boolean shared = check.check(a, page);
            page(shared, page, true)[(int) (a & (PAGE - 1))] = (byte) (value >>> (8 * i));
        }
    }

    /**
     * The guest's access rule: a private GPA must be an accepted (MAPPED) page; a shared GPA must be a page the guest
     * converted to shared. Anything else is a {@link MemoryAccessException}.
     */
    final PageCheck guestCheck = this::guestAccess;

    private boolean guestAccess(long gpa, long page) {
        if (!withinGpaw(gpa)) {
            throw new MemoryAccessException(gpa, "GPA beyond GPAW");
        }
        boolean shared = (gpa & sharedBit) != 0;
        if (page >= ramPages()) {
            throw new MemoryAccessException(gpa, shared ? "shared GPA outside RAM (MMIO is reached by instructions, "
                    + "through #VE)" : "private GPA outside RAM");
        }
        int s = stateOf(page);
        if (shared) {
            // Deviation: a shared access to a RAM page the guest did not convert is refused; QEMU would convert
            // it implicitly on KVM_EXIT_MEMORY_FAULT. Documentation/arch/x86/tdx.rst, "Shared memory conversions".
            if (kind(s) != SHARED) {
                throw new MemoryAccessException(gpa, "shared access to a page not converted with MapGPA");
            }
            return true;
        }
        if (kind(s) != MAPPED) {
            throw new MemoryAccessException(gpa, kind(s) == SHARED ? "private access to a page converted to shared"
                    : "private access to a page not accepted (" + (kind(s) == PENDING ? "pending" : "unmapped") + ")");
        }
        return false;
    }

    /** The host's rule: any RAM GPA, always the shared backing. */
    final PageCheck hostCheck = this::hostAccess;

    private boolean hostAccess(long gpa, long page) {
        if (page >= ramPages() || !withinGpaw(gpa)) {
            throw new IllegalArgumentException("host access outside the TD's RAM: GPA 0x" + Long.toHexString(gpa));
        }
        return true;
    }

    /** The guest's view, handed out as {@link io.github.tdx4j.call.platform.GuestPlatform#memory()}. */
    final class GuestView implements GuestMemory {
        @Override
        public void read(long gpa, byte[] dst, int offset, int length) {
            copyOut(gpa, dst, offset, length, guestCheck);
        }

        @Override
        public void write(long gpa, byte[] src, int offset, int length) {
            copyIn(gpa, src, offset, length, guestCheck);
        }

        @Override
        public long readLong(long gpa) {
            return loadSized(gpa, 8, guestCheck);
        }

        @Override
        public long readUnsignedInt(long gpa) {
            return loadSized(gpa, 4, guestCheck);
        }

        @Override
        public void writeLong(long gpa, long value) {
            storeSized(gpa, 8, value, guestCheck);
        }

        @Override
        public void writeInt(long gpa, int value) {
            storeSized(gpa, 4, value, guestCheck);
        }
    }

    /** The host's view of the shared backing. */
    final class HostView implements HostMemory {
        @Override
        public boolean isRam(long gpa) {
            return TdMemory.this.isRam(gpa & ~sharedBit);
        }

        @Override
        public boolean isShared(long gpa) {
            long g = gpa & ~sharedBit;
            return TdMemory.this.isRam(g) && kind(stateOf(g >>> PAGE_SHIFT)) == SHARED;
        }

        @Override
        public void read(long gpa, byte[] dst, int offset, int length) {
            copyOut(gpa, dst, offset, length, hostCheck);
        }

        @Override
        public void write(long gpa, byte[] src, int offset, int length) {
            copyIn(gpa, src, offset, length, hostCheck);
        }

        @Override
        public long readLong(long gpa) {
            return loadSized(gpa, 8, hostCheck);
        }

        @Override
        public int readInt(long gpa) {
            return (int) loadSized(gpa, 4, hostCheck);
        }

        @Override
        public void writeLong(long gpa, long value) {
            storeSized(gpa, 8, value, hostCheck);
        }

        @Override
        public void writeInt(long gpa, int value) {
            storeSized(gpa, 4, value, hostCheck);
        }

        @Override
        public long readSized(long gpa, int size) {
            return loadSized(gpa, size, hostCheck);
        }

        @Override
        public void writeSized(long gpa, int size, long value) {
            storeSized(gpa, size, value, hostCheck);
        }
    }
}
