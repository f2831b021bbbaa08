package io.github.tdx4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long count (campaign runs) on stderr, at a bounded rate whatever the rate of updates: on a terminal
 * a bar redrawn in place at most every {@link #BAR_INTERVAL_NANOS}; otherwise (a log file, a CI job) one line at most
 * every {@link #LINE_INTERVAL_NANOS}, so that a run of hours leaves a few hundred lines, not millions. Each shows the
 * count done, the rate and the estimated time left. Nothing is printed before the first interval has passed, so
 * short runs stay quiet. Safe to call from several threads.
 */
final class Progress {
    /** Lines when stderr is not a terminal: one per 10 seconds at most. */
    static final long LINE_INTERVAL_NANOS = 10_000_000_000L;
    /** Bar redraws on a terminal: five per second at most. */
    static final long BAR_INTERVAL_NANOS = 200_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long total;
    private final String label;
    private final long start;
    private long lastShown;
    private boolean barShown;

    /**
     * @param err      where progress goes (stderr)
     * @param terminal whether {@code err} is a terminal
     * @param clock    monotonic nanoseconds
     * @param total    the count at completion, > 0
     * @param label    what is counted, plural ("runs")
     */
    Progress(PrintWriter err, boolean terminal, LongSupplier clock, long total, String label) {
        this.err = err;
        this.terminal = terminal;
        this.clock = clock;
        this.total = total;
        this.label = label;
        this.start = clock.getAsLong();
        this.lastShown = start;
    }

    /** {@code done} of the total are complete. */
    synchronized void update(long done) {
        long now = clock.getAsLong();
        if (now - lastShown < (terminal ? BAR_INTERVAL_NANOS : LINE_INTERVAL_NANOS)) {
            return;
        }
        lastShown = now;
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 ? duration((long) Math.ceil((total - done) / rate)) : "unknown";
        String counts = String.format(Locale.ROOT, "%d/%d %s (%.1f%%), %.0f %s/s, ETA %s", done, total, label,
                100.0 * done / total, rate, label, eta);
        if (terminal) {
            int filled = (int) Math.min(BAR_WIDTH, BAR_WIDTH * done / total);
            err.print("\r[" + "#".repeat(filled) + " ".repeat(BAR_WIDTH - filled) + "] " + counts + "  ");
            barShown = true;
        } else {
            err.println("progress: " + counts);
        }
        err.flush();
    }

    /** Clears the bar, if one was drawn, before the result is printed. */
    synchronized void finish() {
        if (barShown) {
            err.print("\r" + " ".repeat(BAR_WIDTH + 90) + "\r");
            err.flush();
        }
    }

    /** {@code 45s}, {@code 3m05s}, {@code 2h07m}, {@code 3d04h}. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3600);
    }
}
