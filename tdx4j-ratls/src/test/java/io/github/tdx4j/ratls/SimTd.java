package io.github.tdx4j.ratls;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.TrustedRoot;
import io.github.tdx4j.guest.CpuidInstruction;
import io.github.tdx4j.guest.GuestConfig;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.QuoteOptions;
import io.github.tdx4j.guest.attest.TdAttestation;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.Vcpu;
import java.nio.charset.StandardCharsets;

/**
 * A TD on the simulated platform with the guest services booted, for tests: its {@link TdAttestation}, and what a
 * relying party needs to verify its quotes (the simulator's root and collateral). A stand-in until the library has
 * its own one-line simulated entry point.
 */
final class SimTd {
    /** Where the CPUID instruction runs (inside memory accepted at build). */
    private static final long CODE_GPA = 0x20_0000L;
    /** The guest services' page pool (the 128 KiB quote buffer and a report page fit). */
    private static final long POOL_GPA = 0x1000_0000L;
    private static final long POOL_BYTES = 1L << 20;

    final SimulatedTd td;
    final TdxGuest guest;

    private SimTd(SimulatedTd td) {
        this.td = td;
        Vcpu cpu = td.vcpu();
        CpuidInstruction cpuid = (leaf, sub) -> {
            cpu.set(Gpr.RAX, leaf & 0xFFFF_FFFFL);
            cpu.set(Gpr.RCX, sub & 0xFFFF_FFFFL);
            cpu.execute(CODE_GPA, new byte[] {0x0F, (byte) 0xA2});
            return new CpuidInstruction.Result((int) cpu.get(Gpr.RAX), (int) cpu.get(Gpr.RBX),
                    (int) cpu.get(Gpr.RCX), (int) cpu.get(Gpr.RDX));
        };
        // Simulated time passes only while the guest sleeps: poll often, it costs no wall time.
        this.guest = TdxGuest.boot(td, cpuid, GuestConfig.defaults(POOL_GPA, POOL_BYTES)
                .withQuote(QuoteOptions.LINUX.withPoll(1_000_000L)));
    }

    /** A production TD (no debug, SEPT_VE_DISABLE) of the default image. */
    static SimTd production() {
        return boot(TdConfig.production());
    }

    static SimTd boot(TdConfig config) {
        return new SimTd(SimulatedTd.boot(config, SimSettings.strict()));
    }

    /** A production TD on a platform whose keys (root CA included) derive from {@code seed}. */
    static SimTd withSeed(long seed) {
        return new SimTd(SimulatedTd.boot(TdConfig.production(), SimSettings.builder().seed(seed).build()));
    }

    /** A debug TD of the same image. */
    static SimTd debug() {
        return boot(TdConfig.production().toBuilder().debug(true).build());
    }

    TdAttestation attestation() {
        return guest.attestation();
    }

    Collateral collateral() {
        return QuoteCollateralV3.parse(td.quotingService().collateral().quoteCollateralV3Json()
                .getBytes(StandardCharsets.UTF_8));
    }

    TrustedRoot root() {
        return TrustedRoot.of(td.quotingService().pki().rootCertificate());
    }

    QuoteVerifier verifier() {
        return QuoteVerifier.builder().trustedRoot(root()).build();
    }
}
