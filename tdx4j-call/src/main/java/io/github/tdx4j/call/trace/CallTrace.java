package io.github.tdx4j.call.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * A bounded in-memory recording of trace events: keeps the first {@code capacity} events and counts the rest,
 * so a long run cannot exhaust memory. Thread-safe.
 */
public final class CallTrace implements TraceListener {
    private final int capacity;
    private final List<TraceEvent> events = new ArrayList<>();
    private long dropped;

    public CallTrace(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0: " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized void onEvent(TraceEvent event) {
        if (events.size() < capacity) {
            events.add(event);
        } else {
            dropped++;
        }
    }

    /** A copy of the recorded events, in order. */
    public synchronized List<TraceEvent> events() {
        return List.copyOf(events);
    }

    /** Events seen after the capacity was reached. */
    public synchronized long dropped() {
        return dropped;
    }

    public synchronized void clear() {
        events.clear();
        dropped = 0;
    }
}
