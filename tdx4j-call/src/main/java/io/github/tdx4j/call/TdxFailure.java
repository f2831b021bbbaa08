package io.github.tdx4j.call;

import java.util.Objects;

/**
 * One classified failure: whose fault it is, where it happened and what was seen.
 *
 * @param origin      whose fault it is
 * @param site        a stable identifier of the place that detected it, e.g. {@code tdx.mapgpa.retry-address}; the
 *                    warn-once and rate-limit state is kept per site
 * @param sensitivity whether the failing call guards a security property
 * @param detail      what was seen, with the values involved (hex for registers)
 */
public record TdxFailure(Origin origin, String site, Sensitivity sensitivity, String detail) {
    public TdxFailure {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(sensitivity, "sensitivity");
        Objects.requireNonNull(detail, "detail");
    }

    public static TdxFailure of(Origin origin, String site, String detail) {
        return new TdxFailure(origin, site, Sensitivity.ORDINARY, detail);
    }

    public static TdxFailure sensitive(Origin origin, String site, String detail) {
        return new TdxFailure(origin, site, Sensitivity.SECURITY_SENSITIVE, detail);
    }

    /** {@code [VMM] tdx.mapgpa: R11 0x5000 outside [0x1000, 0x3000)}. */
    @Override
    public String toString() {
        return "[" + origin + "] " + site + ": " + detail;
    }
}
