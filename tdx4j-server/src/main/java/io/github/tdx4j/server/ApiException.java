package io.github.tdx4j.server;

import java.util.Objects;

/**
 * A request the server refuses, answered as {@code {"error": CODE, "detail": sentence}} with an HTTP status (see
 * {@link HttpErrors}). The detail is one sentence for people, naming the problem; it never carries a stack trace or
 * a library's internal message.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** HTTP status: 400 bad request, 404 not found, 413 too large, 422 cannot be processed, 503 busy. */
    final int status;
    /** A stable UPPER_SNAKE code for programs. */
    final String code;

    ApiException(int status, String code, String detail) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
    }

    static ApiException badRequest(String code, String detail) {
        return new ApiException(400, code, detail);
    }
}
