package io.github.tdx4j.sim;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Why a simulated TD stopped.
 *
 * @param kind      what happened
 * @param detail    what was seen, with values in hex
 * @param errorCode for {@link Kind#FATAL_ERROR}: R12 of ReportFatalError; otherwise 0
 * @param message   for {@link Kind#FATAL_ERROR}: the up-to-64-byte message, up to its first NUL; otherwise empty
 * @param gpa       for {@link Kind#FATAL_ERROR} with error code bit 63: R13, the GPA the guest named
 */
public record StopReason(Kind kind, String detail, long errorCode, String message, OptionalLong gpa) {
    public StopReason {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(gpa, "gpa");
    }

    /** A stop other than ReportFatalError. */
    public static StopReason of(Kind kind, String detail) {
        return new StopReason(kind, detail, 0, "", OptionalLong.empty());
    }

    /** A closed set: the ways the simulator stops a TD. */
    public enum Kind {
        /** TDG.VP.VMCALL&lt;ReportFatalError&gt;: KVM_SYSTEM_EVENT_TDX_FATAL, the guest panicked. */
        FATAL_ERROR,
        /** A #VE was raised while the previous #VE's information was still valid: #DF, not recoverable. */
        DOUBLE_FAULT,
        /** A #VE was raised and the guest has no #VE handler registered (an empty IDT entry: triple fault). */
        NO_VE_HANDLER,
        /** A TD exit the honest host cannot resolve (EPT violation on unaccepted memory with SEPT_VE_DISABLE). */
        UNRESOLVED_EPT_VIOLATION,
        /** The VMM stopped the TD for another reason (for example QEMU rejecting ReportFatalError's error code). */
        VMM_STOPPED
    }

    @Override
    public String toString() {
        return kind + ": " + detail + (kind == Kind.FATAL_ERROR ? " error code 0x" + Long.toHexString(errorCode)
                + " message \"" + message + "\"" + (gpa.isPresent() ? " GPA 0x" + Long.toHexString(gpa.getAsLong())
                : "") : "");
    }
}
