package io.github.tdx4j.sim;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.GprSelect;
import io.github.tdx4j.sim.vmm.VmcallExit;

/**
 * The module's side of a TDVMCALL exit: the VMM's register copy of one vCPU, reused for every exit so that the
 * round trip allocates nothing. {@link #load} fills it as the TDX module does on the TD exit.
 */
final class ExitRegisters implements VmcallExit {
    private final long[] regs = new long[16];
    private final int vcpuIndex;
    private long control;

    ExitRegisters(int vcpuIndex) {
        this.vcpuIndex = vcpuIndex;
    }

    /**
     * TDX Module ABI v1.5, "TDG.VP.VMCALL Leaf": the selected registers from {@code guest}, every other one zero,
     * RAX = exit reason TDCALL, RCX = GPR_SELECT | XMM_SELECT &lt;&lt; 16.
     */
    void load(long[] guest, long rcxControl) {
        control = rcxControl;
        int select = (int) (rcxControl & 0xFFFF);
        for (int i = 0; i < 16; i++) {
            regs[i] = ((select >>> i) & 1) != 0 ? guest[i] : 0;
        }
        regs[Gpr.RAX.number()] = EXIT_REASON_TDCALL;
        regs[Gpr.RCX.number()] = rcxControl & 0xFFFF_FFFFL;
    }

    @Override
    public int vcpuIndex() {
        return vcpuIndex;
    }

    @Override
    public GprSelect gprSelect() {
        return new GprSelect(control);
    }

    @Override
    public boolean exposes(Gpr gpr) {
        return (control & gpr.bit()) != 0;
    }

    @Override
    public long get(int number) {
        return regs[number];
    }

    @Override
    public void set(Gpr gpr, long value) {
        regs[gpr.number()] = value;
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
