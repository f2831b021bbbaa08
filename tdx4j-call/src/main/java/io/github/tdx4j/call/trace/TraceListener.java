package io.github.tdx4j.call.trace;

/** Receives trace events as they happen. */
@FunctionalInterface
public interface TraceListener {
    TraceListener NONE = event -> { };

    void onEvent(TraceEvent event);
}
