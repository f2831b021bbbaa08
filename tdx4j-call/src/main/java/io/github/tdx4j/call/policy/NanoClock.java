package io.github.tdx4j.call.policy;

/**
 * A monotonic clock in nanoseconds, injectable so that rate limiters, deadlines and simulated time are
 * deterministic in tests.
 */
@FunctionalInterface
public interface NanoClock {
    /** The system's monotonic clock ({@link System#nanoTime()}). */
    NanoClock SYSTEM = System::nanoTime;

    /** Nanoseconds since an arbitrary fixed origin; only differences are meaningful. */
    long nanoTime();
}
