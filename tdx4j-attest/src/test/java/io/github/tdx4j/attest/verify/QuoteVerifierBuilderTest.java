package io.github.tdx4j.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link QuoteVerifier.Builder#cacheSize}: the documented bound, at its edge. */
class QuoteVerifierBuilderTest {
    @Test
    @DisplayName("cacheSize(0) is refused with the value named; cacheSize(1), the smallest allowed, is taken")
    void cacheSizeAtLeastOne() {
        assertThatThrownBy(() -> QuoteVerifier.builder().cacheSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("cache size must be at least 1: 0");
        QuoteVerifier.Builder b = QuoteVerifier.builder();
        assertThat(b.cacheSize(1)).isSameAs(b);
        assertThat(b.build()).isNotNull();
    }
}
