package io.github.tdx4j.call;

import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdxStatus;
import java.util.Optional;

/**
 * The one table of whose fault a received status is, used by the guest services and by tracing alike.
 *
 * <p>TDCALL: the module answers in RAX (TDX Module ABI v1.5, "Function Completion Status Codes"). A refused operand
 * or a page accepted twice is the guest's doing; a Secure EPT walk that finds no pending page, or an entry in the
 * wrong state, means the VMM never added (or removed) the page, because only the host's SEAMCALLs change the Secure
 * EPT (ABI v1.5, "TDG.MEM.PAGE.ACCEPT Leaf"); any other error is the module's. TDG.VP.VMCALL: RAX != 0 is the
 * module's (the call mechanism failed), and an R10 other than SUCCESS or RETRY is the VMM's (GHCI 1.5,
 * "TDG.VP.VMCALL Interface").
 */
public final class StatusOrigin {
    private StatusOrigin() {
    }

    /** Whose fault a TDCALL's RAX is; empty when it is not an error. */
    public static Optional<Origin> ofTdcall(TdxStatus status) {
        if (!status.isError()) {
            return Optional.empty();
        }
        return Optional.of(ofFailed(status));
    }

    /**
     * Whose fault a TDCALL that did not succeed is, including the warning TDX_PAGE_ALREADY_ACCEPTED, which a service
     * that needed the page freshly accepted treats as a failure.
     */
    public static Origin ofFailed(TdxStatus status) {
        if (status.is(TdxStatus.OPERAND_INVALID) || status.is(TdxStatus.PAGE_ALREADY_ACCEPTED)) {
            return Origin.GUEST_BUG;
        }
        if (status.is(TdxStatus.EPT_WALK_FAILED) || status.is(TdxStatus.EPT_ENTRY_STATE_INCORRECT)) {
            return Origin.VMM;
        }
        return Origin.TDX_MODULE;
    }

    /** Whose fault a TDG.VP.VMCALL's outcome is (RAX from the module, R10 from the VMM); empty when it succeeded. */
    public static Optional<Origin> ofTdvmcall(TdxStatus rax, TdvmcallStatus r10) {
        if (!rax.isSuccess()) {
            return Optional.of(Origin.TDX_MODULE);
        }
        return r10.isSuccess() || r10.isRetry() ? Optional.empty() : Optional.of(Origin.VMM);
    }
}
