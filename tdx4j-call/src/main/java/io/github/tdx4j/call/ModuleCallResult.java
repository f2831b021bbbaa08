package io.github.tdx4j.call;

import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdxStatus;

/**
 * What a TDCALL to a TDX-module leaf (any leaf but TDG.VP.VMCALL) returned: the completion status and the output
 * registers RCX, RDX, R8–R11 (the others read as zero).
 *
 * <p>As Linux {@code __tdcall_ret}, the outputs are kept even when the status is an error; the leaf's spec says
 * which are meaningful then. Warnings (status without bit 63, such as TDX_PAGE_ALREADY_ACCEPTED) are not errors.
 *
 * @param leaf   the leaf called
 * @param status RAX
 * @param out    RCX, RDX, R8–R11 as returned; everything else zero
 */
public record ModuleCallResult(TdcallLeaf leaf, TdxStatus status, Registers out) {
    public boolean isError() {
        return status.isError();
    }

    public long rcx() {
        return out.rcx();
    }

    public long rdx() {
        return out.rdx();
    }

    public long r8() {
        return out.r8();
    }

    public long r9() {
        return out.r9();
    }

    public long r10() {
        return out.r10();
    }

    public long r11() {
        return out.r11();
    }
}
