package io.github.tdx4j.guest.attest;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxException;
import io.github.tdx4j.call.TdxFailure;

/**
 * An attestation operation failed. {@link #reason()} says what, {@link #origin()} whose fault it is; the message
 * says what the user can do.
 */
public final class AttestationException extends TdxException {
    private static final long serialVersionUID = 1L;

    /** What failed. A closed set we produce. */
    public enum Reason {
        /** The caller passed bad arguments (REPORTDATA not 64 bytes, RTMR index out of range, ...). */
        INVALID_ARGUMENT,
        /** This machine offers no such interface (not a TD, driver missing, no permission). */
        UNAVAILABLE,
        /** The resource is busy (another request owns the quote buffer, EBUSY). */
        BUSY,
        /** The operation did not finish in time. */
        TIMEOUT,
        /** The TDX module refused or failed. */
        MODULE_ERROR,
        /** The VMM or quote service refused, failed or answered with something invalid. */
        HOST_ERROR,
        /** An I/O error talking to the kernel interface. */
        IO_ERROR
    }

    private final Reason reason;

    public AttestationException(Reason reason, Origin origin, String site, String detail) {
        super(TdxFailure.sensitive(origin, site, detail));
        this.reason = reason;
    }

    public AttestationException(Reason reason, Origin origin, String site, String detail, Throwable cause) {
        super(TdxFailure.sensitive(origin, site, detail), cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
