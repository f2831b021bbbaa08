package io.github.tdx4j.cli;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.platform.GuestPlatform;
import io.github.tdx4j.call.platform.InterruptHandler;
import io.github.tdx4j.guest.CpuidInstruction;
import io.github.tdx4j.guest.GuestConfig;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.sim.ExecutionResult;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.Vcpu;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Guest code on the simulated platform: boots a {@link SimulatedTd}, boots the guest services on it
 * ({@link TdxGuest}), and runs x86 instruction sequences on vCPU 0, whose #VEs the guest's handler serves.
 *
 * <p>Memory map used here (all inside the memory the TD accepted at build time): instruction sequences run at
 * {@link #CODE_GPA}; the services allocate pages from {@link #POOL_GPA} ({@link #POOL_BYTES}).
 */
final class SimGuest {
    /** Where instruction sequences are written and run: 2 MiB. */
    static final long CODE_GPA = 0x20_0000L;
    /** The services' page pool: 256 MiB, 1 MiB long (the 128 KiB quote buffer, a report page, shared buffers). */
    static final long POOL_GPA = 0x1000_0000L;
    static final long POOL_BYTES = 1L << 20;

    final SimulatedTd td;
    final Vcpu cpu;
    final TdxGuest guest;

    private SimGuest(SimulatedTd td, GuestPlatform platform, GuestConfig config) {
        this.td = td;
        this.cpu = td.vcpu();
        this.guest = TdxGuest.boot(platform, this::cpuid, config);
    }

    /** A TD from {@code tdConfig} and {@code settings} with the honest VMM, and the guest booted on it. */
    static SimGuest boot(TdConfig tdConfig, SimSettings settings, GuestConfig config) {
        return boot(SimulatedTd.boot(tdConfig, settings), UnaryOperator.identity(), vector -> { }, config);
    }

    /**
     * The guest booted on {@code td} (booted with any VMM), seeing the TDX module through {@code moduleSeam} (for
     * example a faulty module in front of the simulated one), with every interrupt it receives shown to
     * {@code interrupts} before the guest's own handler gets it.
     */
    static SimGuest boot(SimulatedTd td, UnaryOperator<TdxTransport> moduleSeam, InterruptHandler interrupts,
                         GuestConfig config) {
        Objects.requireNonNull(config, "config");
        return new SimGuest(td, td.withTransport(moduleSeam.apply(td.transport())).watchingInterrupts(interrupts),
                config);
    }

    /** The default guest configuration for this memory map. */
    static GuestConfig defaultConfig() {
        return GuestConfig.defaults(POOL_GPA, POOL_BYTES);
    }

    /** CPUID executed on the vCPU (leaf 0x21 runs natively in the TDX module; other leaves may #VE). */
    CpuidInstruction.Result cpuid(int leaf, int subleaf) {
        cpu.set(Gpr.RAX, leaf & 0xFFFF_FFFFL);
        cpu.set(Gpr.RCX, subleaf & 0xFFFF_FFFFL);
        run(X86.cpuid());
        return new CpuidInstruction.Result((int) cpu.get(Gpr.RAX), (int) cpu.get(Gpr.RBX), (int) cpu.get(Gpr.RCX),
                (int) cpu.get(Gpr.RDX));
    }

    /** Runs {@code code} at {@link #CODE_GPA} until RIP passes its end. */
    ExecutionResult run(byte[] code) {
        return cpu.execute(CODE_GPA, code);
    }
}
