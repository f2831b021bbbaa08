package io.github.tdx4j.call.policy;

/** A clock that moves only when told. */
final class ManualClock implements NanoClock {
    long now;

    ManualClock(long start) {
        this.now = start;
    }

    @Override
    public long nanoTime() {
        return now;
    }
}
