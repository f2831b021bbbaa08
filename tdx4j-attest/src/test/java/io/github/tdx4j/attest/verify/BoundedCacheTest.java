package io.github.tdx4j.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The verifier's bounded caches: full means emptied, so memory stays bounded whatever the callers send. */
class BoundedCacheTest {
    @Test
    @DisplayName("A cache of 2 keeps two entries; a third key empties it, so the first is computed again")
    void fullCacheIsEmptied() {
        List<String> computed = new ArrayList<>();
        BoundedCache<String, String> cache = new BoundedCache<>(2);
        java.util.function.Function<String, String> f = k -> {
            computed.add(k);
            return k.toUpperCase(java.util.Locale.ROOT);
        };
        assertThat(cache.get("a", f)).isEqualTo("A");
        assertThat(cache.get("b", f)).isEqualTo("B");
        assertThat(cache.get("a", f)).isEqualTo("A");
        assertThat(computed).containsExactly("a", "b");
        assertThat(cache.get("c", f)).isEqualTo("C");
        assertThat(cache.get("a", f)).isEqualTo("A");
        assertThat(computed).containsExactly("a", "b", "c", "a");
    }

    @Test
    @DisplayName("A cache of 0 keeps nothing, and a null result is never kept")
    void zeroKeepsNothing() {
        List<String> computed = new ArrayList<>();
        BoundedCache<String, String> none = new BoundedCache<>(0);
        none.get("a", k -> { computed.add(k); return k; });
        none.get("a", k -> { computed.add(k); return k; });
        assertThat(computed).containsExactly("a", "a");
        BoundedCache<String, String> some = new BoundedCache<>(4);
        assertThat(some.get("x", k -> { computed.add(k); return null; })).isNull();
        assertThat(some.get("x", k -> { computed.add(k); return "X"; })).isEqualTo("X");
        assertThat(computed).containsExactly("a", "a", "x", "x");
    }
}
