package io.github.tdx4j.linux;

import java.time.Duration;
import java.util.Objects;

/**
 * The bound on retrying a kernel interface that answered "busy" (EBUSY, or a concurrent writer moved the report
 * generation): at most {@code maxAttempts} tries, waiting {@code firstDelay}, then twice as long each time up to
 * {@code maxDelay}, and never starting a retry after {@code deadline} has passed since the first try.
 *
 * @param maxAttempts tries in all, at least 1
 * @param firstDelay  wait before the second try
 * @param maxDelay    the longest single wait
 * @param deadline    no retry starts later than this after the first try
 */
public record Backoff(int maxAttempts, Duration firstDelay, Duration maxDelay, Duration deadline) {
    /**
     * Five tries over at most 1 + 2 + 4 + 8 = 15 s of waiting, within 60 s. The kernel itself waits up to 30 s for
     * a quote (tdx-guest.c, getquote_timeout), and libtdx_attest retries a busy outblob 3 times 10 s apart.
     */
    public static final Backoff DEFAULT =
            new Backoff(5, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(60));

    /** No retry at all. */
    public static final Backoff NONE = new Backoff(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public Backoff {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        Objects.requireNonNull(firstDelay, "firstDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(deadline, "deadline");
        if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0 || deadline.isNegative()) {
            throw new IllegalArgumentException("need 0 <= firstDelay <= maxDelay and deadline >= 0: " + this);
        }
    }

    /** The wait before try number {@code attempt} (2 = the first retry). */
    long delayNanos(int attempt) {
        long delay = firstDelay.toNanos();
        long max = maxDelay.toNanos();
        for (int i = 2; i < attempt && delay < max; i++) {
            delay = Math.min(max, delay * 2);
        }
        return Math.min(delay, max);
    }
}
