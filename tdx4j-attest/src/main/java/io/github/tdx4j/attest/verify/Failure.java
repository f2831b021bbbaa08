package io.github.tdx4j.attest.verify;

/**
 * Internal control flow of the verifier: a check failed. Caught by {@link QuoteVerifier} and returned as a
 * {@link VerificationResult.Failed}; never leaves the package. No stack trace: it is an expected outcome.
 */
final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    final ErrorCode code;

    Failure(ErrorCode code, String detail) {
        super(detail, null, false, false);
        this.code = code;
    }

    Failure(ErrorCode code, String detail, Throwable cause) {
        super(detail + ": " + cause.getMessage(), cause, false, false);
        this.code = code;
    }
}
