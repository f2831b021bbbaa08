package io.github.tdx4j.call;

/**
 * A call rejected before it reached the TDX module because the guest broke a spec precondition (reserved RAX
 * bits, an illegal register-expose mask, a leaf input that must be zero, an argument out of range).
 * Origin: always {@link Origin#GUEST_BUG}.
 */
public final class GuestBugException extends TdxException {
    private static final long serialVersionUID = 1L;

    public GuestBugException(String site, String detail) {
        super(TdxFailure.of(Origin.GUEST_BUG, site, detail));
    }
}
