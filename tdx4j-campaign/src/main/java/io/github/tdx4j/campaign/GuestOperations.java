package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.guest.CpuidInstruction;
import io.github.tdx4j.sim.ExecutionResult;
import io.github.tdx4j.sim.adversary.AdversarialVmm;

/**
 * The guest operations a campaign run chooses from ({@link CampaignRun.Op}), dispatched to one class per family
 * ({@link PortOperations}, {@link MmioOperations}, {@link InstructionOperations}, {@link ServiceOperations},
 * {@link Probes}), plus what the vCPU families share: canaries in every register an instruction does not use, running
 * code on the vCPU and the VMM's last answer. Random choices come from the run's generator in a fixed order, so a
 * seed replays.
 */
final class GuestOperations {
    private final CampaignRun run;
    final Probes probes;
    private final PortOperations ports;
    private final MmioOperations mmio;
    private final InstructionOperations instructions;
    private final ServiceOperations services;

    GuestOperations(CampaignRun run) {
        this.run = run;
        this.probes = new Probes(run, this);
        this.ports = new PortOperations(run, this);
        this.mmio = new MmioOperations(run, this);
        this.instructions = new InstructionOperations(run, this);
        this.services = new ServiceOperations(run);
    }

    boolean perform(CampaignRun.Op o) {
        return switch (o) {
            case PORT_IN -> ports.portIn();
            case PORT_OUT -> ports.portOut();
            case DIRECT_PORT_IN -> ports.directIn();
            case DIRECT_PORT_OUT -> ports.directOut();
            case MMIO_READ -> mmio.mmioRead();
            case MMIO_WRITE -> mmio.mmioWrite();
            case CPUID_HYPERVISOR -> instructions.cpuidOp(0x4000_0000L + run.rnd.nextInt(2));
            case CPUID_OTHER -> instructions.cpuidOp(run.rnd.nextBoolean() ? 0x5000_0000L
                    : 0x8000_0100L + run.rnd.nextInt(0x100));
            case RDMSR -> instructions.rdmsr();
            case WRMSR -> instructions.wrmsr();
            case HLT -> run.rnd.nextInt(4) == 0 ? instructions.hltWithInterruptsEnabled() : instructions.hlt();
            case SAFE_HALT -> run.guest.safeHalt();
            case SHARE -> services.share();
            case UNSHARE -> services.unshare();
            case ACCEPT -> services.accept();
            case REPORT -> services.report();
            case EXTEND -> services.extend();
            case QUOTE -> services.quote();
            case VMCALL_PROBE -> probes.callerRegisters();
            case SIM_PROBE -> probes.simulatorFilters();
            case WAIT_WINDOW -> {
                try {
                    run.td.sleep(SpecTables.RATE_LIMIT_INTERVAL_NANOS + 500_000_000L);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                yield true;
            }
            case SLEEP -> {
                try {
                    run.td.sleep(run.rnd.nextLong(2_000_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                yield true;
            }
        };
    }

    // ------------------------------------------------------------------------------------------------ vCPU

    /** Registers before a vCPU operation: canaries everywhere, so any the VMM sees or any change shows. */
    long[] seedRegisters() {
        long[] regs = new long[16];
        for (int i = 0; i < 16; i++) {
            regs[i] = Canaries.canary(i);
        }
        regs[Gpr.RSP.number()] = CampaignRun.STACK_GPA + 0x800;
        regs[Gpr.RAX.number()] = Canaries.canary(0) | run.rnd.nextInt(256);
        return regs;
    }

    ExecutionResult runCode(byte[] code, long[] regs) {
        return runCode(code, regs, false);
    }

    ExecutionResult runCode(byte[] code, long[] regs, boolean hltWithInterrupts) {
        // Interrupts on or off at random, so injected vectors land inside or after the operation; HLT with
        // interrupts off, as the kernel's #VE HLT path requires, unless the operation tests that HLT with IF=1 is
        // refused as a guest bug.
        boolean hlt = code.length == 1 && code[0] == (byte) 0xF4;
        boolean interruptsOn = run.rnd.nextBoolean();
        run.cpu.setInterruptsEnabled(hlt ? hltWithInterrupts : interruptsOn);
        for (Gpr g : Gpr.values()) {
            run.cpu.set(g, regs[g.number()]);
        }
        return run.cpu.execute(CampaignRun.CODE_GPA, code);
    }

    /** The value the VMM left in {@code gpr} in its last answer (the module copies exposed registers back). */
    long vmmAnswer(Gpr gpr) {
        return ((AdversarialVmm) run.td.vmm()).answer(gpr);
    }

    CpuidInstruction.Result cpuid(int leaf, int subleaf) {
        run.cpu.set(Gpr.RAX, leaf & 0xFFFF_FFFFL);
        run.cpu.set(Gpr.RCX, subleaf & 0xFFFF_FFFFL);
        run.cpu.execute(CampaignRun.CODE_GPA, new byte[] {0x0F, (byte) 0xA2});
        return new CpuidInstruction.Result((int) run.cpu.get(Gpr.RAX), (int) run.cpu.get(Gpr.RBX),
                (int) run.cpu.get(Gpr.RCX),
                (int) run.cpu.get(Gpr.RDX));
    }
}
