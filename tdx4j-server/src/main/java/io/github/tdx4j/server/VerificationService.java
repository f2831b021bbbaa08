package io.github.tdx4j.server;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.policy.PolicyViolation;
import io.github.tdx4j.attest.policy.TdPolicy;
import io.github.tdx4j.attest.verify.ErrorCode;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Verifies quotes for the HTTP faces: finds the collateral (the request's, else the {@link CollateralSource}'s),
 * verifies with one shared {@link QuoteVerifier} (whose caches make a second quote of a platform cheap), and judges
 * the result by a {@link TdPolicy}. At most {@code maxConcurrent} verifications run at once; a request that cannot
 * start within {@code queueWait} gets 503 {@code BUSY} instead of queueing without bound.
 */
final class VerificationService {
    /**
     * One verification.
     *
     * @param result     the verifier's result
     * @param violations the policy rules the verified quote breaks (empty for a failed verification)
     * @param at         the verification time
     */
    record Outcome(VerificationResult result, List<PolicyViolation> violations, Instant at) {
        Outcome {
            Objects.requireNonNull(result, "result");
            violations = List.copyOf(violations);
        }
    }

    private final QuoteVerifier verifier;
    private final CollateralSource source;
    private final Semaphore permits;
    private final Duration queueWait;
    private final Clock clock;
    private final ServerMetrics metrics;
    private final QuotePlatform.Reader platforms = new QuotePlatform.Reader();

    VerificationService(QuoteVerifier verifier, CollateralSource source, int maxConcurrent, Duration queueWait,
                        Clock clock, ServerMetrics metrics) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1: " + maxConcurrent);
        }
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.source = Objects.requireNonNull(source, "source");
        this.permits = new Semaphore(maxConcurrent);
        this.queueWait = Objects.requireNonNull(queueWait, "queueWait");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    CollateralSource source() {
        return source;
    }

    /**
     * Verifies {@code quote} and judges it by {@code policy}.
     *
     * @param supplied collateral sent with the request; when empty, the server's collateral for the quote's platform
     * @throws ApiException 503 BUSY when no verification slot frees up in time; 422 NO_COLLATERAL when the server has
     *                      no collateral for the platform; 502 UPSTREAM when fetching it failed
     */
    Outcome verify(byte[] quote, Optional<Collateral> supplied, TdPolicy policy) {
        boolean acquired;
        try {
            acquired = permits.tryAcquire(queueWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "SHUTTING_DOWN", "the server is stopping");
        }
        if (!acquired) {
            throw new ApiException(503, "BUSY", "all verification slots stayed busy for " + queueWait.toMillis()
                    + " ms; retry later");
        }
        long start = System.nanoTime();
        try {
            Instant at = clock.instant();
            VerificationResult result;
            Optional<QuotePlatform> platform = platforms.of(quote);
            Optional<Collateral> collateral = supplied;
            if (collateral.isEmpty() && platform.isPresent()) {
                QuotePlatform p = platform.get();
                CollateralSource.Found<Collateral> found = source.forPlatform(p.tee(), p.fmspc(), p.ca());
                metrics.collateral(found.outcome().name().toLowerCase(java.util.Locale.ROOT));
                if (found.item().isEmpty()) {
                    throw new ApiException(422, "NO_COLLATERAL", "the server has no " + p.tee() + " collateral for "
                            + "FMSPC " + p.fmspc() + " (" + source.describe() + "); send it in \"collateral\"");
                }
                collateral = found.item();
            }
            if (collateral.isPresent()) {
                result = verifier.verify(quote, collateral.get(), at);
            } else {
                // No PCK certificate could be read, so no collateral can be chosen: the quote is malformed or of a
                // kind the verifier does not take, and the verifier's verdict on it (the same as tdx4j verify gives)
                // needs no collateral. The fallback is for a certificate the verifier would get further with.
                result = QuoteVerifier.failureWithoutCollateral(quote).orElseGet(() -> new VerificationResult.Failed(
                        ErrorCode.MALFORMED_QUOTE, "the server cannot read the FMSPC and PCK CA from the quote's PCK "
                        + "certificate to choose its collateral; send the collateral in \"collateral\"",
                        Optional.empty(), Optional.empty()));
            }
            List<PolicyViolation> violations = result instanceof VerificationResult.Verified v
                    ? policy.violations(v) : List.of();
            metrics.verification(result instanceof VerificationResult.Verified v ? v.status().jsonName()
                    : ((VerificationResult.Failed) result).code().name(), System.nanoTime() - start);
            return new Outcome(result, violations, at);
        } finally {
            permits.release();
        }
    }
}
