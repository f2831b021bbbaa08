package io.github.tdx4j.testkit;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.call.policy.LogSink;
import io.github.tdx4j.guest.CpuidInstruction;
import io.github.tdx4j.guest.GuestConfig;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.TdAttestation;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.Vcpu;

/** The attestation contract on the guest services over the honest simulated platform (a production TD). */
class SimulatedAttestationContractTest extends TdAttestationContract {
    @Override
    protected TdAttestation open() {
        return guestAttestation(SimulatedTd.boot());
    }

    /** Where CPUID runs: accepted private memory of the default TD. */
    private static final long CODE = 0x20_0000L;
    /** The guest services' page pool (quote buffer, report page). */
    private static final long POOL = 0x1000_0000L;
    private static final long POOL_BYTES = 1L << 20;

    /** Boots the guest services on {@code td} (CPUID executed on its vCPU 0) and returns their attestation API. */
    static TdAttestation guestAttestation(SimulatedTd td) {
        Vcpu cpu = td.vcpu();
        CpuidInstruction cpuid = (leaf, subleaf) -> {
            cpu.set(Gpr.RAX, leaf & 0xFFFF_FFFFL);
            cpu.set(Gpr.RCX, subleaf & 0xFFFF_FFFFL);
            cpu.execute(CODE, new byte[] {0x0F, (byte) 0xA2});
            return new CpuidInstruction.Result((int) cpu.get(Gpr.RAX), (int) cpu.get(Gpr.RBX),
                    (int) cpu.get(Gpr.RCX), (int) cpu.get(Gpr.RDX));
        };
        return TdxGuest.boot(td, cpuid, GuestConfig.defaults(POOL, POOL_BYTES).withLog(LogSink.NONE)).attestation();
    }
}
