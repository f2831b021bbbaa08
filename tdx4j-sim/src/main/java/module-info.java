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
    // API, not only a detail of the campaign: the campaign's exported types (RunSpec, RunResult, TapeFile,
    // CampaignReport) carry FaultTape, InputSite, Fault and FaultClass, so a qualified export would leave its users
    // unable to name them; and a test of a guest service may boot the simulator with an AdversarialVmm of its own.
    exports io.github.tdx4j.sim.adversary;
}
