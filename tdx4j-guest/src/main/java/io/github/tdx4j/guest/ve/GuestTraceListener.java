package io.github.tdx4j.guest.ve;

import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.call.trace.TraceListener;
import java.util.Objects;

/**
 * A trace listener that can tell the calls a #VE handler made from the calls the guest made directly.
 *
 * <p>The guest services report a #VE <em>before</em> the TDCALLs and TDVMCALLs made to handle it (the handler
 * holds them back until it knows the outcome), so a trace reads in causal order: the exception, then what the
 * handler did about it. Those held-back calls arrive through {@link #onNestedEvent}.
 */
public interface GuestTraceListener extends TraceListener {
    /** A TDCALL or TDVMCALL made while handling the #VE most recently passed to {@link #onEvent}. */
    default void onNestedEvent(TraceEvent event) {
        onEvent(event);
    }

    /** {@code listener} as a guest trace listener that does not distinguish nested events. */
    static GuestTraceListener of(TraceListener listener) {
        Objects.requireNonNull(listener, "listener");
        return listener instanceof GuestTraceListener g ? g : listener::onEvent;
    }
}
