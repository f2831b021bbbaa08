/**
 * The simulated TDX platform: TDX module, VMM, guest memory, vCPU, devices and quoting service.
 *
 * <p>{@link io.github.tdx4j.sim.SimulatedTd} is the entry point; {@link io.github.tdx4j.sim.vmm} holds the host
 * seam ({@link io.github.tdx4j.sim.vmm.Vmm}) and the honest KVM + QEMU model; {@link io.github.tdx4j.sim.quote}
 * the quote generation service, its simulated PKI and collateral.
 */
module io.github.tdx4j.sim {
    requires transitive io.github.tdx4j.call;
    requires transitive io.github.tdx4j.attest;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.util;
    requires com.fasterxml.jackson.databind;

    exports io.github.tdx4j.sim;
    exports io.github.tdx4j.sim.vmm;
    exports io.github.tdx4j.sim.quote;
    exports io.github.tdx4j.sim.adversary;
    exports io.github.tdx4j.sim.qgs;
}
