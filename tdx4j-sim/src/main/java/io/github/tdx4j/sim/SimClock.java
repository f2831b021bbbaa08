package io.github.tdx4j.sim;

import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * Simulated time and the host work scheduled in it. Time starts at 0 at boot and moves only forward, when the TD
 * sleeps or halts; actions due at the same moment run in the order they were scheduled. Not thread-safe: the TD's
 * lock guards it.
 */
final class SimClock {
    private long now;
    private long sequence;
    private final PriorityQueue<Event> events = new PriorityQueue<>();

    private record Event(long at, long sequence, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    /** Nanoseconds since boot. */
    long now() {
        return now;
    }

    /** Runs {@code action} at {@code atNanos}, or at the next advance if that moment has passed. */
    void schedule(long atNanos, Runnable action) {
        Objects.requireNonNull(action, "action");
        events.add(new Event(Math.max(atNanos, now), sequence++, action));
    }

    /**
     * Runs every action due by {@code target} in time order and moves time to {@code target}; stops early, at the
     * time of the last action run, as soon as {@code stopEarly} holds after an action.
     */
    void advanceTo(long target, BooleanSupplier stopEarly) {
        while (!events.isEmpty() && events.peek().at <= target) {
            Event e = events.poll();
            now = Math.max(now, e.at);
            e.action.run();
            if (stopEarly.getAsBoolean()) {
                return;
            }
        }
        now = Math.max(now, target);
    }
}
