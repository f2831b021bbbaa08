package io.github.tdx4j.call.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** lib/ratelimit.c ___ratelimit() semantics. */
class RateLimiterTest {
    private static final long S = 1_000_000_000L;

    private final ManualClock clock = new ManualClock(1_000 * S);
    private final CapturingSink sink = new CapturingSink();

    private RateLimiter limiter(long interval, int burst) {
        return new RateLimiter("tdx.test.site", interval, burst, clock, sink);
    }

    @Test
    @DisplayName("Kernel defaults: DEFAULT_RATELIMIT_INTERVAL 5 s, DEFAULT_RATELIMIT_BURST 10")
    void defaults() {
        assertThat(RateLimiter.DEFAULT_INTERVAL_NANOS).isEqualTo(5 * S);
        assertThat(RateLimiter.DEFAULT_BURST).isEqualTo(10);
    }

    @Test
    @DisplayName("burst calls pass in a window, the rest are suppressed and counted")
    void burstThenSuppress() {
        RateLimiter rl = limiter(5 * S, 3);
        assertThat(rl.allow()).isTrue();
        assertThat(rl.allow()).isTrue();
        assertThat(rl.allow()).isTrue();
        assertThat(rl.allow()).isFalse();
        assertThat(rl.allow()).isFalse();
        assertThat(rl.missed()).isEqualTo(2);
        assertThat(sink.lines).isEmpty();
    }

    @Test
    @DisplayName("now == begin + interval is still inside the window (the reset needs now > begin + interval)")
    void windowEdgeIsInclusive() {
        RateLimiter rl = limiter(5 * S, 1);
        assertThat(rl.allow()).isTrue();
        clock.now += 5 * S;
        assertThat(rl.allow()).as("at begin + interval").isFalse();
        clock.now += 1;
        assertThat(rl.allow()).as("at begin + interval + 1 ns").isTrue();
    }

    @Test
    @DisplayName("At the next window: '<site>: N callbacks suppressed', then the count starts again")
    void suppressedLine() {
        RateLimiter rl = limiter(5 * S, 2);
        for (int i = 0; i < 7; i++) {
            rl.allow();
        }
        assertThat(sink.lines).isEmpty();
        clock.now += 5 * S + 1;
        assertThat(rl.allow()).isTrue();
        assertThat(sink.lines).containsExactly("tdx.test.site: 5 callbacks suppressed");
        assertThat(rl.missed()).isZero();
        clock.now += 5 * S + 1;
        assertThat(rl.allow()).isTrue();
        assertThat(sink.lines).as("no line when nothing was suppressed").hasSize(1);
    }

    @Test
    @DisplayName("interval == 0: never limits")
    void intervalZero() {
        RateLimiter rl = limiter(0, 1);
        for (int i = 0; i < 1000; i++) {
            assertThat(rl.allow()).isTrue();
        }
        assertThat(rl.missed()).isZero();
    }

    @Test
    @DisplayName("burst == 0 (interval > 0): always suppressed and counted, and no window ever prints")
    void burstZero() {
        RateLimiter rl = limiter(5 * S, 0);
        for (int i = 0; i < 10; i++) {
            assertThat(rl.allow()).isFalse();
            clock.now += 6 * S;
        }
        assertThat(rl.missed()).isEqualTo(10);
        assertThat(sink.lines).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"1000000000, 10, 25", "5000000000, 1, 3", "100, 4, 9"})
    @DisplayName("Over many windows, allowed calls never exceed burst per window")
    void neverMoreThanBurstPerWindow(long interval, int burst, int callsPerWindow) {
        RateLimiter rl = limiter(interval, burst);
        for (int w = 0; w < 20; w++) {
            int allowed = 0;
            for (int i = 0; i < callsPerWindow; i++) {
                if (rl.allow()) {
                    allowed++;
                }
            }
            assertThat(allowed).isEqualTo(Math.min(burst, callsPerWindow));
            clock.now += interval + 1;
        }
    }

    @Test
    @DisplayName("Negative settings are refused")
    void negativeRefused() {
        assertThatThrownBy(() -> limiter(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> limiter(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
