package io.github.tdx4j.call;

/**
 * The panic decided for a classified failure whose reaction is fatal: the origin policy maps it to
 * {@link io.github.tdx4j.call.policy.Reaction#FATAL}, or the service made it fatal by design (Linux panics on an
 * EPT violation on private memory, on failed memory acceptance, on a TD without SEPT_VE_DISABLE). Carries the
 * failure with its origin.
 */
public final class TdxPolicyPanic extends TdxPanic {
    private static final long serialVersionUID = 1L;

    public TdxPolicyPanic(TdxFailure failure) {
        super(failure);
    }
}
