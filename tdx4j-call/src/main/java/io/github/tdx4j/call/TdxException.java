package io.github.tdx4j.call;

import java.util.Objects;

/**
 * The base of every recoverable tdx4j exception: each carries the {@link TdxFailure} it reports, so every error
 * says its origin. Terminal outcomes are {@link TdxPanic}s instead.
 */
public abstract class TdxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient TdxFailure failure;

    protected TdxException(TdxFailure failure) {
        super(Objects.requireNonNull(failure, "failure").toString());
        this.failure = failure;
    }

    protected TdxException(TdxFailure failure, Throwable cause) {
        super(Objects.requireNonNull(failure, "failure").toString(), cause);
        this.failure = failure;
    }

    public TdxFailure failure() {
        return failure;
    }

    public Origin origin() {
        return failure.origin();
    }
}
