package io.github.tdx4j.call;

import java.util.Objects;

/**
 * A terminal outcome: the analogue of a kernel {@code panic()}. Never a return value and never
 * {@code System.exit}: it unwinds to whoever runs the TD (the simulator, a test, the CLI), which reports it and
 * stops. An {@link Error}, because ordinary {@code catch (Exception e)} blocks must not swallow it.
 *
 * <p>Two kinds: {@link TdxModuleFault}, the TDX module broke the call mechanism itself; and
 * {@link TdxPolicyPanic}, a classified failure the origin policy (or the service, by design) made fatal.
 */
public abstract sealed class TdxPanic extends Error permits TdxModuleFault, TdxPolicyPanic {
    private static final long serialVersionUID = 1L;

    private final transient TdxFailure failure;

    TdxPanic(TdxFailure failure) {
        super(Objects.requireNonNull(failure, "failure").toString());
        this.failure = failure;
    }

    public TdxFailure failure() {
        return failure;
    }

    public Origin origin() {
        return failure.origin();
    }
}
