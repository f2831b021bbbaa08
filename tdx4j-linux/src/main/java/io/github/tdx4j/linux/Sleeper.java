package io.github.tdx4j.linux;

/** Waits between retries; injectable so that tests of the retry bounds take no time. */
@FunctionalInterface
public interface Sleeper {
    /** {@link Thread#sleep(long, int)}. */
    Sleeper SYSTEM = nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));

    void sleep(long nanos) throws InterruptedException;
}
