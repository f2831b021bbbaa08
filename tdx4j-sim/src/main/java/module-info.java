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
    // Exported to all, not only to the campaign: the campaign's exported API is written in FaultTape, InputSite,
    // Fault and FaultClass (Campaign.randomTape, CampaignReport's per-site and per-cell counts and Failure.shrunk,
    // RunSpec, RunResult, Shrinker, TapeFile), so a module using the campaign must be able to name them. With a
    // qualified export javac's exports lint (on: -Xlint:all -Werror) fails the campaign at each of those signatures
    // ("class FaultTape in module io.github.tdx4j.sim may not be visible to all clients that require this module";
    // tried). The types cannot move to the campaign, which requires this module: AdversarialVmm and FaultyModule
    // here are driven by them; and wrapping them would hide from campaign users which site and fault class a count
    // or a failing run is about, which is what the campaign reports. AdversarialVmm, Adversary and FaultyModule are
    // used directly by the CLI and by tests that boot a SimulatedTd under a hostile VMM of their own.
    exports io.github.tdx4j.sim.adversary;
    exports io.github.tdx4j.sim.qgs;
}
