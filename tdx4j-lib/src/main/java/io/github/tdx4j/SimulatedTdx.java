package io.github.tdx4j;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.verify.TrustedRoot;
import io.github.tdx4j.guest.CpuidInstruction;
import io.github.tdx4j.guest.GuestConfig;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.TdAttestation;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.Vcpu;
import io.github.tdx4j.sim.quote.SimulatedQuotingService;
import io.github.tdx4j.trace.TraceRecorder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A TD on the embedded simulated TDX platform with the guest services booted on it, used through the
 * {@link TdAttestation} API, plus what a verifier needs to check its quotes: the simulated platform's root CA
 * ({@link #trustedRoot()}) and its collateral ({@link #collateral()}). Made by {@link Tdx#simulated()}.
 *
 * <p>The simulated TD has one vCPU: use an instance from one thread at a time. Its quotes are signed by keys derived
 * from the settings' seed, so they verify only against this platform's root, never Intel's.
 */
public final class SimulatedTdx implements TdAttestation {
    /** Where the CPUID instruction is written and run: 2 MiB, inside the memory the TD accepted at build time. */
    private static final long CODE_GPA = 0x20_0000L;
    /** The guest services' page pool: 1 MiB at 256 MiB (the 128 KiB quote buffer, the report page, shared pages). */
    private static final long POOL_GPA = 0x1000_0000L;
    private static final long POOL_BYTES = 1L << 20;
    /** CPUID: 0F A2. */
    private static final byte[] CPUID = {0x0F, (byte) 0xA2};

    private final SimulatedTd td;
    private final TdxGuest guest;

    private SimulatedTdx(SimulatedTd td, TraceRecorder trace) {
        this.td = td;
        Vcpu cpu = td.vcpu();
        // TDX detection runs CPUID on the vCPU: leaf 0x21 is answered by the TDX module ("IntelTDX    "), other
        // leaves by the VMM through a #VE, which the guest's own handler serves once it is registered.
        CpuidInstruction cpuid = (leaf, subleaf) -> {
            cpu.set(Gpr.RAX, leaf & 0xFFFF_FFFFL);
            cpu.set(Gpr.RCX, subleaf & 0xFFFF_FFFFL);
            cpu.execute(CODE_GPA, CPUID);
            return new CpuidInstruction.Result((int) cpu.get(Gpr.RAX), (int) cpu.get(Gpr.RBX),
                    (int) cpu.get(Gpr.RCX), (int) cpu.get(Gpr.RDX));
        };
        GuestConfig guestConfig = GuestConfig.defaults(POOL_GPA, POOL_BYTES);
        this.guest = trace == null ? TdxGuest.boot(td, cpuid, guestConfig)
                : TdxGuest.boot(td.watchingInterrupts(vector -> trace.onInterrupt(vector, td.nanoTime())), cpuid,
                        guestConfig.withTrace(trace));
    }

    /** A simulated TD booted with {@code config} and {@code settings}; its calls go to {@code trace} unless null. */
    static SimulatedTdx boot(TdConfig config, SimSettings settings, TraceRecorder trace) {
        return new SimulatedTdx(SimulatedTd.boot(config, settings), trace);
    }

    @Override
    public byte[] report(byte[] reportData) {
        return guest.attestation().report(reportData);
    }

    @Override
    public byte[] quote(byte[] reportData) {
        return guest.attestation().quote(reportData);
    }

    @Override
    public void extendRtmr(int index, byte[] digest, String description) {
        guest.attestation().extendRtmr(index, digest, description);
    }

    @Override
    public List<byte[]> rtmrs() {
        return guest.attestation().rtmrs();
    }

    @Override
    public List<RtmrEvent> eventLog() {
        return guest.attestation().eventLog();
    }

    /** The simulated platform's root CA ("tdx4j Simulated SGX Root CA"), for {@code QuoteVerifier.builder()}. */
    public TrustedRoot trustedRoot() {
        return TrustedRoot.of(quoting().pki().rootCertificate());
    }

    /** The simulated platform's root CA certificate, PEM (what {@code tdx4j verify --root} reads). */
    public String rootCertificatePem() {
        return quoting().pki().rootPem();
    }

    /** The collateral for this platform's quotes: TCB info, QE identity, CRLs and their issuer chains. */
    public Collateral collateral() {
        return QuoteCollateralV3.parse(collateralJson().getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #collateral()} as {@code QuoteCollateralV3} JSON (what {@code tdx4j verify --collateral} reads). */
    public String collateralJson() {
        return quoting().collateral().quoteCollateralV3Json();
    }

    /** The simulated platform itself (console, counters, host view), for what the TdAttestation API does not cover. */
    public SimulatedTd platform() {
        return td;
    }

    /** The guest services booted on the platform (#VE handling, memory conversion, port I/O). */
    public TdxGuest guest() {
        return guest;
    }

    private SimulatedQuotingService quoting() {
        return td.quotingService();
    }
}
