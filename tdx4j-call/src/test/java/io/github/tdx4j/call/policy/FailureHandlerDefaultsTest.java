package io.github.tdx4j.call.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The factory a library user calls first, and the names the CLI and the demo print for each preset. */
class FailureHandlerDefaultsTest {
    @Test
    @DisplayName("FailureHandler.of(policy) applies that policy")
    void ofKeepsThePolicy() {
        assertThat(FailureHandler.of(OriginPolicy.SEED_REVIEW).policy()).isSameAs(OriginPolicy.SEED_REVIEW);
        assertThat(FailureHandler.of(OriginPolicy.LINUX_MAINLINE).policy()).isSameAs(OriginPolicy.LINUX_MAINLINE);
    }

    @Test
    @DisplayName("Each preset is named as the documentation names it")
    void presetNames() {
        assertThat(OriginPolicy.LINUX_MAINLINE.name()).isEqualTo("LINUX_MAINLINE");
        assertThat(OriginPolicy.SEED_REVIEW.name()).isEqualTo("SEED_REVIEW");
    }
}
