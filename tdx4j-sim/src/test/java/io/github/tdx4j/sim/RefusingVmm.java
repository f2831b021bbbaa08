package io.github.tdx4j.sim;

import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.sim.vmm.HonestVmm;
import io.github.tdx4j.sim.vmm.Host;
import io.github.tdx4j.sim.vmm.VmcallExit;
import io.github.tdx4j.sim.vmm.Vmm;
import io.github.tdx4j.sim.vmm.VmmFactory;

/** A host that answers TDVMCALLs honestly but never maps a private page on an EPT violation (no TDH.MEM.PAGE.AUG). */
final class RefusingVmm implements Vmm {
    static final VmmFactory FACTORY = RefusingVmm::new;

    private final HonestVmm honest;

    private RefusingVmm(Host host) {
        this.honest = new HonestVmm(host);
    }

    @Override
    public void tdvmcall(VmcallExit exit) {
        honest.tdvmcall(exit);
    }

    @Override
    public boolean onPrivateEptViolation(long gpa, PageLevel acceptLevel) {
        return false;
    }
}
