package io.github.tdx4j.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Warning lines with a bound: at most {@code perWindow} lines in any window of {@code window} on the clock; lines
 * beyond that are counted, and the next line written says how many were left out. Upstream failures are not in the
 * server's hands, so their log volume must not be either.
 */
final class RateLimitedLog {
    private final Clock clock;
    private final Duration window;
    private final int perWindow;
    private final Consumer<String> sink;
    private Instant windowStart = Instant.MIN;
    private int written;
    private long suppressed;

    RateLimitedLog(Clock clock, Duration window, int perWindow, Consumer<String> sink) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = Objects.requireNonNull(window, "window");
        if (perWindow < 1) {
            throw new IllegalArgumentException("perWindow must be at least 1: " + perWindow);
        }
        this.perWindow = perWindow;
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Writes {@code line} unless this window's lines are spent. */
    void warn(String line) {
        String out;
        synchronized (this) {
            Instant now = clock.instant();
            if (windowStart == Instant.MIN || !now.isBefore(windowStart.plus(window))) {
                windowStart = now;
                written = 0;
            }
            if (written >= perWindow) {
                suppressed++;
                return;
            }
            written++;
            out = suppressed == 0 ? line : line + " (" + suppressed + " earlier warning"
                    + (suppressed == 1 ? "" : "s") + " left out by the rate limit)";
            suppressed = 0;
        }
        sink.accept(out);
    }
}
