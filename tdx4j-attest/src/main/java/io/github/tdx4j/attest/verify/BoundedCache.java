package io.github.tdx4j.attest.verify;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A map with an upper bound: when full it is emptied. Entries are cheap to recompute, and the expected working
 * set (one collateral per platform family, one PCK chain per platform) is far below the bound. A bound of 0
 * keeps nothing: every get computes.
 */
final class BoundedCache<K, V> {
    private final int max;
    private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();

    BoundedCache(int max) {
        this.max = max;
    }

    V get(K key, Function<K, V> compute) {
        if (max == 0) {
            return compute.apply(key);
        }
        V v = map.get(key);
        if (v != null) {
            return v;
        }
        if (map.size() >= max) {
            map.clear();
        }
        // computeIfAbsent does not store a null result, so failures to compute are never cached.
        return map.computeIfAbsent(key, compute);
    }
}
