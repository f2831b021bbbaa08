package io.github.tdx4j.attest.verify;

import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.format.Quote;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link QuoteVerifier#verify}: either the quote is genuine and its platform has a TCB status
 * ({@link Verified}, whatever the status), or a check failed ({@link Failed}, with a stable code).
 *
 * <p>Whether a status is acceptable, and what the TD's measurements must be, is a separate decision:
 * {@code io.github.tdx4j.attest.policy.TdPolicy}.
 */
public sealed interface VerificationResult {
    /** The decoded quote, when it could be decoded. */
    Optional<DecodedQuote> decodedQuote();

    /** The platform family of the PCK certificate (lowercase hex), when the PCK chain could be read. */
    Optional<String> platformFmspc();

    /**
     * Cryptographic verification succeeded and the TCB status was computed (Intel QVL: a "non-terminal" result).
     *
     * @param quote             the quote
     * @param status            the converged TCB status
     * @param advisoryIds       Intel security advisories of the selected TCB levels (platform, module, QE)
     * @param collateralExpired whether any collateral item (CRL, TCB info, QE identity, certificate) had expired
     *                          at the verification time; Intel reports this as a flag, not a failure (the rule of
     *                          Intel's QvE up to DCAP 1.23)
     * @param collateralExpiry  the earliest expiry among the collateral items and the PCK chain
     * @param expiringItem      which item expires first
     * @param platformStatus    status of the selected platform TCB level (the TDX level for a TD quote)
     * @param moduleStatus      status of the TDX module identity level, if the module is judged by one
     * @param qeStatus          status of the QE identity level
     * @param fmspc             the platform family from the PCK certificate (lowercase hex)
     * @param qveCollateralExpired whether the TCB info's or the QE identity's nextUpdate had passed at the
     *                          verification time: the rule of Intel's current QvE, which takes the earliest
     *                          nextUpdate of those two only (qve.cpp, {@code expiration_date_min} of the QVL's
     *                          verification collateral info); certificates and CRLs do not count
     */
    record Verified(DecodedQuote quote, TcbStatus status, List<String> advisoryIds, boolean collateralExpired,
                    Instant collateralExpiry, String expiringItem, TcbStatus platformStatus,
                    Optional<TcbStatus> moduleStatus, TcbStatus qeStatus, String fmspc, boolean qveCollateralExpired)
            implements VerificationResult {
        /**
         * A result without Intel's current expiry rule known separately: that rule's answer is taken to be
         * {@code collateralExpired} (for callers written before the field for it existed).
         */
        public Verified(DecodedQuote quote, TcbStatus status, List<String> advisoryIds, boolean collateralExpired,
                        Instant collateralExpiry, String expiringItem, TcbStatus platformStatus,
                        Optional<TcbStatus> moduleStatus, TcbStatus qeStatus, String fmspc) {
            this(quote, status, advisoryIds, collateralExpired, collateralExpiry, expiringItem, platformStatus,
                    moduleStatus, qeStatus, fmspc, collateralExpired);
        }

        public Verified {
            Objects.requireNonNull(quote, "quote");
            Objects.requireNonNull(status, "status");
            advisoryIds = List.copyOf(advisoryIds);
            Objects.requireNonNull(collateralExpiry, "collateralExpiry");
            Objects.requireNonNull(expiringItem, "expiringItem");
            Objects.requireNonNull(platformStatus, "platformStatus");
            Objects.requireNonNull(moduleStatus, "moduleStatus");
            Objects.requireNonNull(qeStatus, "qeStatus");
            Objects.requireNonNull(fmspc, "fmspc");
        }

        @Override
        public Optional<DecodedQuote> decodedQuote() {
            return Optional.of(quote);
        }

        /** The TD quote, unless this was an SGX quote. */
        public Optional<Quote> tdQuote() {
            return quote instanceof DecodedQuote.Td td ? Optional.of(td.quote()) : Optional.empty();
        }

        @Override
        public Optional<String> platformFmspc() {
            return Optional.of(fmspc);
        }
    }

    /**
     * A check failed.
     *
     * @param code   which check, a stable UPPER_SNAKE code
     * @param detail what was seen, for people
     * @param decodedQuote  the quote, if it could be decoded
     * @param platformFmspc the PCK certificate's FMSPC, if the chain could be read
     */
    record Failed(ErrorCode code, String detail, Optional<DecodedQuote> decodedQuote, Optional<String> platformFmspc)
            implements VerificationResult {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(decodedQuote, "decodedQuote");
            Objects.requireNonNull(platformFmspc, "platformFmspc");
        }

        @Override
        public String toString() {
            return code + ": " + detail;
        }
    }
}
