package io.github.tdx4j.guest.ve;

import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.call.trace.TraceListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The listener between the tracing transport and the user's {@link GuestTraceListener}: passes calls through,
 * except while a #VE is being handled on the current thread, when it holds them until the handler reports the #VE
 * and its outcome; then the #VE goes first and the held calls follow as nested events.
 */
public final class VeTrace implements TraceListener {
    private final GuestTraceListener downstream;
    // Per instance on purpose: each VeTrace holds the calls of its own guest's #VE handlers, per thread.
    @SuppressWarnings("ThreadLocalUsage")
    private final ThreadLocal<List<TraceEvent>> held = new ThreadLocal<>();

    public VeTrace(GuestTraceListener downstream) {
        this.downstream = Objects.requireNonNull(downstream, "downstream");
    }

    @Override
    public void onEvent(TraceEvent event) {
        List<TraceEvent> h = held.get();
        if (h != null) {
            h.add(event);
        } else {
            downstream.onEvent(event);
        }
    }

    /** A #VE handler starts on this thread. */
    void begin() {
        held.set(new ArrayList<>());
    }

    /** The handler finished with {@code ve}: report it, then the calls it made. */
    void end(TraceEvent.Ve ve) {
        List<TraceEvent> h = held.get();
        held.remove();
        downstream.onEvent(ve);
        if (h != null) {
            h.forEach(downstream::onNestedEvent);
        }
    }
}
