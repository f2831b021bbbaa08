package io.github.tdx4j.linux;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.policy.NanoClock;
import io.github.tdx4j.guest.attest.AttestationException;
import java.util.Objects;
import java.util.function.IntFunction;

/** Runs a kernel operation again while it answers "busy", within a {@link Backoff}. */
final class Retry {
    /** One try; throws {@link Busy} to ask for another. */
    @FunctionalInterface
    interface Attempt<T> {
        T run() throws Busy;
    }

    /**
     * "Busy, try again", carrying the exception to throw when no try is left (given the number of tries made).
     * Control flow only, so no stack trace.
     */
    static final class Busy extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient IntFunction<AttestationException> exhausted;

        Busy(IntFunction<AttestationException> exhausted) {
            super(null, null, false, false);
            this.exhausted = exhausted;
        }
    }

    private final Backoff backoff;
    private final NanoClock clock;
    private final Sleeper sleeper;

    Retry(Backoff backoff, NanoClock clock, Sleeper sleeper) {
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    <T> T run(String site, Attempt<T> attempt) {
        long start = clock.nanoTime();
        for (int tries = 1; ; tries++) {
            try {
                return attempt.run();
            } catch (Busy busy) {
                long elapsed = clock.nanoTime() - start;
                if (tries >= backoff.maxAttempts() || elapsed >= backoff.deadline().toNanos()) {
                    throw busy.exhausted.apply(tries);
                }
                try {
                    sleeper.sleep(backoff.delayNanos(tries + 1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AttestationException(AttestationException.Reason.TIMEOUT, Origin.GUEST_BUG, site,
                            "interrupted while waiting to retry after " + tries + " busy answer(s); nothing was "
                                    + "produced", e);
                }
            }
        }
    }
}
