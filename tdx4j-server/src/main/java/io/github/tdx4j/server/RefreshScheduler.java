package io.github.tdx4j.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs collateral refreshes at given instants of the server's clock. Injected so that tests drive refreshes with a
 * fake clock and run the due tasks themselves; {@link #onThread(Clock)} is the production one.
 */
interface RefreshScheduler extends AutoCloseable {
    /** Runs {@code task} once, at {@code at} on the clock (at once if that is past). */
    void schedule(Instant at, Runnable task);

    /** Drops every task not yet run. */
    @Override
    void close();

    /**
     * One daemon platform thread ({@code tdx4j-collateral-refresh}) that runs the tasks in time order; the delay of
     * each task is computed from {@code clock} when it is scheduled. A refresh blocks on the upstream request (bounded
     * by the upstream timeout), so the tasks run one after the other: a few per platform and day.
     */
    static RefreshScheduler onThread(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tdx4j-collateral-refresh");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        ScheduledExecutorService s = executor;
        return new RefreshScheduler() {
            @Override
            public void schedule(Instant at, Runnable task) {
                long nanos = Math.max(0, Duration.between(clock.instant(), at).toNanos());
                if (!s.isShutdown()) {
                    s.schedule(task, nanos, TimeUnit.NANOSECONDS);
                }
            }

            @Override
            public void close() {
                s.shutdownNow();
            }
        };
    }
}
