package io.github.tdx4j.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.guest.attest.AttestationException;
import io.github.tdx4j.guest.attest.AttestationException.Reason;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The retry bound: how many tries, how long each wait, and what an interrupt does. */
class BackoffTest {
    @Test
    @DisplayName("Backoff.DEFAULT waits 1, 2, 4, 8 s between its five tries")
    void defaultDelays() {
        assertThat(Backoff.DEFAULT.delayNanos(2)).isEqualTo(1_000_000_000L);
        assertThat(Backoff.DEFAULT.delayNanos(3)).isEqualTo(2_000_000_000L);
        assertThat(Backoff.DEFAULT.delayNanos(4)).isEqualTo(4_000_000_000L);
        assertThat(Backoff.DEFAULT.delayNanos(5)).isEqualTo(8_000_000_000L);
        assertThat(Backoff.DEFAULT.delayNanos(50)).isEqualTo(8_000_000_000L);
    }

    /** 200 backoff settings from a fixed seed, plus the edges; a failing case names its values. */
    static Stream<Arguments> backoffs() {
        SplittableRandom r = new SplittableRandom(0xbac0ffL);
        return Stream.concat(Stream.of(Arguments.of(1, 0L, 0L), Arguments.of(20, 5_000L, 60_000L)),
                Stream.generate(() -> Arguments.of(r.nextInt(1, 21), r.nextLong(0, 5_001), r.nextLong(0, 60_001)))
                        .limit(200));
    }

    @ParameterizedTest
    @MethodSource("backoffs")
    @DisplayName("an always-busy operation is tried at most maxAttempts times, every wait within [first, max]")
    void boundedForAnyBackoff(int attempts, long firstMillis, long extraMillis) {
        Backoff b = new Backoff(attempts, Duration.ofMillis(firstMillis), Duration.ofMillis(firstMillis + extraMillis),
                Duration.ofDays(1));
        FakeTdxGuest.FakeTime time = new FakeTdxGuest.FakeTime();
        int[] tries = {0};

        AttestationException e = catchThrowableOfType(AttestationException.class, () ->
                new Retry(b, time, time).run("test", () -> {
                    tries[0]++;
                    throw new Retry.Busy(n -> new AttestationException(Reason.BUSY, Origin.VMM, "test", n + " tries"));
                }));

        assertThat(tries[0]).isEqualTo(attempts);
        assertThat(e.failure().detail()).isEqualTo(attempts + " tries");
        assertThat(time.sleeps).hasSize(attempts - 1)
                .allSatisfy(s -> assertThat(s).isBetween(b.firstDelay().toNanos(), b.maxDelay().toNanos()))
                .isSorted();
    }

    @Test
    @DisplayName("an interrupt during the wait ends the retries as TIMEOUT and keeps the interrupt flag")
    void interrupted() {
        Retry r = new Retry(Backoff.DEFAULT, () -> 0L, nanos -> {
            throw new InterruptedException();
        });

        AttestationException e = catchThrowableOfType(AttestationException.class, () -> r.run("test", () -> {
            throw new Retry.Busy(n -> new AttestationException(Reason.BUSY, Origin.VMM, "test", "busy"));
        }));

        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(Thread.interrupted()).isTrue(); // also clears it for the next test
    }

    @Test
    @DisplayName("Backoff rejects zero attempts and a max delay below the first")
    void validation() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> new Backoff(0, Duration.ZERO, Duration.ZERO, Duration.ZERO))).isNotNull();
        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> new Backoff(2, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO))).isNotNull();
    }
}
