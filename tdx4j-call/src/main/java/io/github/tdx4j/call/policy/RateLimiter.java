package io.github.tdx4j.call.policy;

import java.util.Objects;

/**
 * The kernel's {@code ___ratelimit()} (lib/ratelimit.c, 2025 form), for one call site.
 *
 * <p>Hand-written because no maintained Java library has these semantics (token buckets such as Bucket4j refill
 * continuously and keep no "suppressed" count). The rules:
 * <ul>
 *   <li>The first call opens a window at {@code now}: {@code begin = now}, {@code burst} tokens.</li>
 *   <li>When {@code now > begin + interval} (strictly: at exactly {@code begin + interval} the window is still
 *       open) a new window opens at {@code now} with {@code burst} tokens; if calls were suppressed in the old
 *       window, "{@code <site>: N callbacks suppressed}" is emitted and the count reset.</li>
 *   <li>A call is allowed while a token is left; otherwise it is counted as suppressed.</li>
 *   <li>{@code interval == 0}: always allowed. {@code burst == 0} (interval &gt; 0): always suppressed and
 *       counted, with no window and so no "callbacks suppressed" line.</li>
 * </ul>
 * Defaults: {@code DEFAULT_RATELIMIT_INTERVAL} 5 s, {@code DEFAULT_RATELIMIT_BURST} 10. Thread-safe.
 */
public final class RateLimiter {
    /** DEFAULT_RATELIMIT_INTERVAL: 5 s. */
    public static final long DEFAULT_INTERVAL_NANOS = 5_000_000_000L;
    /** DEFAULT_RATELIMIT_BURST: 10. */
    public static final int DEFAULT_BURST = 10;

    private final String site;
    private final long intervalNanos;
    private final int burst;
    private final NanoClock clock;
    private final LogSink sink;

    private boolean initialized;
    private long begin;
    private int left;
    private long missed;

    /**
     * @param site          the name printed in the "callbacks suppressed" line
     * @param intervalNanos window length, ≥ 0; 0 disables limiting
     * @param burst         messages allowed per window, ≥ 0
     * @param clock         time source
     * @param sink          where the "callbacks suppressed" line goes
     */
    public RateLimiter(String site, long intervalNanos, int burst, NanoClock clock, LogSink sink) {
        if (intervalNanos < 0 || burst < 0) {
            throw new IllegalArgumentException("interval and burst must be >= 0: " + intervalNanos + ", " + burst);
        }
        this.site = Objects.requireNonNull(site, "site");
        this.intervalNanos = intervalNanos;
        this.burst = burst;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Whether the caller may print now. Counts a suppressed call when it may not. */
    public synchronized boolean allow() {
        if (intervalNanos == 0) {
            return true;
        }
        if (burst == 0) {
            // Mainline returns "interval == 0 || burst > 0" before any window logic and counts the miss; with no
            // window there is never a "callbacks suppressed" line either.
            missed++;
            return false;
        }
        long now = clock.nanoTime();
        if (!initialized) {
            initialized = true;
            begin = now;
            left = burst;
        } else if (now - begin > intervalNanos) {
            if (missed > 0) {
                sink.log(System.Logger.Level.WARNING, site + ": " + missed + " callbacks suppressed");
                missed = 0;
            }
            begin = now;
            left = burst;
        }
        if (left > 0) {
            left--;
            return true;
        }
        missed++;
        return false;
    }

    /** Calls suppressed in the current window, not yet reported. */
    public synchronized long missed() {
        return missed;
    }
}
