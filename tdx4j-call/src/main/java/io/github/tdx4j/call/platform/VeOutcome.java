package io.github.tdx4j.call.platform;

import io.github.tdx4j.call.TdxFailure;

/**
 * How a #VE handler finished. A fatal outcome is not a value: the handler throws a
 * {@link io.github.tdx4j.call.TdxPanic}.
 */
public sealed interface VeOutcome permits VeOutcome.Handled, VeOutcome.Fault {

    /** The instruction's effect was performed and RIP advanced past it. */
    record Handled() implements VeOutcome {
    }

    /**
     * The #VE could not be handled: a fault is delivered to the faulting context — SIGSEGV for user mode, an oops
     * (unless an exception-table fixup applies) for kernel mode. RIP is unchanged.
     *
     * @param failure what went wrong and whose fault it is
     */
    record Fault(TdxFailure failure) implements VeOutcome {
    }

    VeOutcome HANDLED = new Handled();
}
