package io.github.tdx4j.guest.contract;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.call.policy.LogSink;
import io.github.tdx4j.guest.CpuidInstruction;
import io.github.tdx4j.guest.GuestConfig;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.TdAttestation;
import io.github.tdx4j.sim.ExecutionResult;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.Vcpu;
import io.github.tdx4j.sim.vmm.HonestVmm;
import io.github.tdx4j.sim.vmm.Host;
import io.github.tdx4j.sim.vmm.VmcallExit;
import io.github.tdx4j.sim.vmm.Vmm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link ContractTd} on the simulator: the honest VMM, optionally with the scenario's tampers applied after it. */
final class SimContractTd implements ContractTd {
    private final SimulatedTd td;
    private final Vcpu cpu;
    private final TdxGuest guest;
    private final Map<Long, List<long[]>> received = new HashMap<>();
    private final Map<Long, Integer> reads = new HashMap<>();

    SimContractTd(Scenario s) {
        TdConfig config = TdConfig.builder().septVeDisable(s.septVeDisable).debug(s.debug).build();
        SimSettings.Builder settings = SimSettings.strict().toBuilder().quoteLatencyNanos(s.quoteLatencyNanos)
                .quoteServiceAvailable(s.quoteServiceAvailable);
        if (s.hugeHostPages) {
            settings.hostPrivateMappingLevel(PageLevel.SIZE_2M);
        }
        this.td = SimulatedTd.boot(config, settings.build(), host -> new Recording(new HonestVmm(host), host, s));
        this.cpu = td.vcpu();
        CpuidInstruction cpuid = (leaf, sub) -> {
            cpu.set(Gpr.RAX, leaf & 0xFFFF_FFFFL);
            cpu.set(Gpr.RCX, sub & 0xFFFF_FFFFL);
            cpu.execute(CODE, new byte[] {0x0F, (byte) 0xA2});
            return new CpuidInstruction.Result((int) cpu.get(Gpr.RAX), (int) cpu.get(Gpr.RBX),
                    (int) cpu.get(Gpr.RCX), (int) cpu.get(Gpr.RDX));
        };
        GuestConfig gc = GuestConfig.defaults(POOL, POOL_BYTES).withLog(LogSink.NONE).withPolicy(s.policy)
                .withQuote(s.quote);
        this.guest = TdxGuest.boot(td.withMemory(counting), cpuid, gc);
    }

    /** The VMM: records what each TDVMCALL brought, answers honestly, then applies the scenario's tamper. */
    private final class Recording implements Vmm {
        private final Vmm honest;
        private final Host host;
        private final Scenario scenario;

        Recording(Vmm honest, Host host, Scenario scenario) {
            this.honest = honest;
            this.host = host;
            this.scenario = scenario;
        }

        @Override
        public void tdvmcall(VmcallExit exit) {
            long[] in = new long[16];
            for (int i = 0; i < 16; i++) {
                in[i] = exit.get(i);
            }
            long fn = exit.r10() == 0 ? exit.r11() : -1;
            received.computeIfAbsent(fn, k -> new ArrayList<>()).add(in);
            honest.tdvmcall(exit);
            VmmTamper t = scenario.tampers.get(fn);
            if (t != null) {
                long[] regs = new long[16];
                for (int i = 0; i < 16; i++) {
                    regs[i] = exit.get(i);
                }
                t.after(regs, new VmmTamper.TamperHost() {
                    @Override
                    public long now() {
                        return host.nanoTime();
                    }

                    @Override
                    public void at(long nanos, Runnable action) {
                        host.schedule(nanos, action);
                    }

                    @Override
                    public void writeLong(long gpa, long value) {
                        host.memory().writeLong(gpa, value);
                    }

                    @Override
                    public void writeInt(long gpa, int value) {
                        host.memory().writeInt(gpa, value);
                    }

                    @Override
                    public void write(long gpa, byte[] bytes) {
                        host.memory().write(gpa, bytes, 0, bytes.length);
                    }
                });
                for (int i = 0; i < 16; i++) {
                    exit.set(Gpr.ofNumber(i), regs[i]);
                }
            }
        }

        @Override
        public boolean onPrivateEptViolation(long gpa, PageLevel acceptLevel) {
            return honest.onPrivateEptViolation(gpa, acceptLevel);
        }
    }

    /** The TD's memory, counting the guest's reads per GPA (the read-once checks). */
    private final GuestMemory counting = new GuestMemory() {
        @Override
        public void read(long gpa, byte[] dst, int offset, int length) {
            synchronized (reads) {
                reads.merge(gpa, 1, Integer::sum);
            }
            td.memory().read(gpa, dst, offset, length);
        }

        @Override
        public void write(long gpa, byte[] src, int offset, int length) {
            td.memory().write(gpa, src, offset, length);
        }
    };

    @Override
    public boolean supports(Capability c) {
        return true;
    }

    @Override
    public TdxGuest guest() {
        return guest;
    }

    @Override
    public TdAttestation attestation() {
        return guest.attestation();
    }

    @Override
    public Run run(byte... code) {
        ExecutionResult r = cpu.execute(CODE, code);
        return switch (r) {
            case ExecutionResult.Completed c -> new Run(true, null, c.rip());
            case ExecutionResult.Faulted f -> new Run(false, f.failure(), f.rip());
            case ExecutionResult.StepLimit l -> new Run(false, null, l.rip());
        };
    }

    @Override
    public long reg(Gpr g) {
        return cpu.get(g);
    }

    @Override
    public void setReg(Gpr g, long value) {
        cpu.set(g, value);
    }

    @Override
    public void setInterruptsEnabled(boolean on) {
        cpu.setInterruptsEnabled(on);
    }

    @Override
    public String console() {
        return td.console();
    }

    @Override
    public byte[] hostRtmr(int index) {
        return td.rtmr(index);
    }

    @Override
    public long mmio() {
        return td.config().sharedBit() | td.config().mmioBase();
    }

    @Override
    public byte[] hostRead(long gpa, int length) {
        byte[] b = new byte[length];
        td.host().memory().read(gpa, b, 0, length);
        return b;
    }

    @Override
    public boolean hostSeesShared(long gpa) {
        return td.host().memory().isShared(gpa);
    }

    @Override
    public List<long[]> vmmReceived(long fn) {
        return List.copyOf(received.getOrDefault(fn, List.of()));
    }

    @Override
    public int guestReadsAt(long gpa) {
        synchronized (reads) {
            return reads.getOrDefault(gpa, 0);
        }
    }

    @Override
    public void hostInterruptAt(long nanos, int vector) {
        td.host().schedule(nanos, () -> td.host().injectInterrupt(0, vector));
    }

    @Override
    public void idle(long nanos) {
        try {
            td.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String stopReason() {
        return td.stopReason() == null ? null : td.stopReason().toString();
    }

    @Override
    public boolean hostVerifiesReport(byte[] report) {
        return td.host().verifyReport(report);
    }

    @Override
    public void close() {
        // Nothing to release: the simulated TD is garbage once unreferenced.
    }
}
