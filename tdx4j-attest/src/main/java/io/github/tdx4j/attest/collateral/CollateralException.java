package io.github.tdx4j.attest.collateral;

import java.util.Objects;

/**
 * Collateral could not be read or fetched. {@link #reason()} says which; the message names the item and what was
 * wrong with it.
 */
public final class CollateralException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. A closed set we produce. */
    public enum Reason {
        /** The collateral is not in the expected format (JSON shape, hex, PEM, DER, field values). */
        MALFORMED,
        /** The collateral service answered with an error or could not be reached. */
        UNAVAILABLE,
        /** Reading or writing the on-disk cache failed. */
        CACHE_IO
    }

    private final Reason reason;

    public CollateralException(Reason reason, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public CollateralException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    static CollateralException malformed(String message) {
        return new CollateralException(Reason.MALFORMED, message);
    }

    static CollateralException malformed(String message, Throwable cause) {
        return new CollateralException(Reason.MALFORMED, message, cause);
    }
}
