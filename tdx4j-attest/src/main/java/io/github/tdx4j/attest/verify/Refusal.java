package io.github.tdx4j.attest.verify;

/**
 * The verifier refuses the quote: a check failed, and {@link #code} names which. Internal control flow, caught by
 * {@link QuoteVerifier} and returned as a {@link VerificationResult.Failed}; never leaves the package. No stack trace:
 * it is an expected outcome. Named for what it is, apart from the call layer's {@code TdxFailure}.
 */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    final ErrorCode code;

    Refusal(ErrorCode code, String detail) {
        super(detail, null, false, false);
        this.code = code;
    }

    Refusal(ErrorCode code, String detail, Throwable cause) {
        super(detail + ": " + cause.getMessage(), cause, false, false);
        this.code = code;
    }
}
