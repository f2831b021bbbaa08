package io.github.tdx4j.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters keyed by a pair of 64-bit values (the second is 0 for single keys), without boxing: open addressing over
 * primitive arrays with exact key comparison, so counting on the hot path allocates nothing once a key has been
 * seen. Not thread-safe; the TD serialises access.
 */
final class LongCounts {
    private long[] first = new long[16];
    private long[] second = new long[16];
    private long[] counts = new long[16];
    private boolean[] used = new boolean[16];
    private int size;

    void increment(long key) {
        increment(key, 0);
    }

    void increment(long k1, long k2) {
        int i = slot(k1, k2);
        if (!used[i]) {
            used[i] = true;
            first[i] = k1;
            second[i] = k2;
            size++;
            if (size * 2 > first.length) {
                grow();
                i = slot(k1, k2);
            }
        }
        counts[i]++;
    }

    long get(long key) {
        return get(key, 0);
    }

    long get(long k1, long k2) {
        int i = slot(k1, k2);
        return used[i] ? counts[i] : 0;
    }

    /** Single-key counts, in no particular order. */
    Map<Long, Long> snapshot() {
        Map<Long, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < first.length; i++) {
            if (used[i]) {
                m.merge(first[i], counts[i], Long::sum);
            }
        }
        return m;
    }

    private int slot(long k1, long k2) {
        int mask = first.length - 1;
        int i = (int) (mix(k1 * 31 + k2) & mask);
        while (used[i] && (first[i] != k1 || second[i] != k2)) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        return k;
    }

    private void grow() {
        long[] f = first;
        long[] s = second;
        long[] c = counts;
        boolean[] u = used;
        first = new long[f.length * 2];
        second = new long[f.length * 2];
        counts = new long[f.length * 2];
        used = new boolean[f.length * 2];
        for (int j = 0; j < f.length; j++) {
            if (u[j]) {
                int i = slot(f[j], s[j]);
                used[i] = true;
                first[i] = f[j];
                second[i] = s[j];
                counts[i] = c[j];
            }
        }
    }
}
