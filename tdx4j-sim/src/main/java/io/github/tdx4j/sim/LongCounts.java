package io.github.tdx4j.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters keyed by a 64-bit value, without boxing: open addressing over two primitive arrays, so counting on the
 * hot path allocates nothing once a key has been seen. Not thread-safe; the TD serialises access.
 */
final class LongCounts {
    private long[] keys = new long[16];
    private long[] counts = new long[16];
    private boolean[] used = new boolean[16];
    private int size;

    void increment(long key) {
        int i = slot(key);
        if (!used[i]) {
            used[i] = true;
            keys[i] = key;
            size++;
            if (size * 2 > keys.length) {
                grow();
                i = slot(key);
            }
        }
        counts[i]++;
    }

    long get(long key) {
        int i = slot(key);
        return used[i] ? counts[i] : 0;
    }

    long total() {
        long t = 0;
        for (int i = 0; i < keys.length; i++) {
            if (used[i]) {
                t += counts[i];
            }
        }
        return t;
    }

    Map<Long, Long> snapshot() {
        Map<Long, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            if (used[i]) {
                m.put(keys[i], counts[i]);
            }
        }
        return m;
    }

    private int slot(long key) {
        int mask = keys.length - 1;
        int i = (int) (mix(key) & mask);
        while (used[i] && keys[i] != key) {
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
        long[] ok = keys;
        long[] oc = counts;
        boolean[] ou = used;
        keys = new long[ok.length * 2];
        counts = new long[ok.length * 2];
        used = new boolean[ok.length * 2];
        for (int j = 0; j < ok.length; j++) {
            if (ou[j]) {
                int i = slot(ok[j]);
                used[i] = true;
                keys[i] = ok[j];
                counts[i] = oc[j];
            }
        }
    }
}
