package io.github.tdx4j.guest.fake;

import io.github.tdx4j.call.platform.GuestMemory;
import java.util.HashMap;
import java.util.Map;

/**
 * Sparse guest memory for unit tests: any GPA reads as zero until written; the shared bit is part of the address,
 * so shared and private views of a page are different bytes (as on TDX, where the contents do not survive a
 * conversion). Counts reads per address so tests can check "read once".
 */
public final class FakeMemory implements GuestMemory {
    private final Map<Long, byte[]> pages = new HashMap<>();
    private final Map<Long, Integer> reads = new HashMap<>();

    @Override
    public synchronized void read(long gpa, byte[] dst, int offset, int length) {
        reads.merge(gpa, 1, Integer::sum);
        for (int i = 0; i < length; i++) {
            long a = gpa + i;
            byte[] p = pages.get(a & ~(PAGE_SIZE - 1L));
            dst[offset + i] = p == null ? 0 : p[(int) (a & (PAGE_SIZE - 1))];
        }
    }

    @Override
    public synchronized void write(long gpa, byte[] src, int offset, int length) {
        for (int i = 0; i < length; i++) {
            long a = gpa + i;
            pages.computeIfAbsent(a & ~(PAGE_SIZE - 1L), k -> new byte[PAGE_SIZE])[(int) (a & (PAGE_SIZE - 1))] =
                    src[offset + i];
        }
    }

    /** How many reads started exactly at {@code gpa}. */
    public synchronized int readsAt(long gpa) {
        return reads.getOrDefault(gpa, 0);
    }
}
