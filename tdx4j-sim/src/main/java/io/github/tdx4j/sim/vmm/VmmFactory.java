package io.github.tdx4j.sim.vmm;

/** Creates the VMM of one TD, given the host services it acts through. */
@FunctionalInterface
public interface VmmFactory {
    Vmm create(Host host);

    /** KVM + QEMU with the default devices and the simulated quote generation service. */
    VmmFactory HONEST = HonestVmm::new;
}
