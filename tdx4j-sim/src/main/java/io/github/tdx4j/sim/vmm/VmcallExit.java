package io.github.tdx4j.sim.vmm;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.GprSelect;

/**
 * A TD exit for TDG.VP.VMCALL as the VMM sees it: the VMM's copy of the vCPU's general-purpose registers.
 *
 * <p>TDX Module ABI v1.5, "TDG.VP.VMCALL Leaf": the registers the guest selected in GPR_SELECT hold the guest's
 * values; every other register reads zero; RAX holds the exit reason TDCALL ({@link #EXIT_REASON_TDCALL}) and RCX
 * the exit qualification (GPR_SELECT in bits 15:0, XMM_SELECT in bits 31:16). The VMM may write any register; on TD
 * re-entry the module copies back only the selected ones. The simulator reuses one instance per vCPU for every exit:
 * a VMM must not keep it beyond its {@link Vmm#tdvmcall} call.
 */
public interface VmcallExit {
    /** VMX basic exit reason of a TD exit caused by TDCALL(TDG.VP.VMCALL). */
    long EXIT_REASON_TDCALL = 77;

    /** The index of the vCPU that exited. */
    int vcpuIndex();

    /** The guest's TDVMCALL control (its RCX): the registers it exposed. */
    GprSelect gprSelect();

    /** Whether the guest exposed {@code gpr}: only those registers carry values in and out. */
    boolean exposes(Gpr gpr);

    /** Register by number (0..15), for loops without the enum. */
    long get(int number);

    /** Sets register {@code gpr} in the VMM's copy. */
    void set(Gpr gpr, long value);

    default long get(Gpr gpr) {
        return get(gpr.number());
    }

    default long r10() {
        return get(10);
    }

    default long r11() {
        return get(11);
    }

    default long r12() {
        return get(12);
    }

    default long r13() {
        return get(13);
    }

    default long r14() {
        return get(14);
    }

    default long r15() {
        return get(15);
    }

    /** Sets R10, the TDVMCALL status the guest reads. */
    default void setStatus(long r10) {
        set(Gpr.R10, r10);
    }

    default void setR11(long v) {
        set(Gpr.R11, v);
    }

    default void setR12(long v) {
        set(Gpr.R12, v);
    }

    default void setR13(long v) {
        set(Gpr.R13, v);
    }

    default void setR14(long v) {
        set(Gpr.R14, v);
    }

    default void setR15(long v) {
        set(Gpr.R15, v);
    }
}
