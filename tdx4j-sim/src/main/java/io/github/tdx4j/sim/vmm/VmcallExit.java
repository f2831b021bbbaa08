package io.github.tdx4j.sim.vmm;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.GprSelect;

/**
 * A TD exit for TDG.VP.VMCALL as the VMM sees it: the VMM's copy of the vCPU's general-purpose registers.
 *
 * <p>TDX Module ABI v1.5, "TDG.VP.VMCALL Leaf": the registers the guest selected in GPR_SELECT hold the guest's
 * values; every other register reads zero; RAX holds the exit reason TDCALL (77) and RCX the exit qualification
 * (GPR_SELECT in bits 15:0, XMM_SELECT in bits 31:16). The VMM may write any register here; on TD re-entry the
 * module copies back only the selected ones. One instance per vCPU, reused for every exit: the VMM must not keep
 * it beyond its {@link Vmm#tdvmcall} call.
 */
public final class VmcallExit {
    /** VMX basic exit reason of a TD exit caused by TDCALL(TDG.VP.VMCALL). */
    public static final long EXIT_REASON_TDCALL = 77;

    private final long[] regs = new long[16];
    private final int vcpuIndex;
    private long control;

    public VmcallExit(int vcpuIndex) {
        this.vcpuIndex = vcpuIndex;
    }

    /** The module's side: loads the VMM view for one exit. {@code guest} is the guest's register file. */
    public void load(long[] guest, long rcxControl) {
        control = rcxControl;
        int select = (int) (rcxControl & 0xFFFF);
        for (int i = 0; i < 16; i++) {
            regs[i] = ((select >>> i) & 1) != 0 ? guest[i] : 0;
        }
        regs[Gpr.RAX.number()] = EXIT_REASON_TDCALL;
        regs[Gpr.RCX.number()] = rcxControl & 0xFFFF_FFFFL;
    }

    /** The index of the vCPU that exited. */
    public int vcpuIndex() {
        return vcpuIndex;
    }

    /** The guest's TDVMCALL control (RCX): the registers it exposed. */
    public GprSelect gprSelect() {
        return new GprSelect(control);
    }

    /** Whether the guest exposed {@code gpr}: only those registers carry values in and out. */
    public boolean exposes(Gpr gpr) {
        return (control & gpr.bit()) != 0;
    }

    public long get(Gpr gpr) {
        return regs[gpr.number()];
    }

    public void set(Gpr gpr, long value) {
        regs[gpr.number()] = value;
    }

    /** Register by number (0..15), for loops without the enum. */
    public long get(int number) {
        return regs[number];
    }

    public long r10() {
        return regs[10];
    }

    public long r11() {
        return regs[11];
    }

    public long r12() {
        return regs[12];
    }

    public long r13() {
        return regs[13];
    }

    public long r14() {
        return regs[14];
    }

    public long r15() {
        return regs[15];
    }

    /** Sets R10, the TDVMCALL status the guest reads. */
    public void setStatus(long r10) {
        regs[10] = r10;
    }

    public void setR11(long v) {
        regs[11] = v;
    }

    public void setR12(long v) {
        regs[12] = v;
    }

    public void setR13(long v) {
        regs[13] = v;
    }

    public void setR14(long v) {
        regs[14] = v;
    }

    public void setR15(long v) {
        regs[15] = v;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("VmcallExit{vcpu ").append(vcpuIndex).append(' ').append(gprSelect());
        for (Gpr g : Gpr.values()) {
            if (regs[g.number()] != 0) {
                sb.append(' ').append(g).append("=0x").append(Long.toHexString(regs[g.number()]));
            }
        }
        return sb.append('}').toString();
    }
}
