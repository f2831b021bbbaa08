package io.github.tdx4j.trace.internal;

import io.github.tdx4j.call.trace.TraceEvent;
import java.util.Objects;

/**
 * One row of a sequence diagram: a call or #VE the guest made or took, or an interrupt the VMM posted.
 */
public sealed interface TraceRow permits TraceRow.Call, TraceRow.Interrupt {
    /** Whether a #VE handler made it (drawn and printed under the #VE before it). */
    boolean nested();

    /**
     * A traced TDCALL, TDVMCALL or #VE.
     *
     * @param event  the event as the trace listener received it
     * @param nested whether the #VE handler made it while handling the #VE before it
     */
    record Call(TraceEvent event, boolean nested) implements TraceRow {
        public Call {
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * An interrupt the VMM posted, as the guest's handler received it: not a call the guest made, so not a
     * {@link TraceEvent}; never nested.
     *
     * @param vector  the interrupt vector
     * @param atNanos the platform's time at delivery
     */
    record Interrupt(int vector, long atNanos) implements TraceRow {
        @Override
        public boolean nested() {
            return false;
        }
    }
}
