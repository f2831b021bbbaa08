package io.github.tdx4j.ratls;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * A token bucket: at most {@code capacity} tokens, one more every {@code refill}, taken one at a time. Time comes
 * from an injected clock; a clock that goes backwards adds nothing.
 */
final class TokenBucket {
    private final long capacity;
    private final long refillNanos;
    private final InstantSource clock;
    private long tokens;
    private Instant last;

    TokenBucket(int capacity, Duration refill, InstantSource clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a token bucket holds at least one token: " + capacity);
        }
        if (refill.isNegative() || refill.isZero()) {
            throw new IllegalArgumentException("the refill interval must be positive: " + refill);
        }
        this.capacity = capacity;
        this.refillNanos = refill.toNanos();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tokens = capacity;
        this.last = clock.instant();
    }

    /** Takes a token if there is one. */
    synchronized boolean tryTake() {
        Instant now = clock.instant();
        if (now.isAfter(last)) {
            long elapsed;
            try {
                elapsed = Duration.between(last, now).toNanos();
            } catch (ArithmeticException centuries) {
                elapsed = Long.MAX_VALUE;
            }
            long gained = elapsed / refillNanos;
            if (gained >= capacity - tokens) {
                tokens = capacity;
                last = now;
            } else if (gained > 0) {
                tokens += gained;
                last = last.plusNanos(gained * refillNanos);
            }
        }
        if (tokens == 0) {
            return false;
        }
        tokens--;
        return true;
    }
}
