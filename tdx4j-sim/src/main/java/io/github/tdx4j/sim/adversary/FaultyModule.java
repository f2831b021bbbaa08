package io.github.tdx4j.sim.adversary;

import io.github.tdx4j.abi.OperandId;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxTransport;
import java.util.Objects;

/**
 * A faulty TDX module: a {@link TdxTransport} decorator in front of the simulated module, consulting the tape at
 * the module's outputs the guest relies on ({@link InputSite#seam()} {@code == TDX_MODULE}). It is a separate seam
 * from the {@link AdversarialVmm}, so a failure it causes is the module's and must be classified so.
 *
 * <p>Faults, each where TDX Module ABI v1.5 lets a real module produce the status or where a module bug would show:
 * TDCALL(TDG.VP.VMCALL) with RAX != 0 (the call is not run), also an error whose RAX[31:0] is zero; TDG.VP.INFO with GPAW 0, 53 or 63; TDG.VP.VEINFO.GET with
 * TDX_NO_VALID_VE_INFO or instruction length 0; TDX_OPERAND_BUSY and TDX_INTERRUPTED_RESUMABLE on
 * TDG.MEM.PAGE.ACCEPT (the spec's contention and interruption cases), TDX_OPERAND_BUSY on TDG.MR.REPORT and
 * TDG.MR.RTMR.EXTEND; error statuses on TDG.VM.RD/WR. A fault that returns an error does not run the leaf.
 */
public final class FaultyModule implements TdxTransport {
    /** VMX basic exit reason 48, EPT violation: TDG.VP.VEINFO.GET RCX. */
    private static final long EXIT_REASON_EPT_VIOLATION = 48;

    private final TdxTransport module;
    private final Adversary adversary;

    public FaultyModule(TdxTransport module, Adversary adversary) {
        this.module = Objects.requireNonNull(module, "module");
        this.adversary = Objects.requireNonNull(adversary, "adversary");
    }

    @Override
    public Registers tdcall(Registers in) {
        TdcallLeaf leaf = TdcallLeaf.ofRax(in.rax());
        InputSite site = siteOf(leaf);
        if (site == null) {
            return module.tdcall(in);
        }
        Decision d = adversary.decide(site);
        return switch (d.fault()) {
            case MODULE_VMCALL_FAILED -> failed(d, TdxStatus.OPERAND_INVALID.raw() | OperandId.RCX.id());
            case MODULE_GPAW_0 -> gpaw(d, module.tdcall(in), 0);
            case MODULE_GPAW_53 -> gpaw(d, module.tdcall(in), 53);
            case MODULE_GPAW_63 -> gpaw(d, module.tdcall(in), 63);
            case MODULE_NO_VALID_VE_INFO -> failed(d, TdxStatus.NO_VALID_VE_INFO.raw());
            case MODULE_VE_LENGTH_ZERO -> {
                Registers out = module.tdcall(in);
                if (out.rcx() != EXIT_REASON_EPT_VIOLATION) {
                    // The length is used to skip HLT, IO, CPUID and MSR instructions; for an EPT violation it is
                    // architecturally undefined and the guest decodes the instruction instead.
                    adversary.mustFail(d, "#VE instruction length 0");
                }
                yield out.withR10(out.r10() & 0xFFFF_FFFF_0000_0000L);
            }
            case MODULE_OPERAND_BUSY -> failed(d, TdxStatus.OPERAND_BUSY.raw() | OperandId.RCX.id());
            case MODULE_INTERRUPTED_RESUMABLE -> failed(d, TdxStatus.INTERRUPTED_RESUMABLE.raw());
            case MODULE_OPERAND_INVALID -> failed(d, TdxStatus.OPERAND_INVALID.raw() | OperandId.RCX.id());
            case MODULE_ERROR_RANDOM -> failed(d, Long.MIN_VALUE | (d.value() & 0x3FFF_FFFF_FFFF_FFFFL));
            case MODULE_ERROR_NO_DETAILS -> failed(d, Long.MIN_VALUE | (d.value() & 0x0000_FFFF_0000_0000L));
            default -> module.tdcall(in);
        };
    }

    private Registers failed(Decision d, long rax) {
        // TDG.MEM.PAGE.ACCEPT has a fallback (a smaller page size, Linux try_accept_one) and TDG.VM.RD/WR failures
        // at boot have theirs; everywhere else an error must reach the caller.
        InputSite s = d.site();
        if (s != InputSite.MODULE_ACCEPT && s != InputSite.MODULE_VM_RD && s != InputSite.MODULE_VM_WR) {
            adversary.mustFail(d, "RAX 0x" + Long.toHexString(rax));
        }
        adversary.trace("module-fault", rax);
        return Registers.ZERO.withRax(rax);
    }

    private Registers gpaw(Decision d, Registers out, int gpaw) {
        adversary.mustFail(d, "GPAW " + gpaw);
        return out.withRcx((out.rcx() & ~0x3FL) | gpaw);
    }

    private static InputSite siteOf(TdcallLeaf leaf) {
        if (leaf.equals(TdcallLeaf.TDG_VP_VMCALL)) {
            return InputSite.MODULE_VMCALL;
        }
        if (leaf.equals(TdcallLeaf.TDG_VP_INFO)) {
            return InputSite.MODULE_VP_INFO;
        }
        if (leaf.equals(TdcallLeaf.TDG_VP_VEINFO_GET)) {
            return InputSite.MODULE_VEINFO;
        }
        if (leaf.equals(TdcallLeaf.TDG_MEM_PAGE_ACCEPT)) {
            return InputSite.MODULE_ACCEPT;
        }
        if (leaf.equals(TdcallLeaf.TDG_MR_REPORT)) {
            return InputSite.MODULE_REPORT;
        }
        if (leaf.equals(TdcallLeaf.TDG_MR_RTMR_EXTEND)) {
            return InputSite.MODULE_RTMR_EXTEND;
        }
        if (leaf.equals(TdcallLeaf.TDG_VM_RD)) {
            return InputSite.MODULE_VM_RD;
        }
        if (leaf.equals(TdcallLeaf.TDG_VM_WR)) {
            return InputSite.MODULE_VM_WR;
        }
        return null;
    }
}
