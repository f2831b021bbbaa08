package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.sim.ExecutionResult;

/**
 * The other instructions the #VE handler emulates: CPUID inside and outside the hypervisor range, RDMSR, WRMSR and
 * HLT (one in four with interrupts enabled, which must be refused), each with its architectural result.
 */
final class InstructionOperations {
    private final CampaignRun run;
    private final GuestOperations ops;

    InstructionOperations(CampaignRun run, GuestOperations ops) {
        this.run = run;
        this.ops = ops;
    }

    /** MSRs the operations read: IA32_APICBASE, IA32_CR_PAT, IA32_UCODE_REV, MSR_KVM_POLL_CONTROL, IA32_MISC_ENABLE. */
    private static final long[] MSRS = {0x1B, 0x277, 0x8B, 0x4B56_4D05L, 0x1A0};
    /** MSRs KVM emulates and lets a TD write: IA32_CR_PAT, IA32_MISC_ENABLE, MSR_KVM_POLL_CONTROL. */
    private static final long[] WRITABLE_MSRS = {0x277, 0x1A0, 0x4B56_4D05L};


    boolean cpuidOp(long leaf) {
        long[] regs = ops.seedRegisters();
        regs[Gpr.RAX.number()] = Canaries.canary(0) & ~0xFFFF_FFFFL | leaf;
        regs[Gpr.RCX.number()] = Canaries.canary(1) & ~0xFFFF_FFFFL;
        long exitsBefore = run.exits;
        ExecutionResult r = ops.runCode(new byte[] {0x0F, (byte) 0xA2}, regs);
        boolean hypervisor = leaf >= 0x4000_0000L && leaf <= 0x4FFF_FFFFL;
        if (r instanceof ExecutionResult.Completed) {
            if (hypervisor) {
                regs[Gpr.RAX.number()] = ops.vmmAnswer(Gpr.R12) & 0xFFFF_FFFFL;
                regs[Gpr.RBX.number()] = ops.vmmAnswer(Gpr.R13) & 0xFFFF_FFFFL;
                regs[Gpr.RCX.number()] = ops.vmmAnswer(Gpr.R14) & 0xFFFF_FFFFL;
                regs[Gpr.RDX.number()] = ops.vmmAnswer(Gpr.R15) & 0xFFFF_FFFFL;
            } else {
                // Matrix case T12 (README, "Test matrix"): outside the hypervisor range the guest reads zeros, asking
                // no one.
                regs[Gpr.RAX.number()] = 0;
                regs[Gpr.RBX.number()] = 0;
                regs[Gpr.RCX.number()] = 0;
                regs[Gpr.RDX.number()] = 0;
                if (run.exits != exitsBefore) {
                    run.violation(Oracle.CORRUPTION, "CPUID leaf 0x" + Long.toHexString(leaf) + " was sent to the VMM");
                }
            }
        }
        return RegisterOracle.checkRegisters(run, r, regs);
    }

    boolean rdmsr() {
        long[] regs = ops.seedRegisters();
        regs[Gpr.RCX.number()] = Canaries.canary(1) & ~0xFFFF_FFFFL | MSRS[run.rnd.nextInt(MSRS.length)];
        ExecutionResult r = ops.runCode(new byte[] {0x0F, 0x32}, regs);
        if (r instanceof ExecutionResult.Completed) {
            long v = ops.vmmAnswer(Gpr.R11);
            regs[Gpr.RAX.number()] = v & 0xFFFF_FFFFL;
            regs[Gpr.RDX.number()] = v >>> 32;
        }
        return RegisterOracle.checkRegisters(run, r, regs);
    }

    boolean wrmsr() {
        long[] regs = ops.seedRegisters();
        long msr = WRITABLE_MSRS[run.rnd.nextInt(WRITABLE_MSRS.length)];
        regs[Gpr.RCX.number()] = Canaries.canary(1) & ~0xFFFF_FFFFL | msr;
        return RegisterOracle.checkRegisters(run, ops.runCode(new byte[] {0x0F, 0x30}, regs), regs);
    }

    boolean hlt() {
        long[] regs = ops.seedRegisters();
        return RegisterOracle.checkRegisters(run, ops.runCode(new byte[] {(byte) 0xF4}, regs), regs);
    }

    /**
     * HLT with interrupts enabled: refused by the #VE handler as a guest bug with no TDVMCALL (Linux v6.15, "HLT
     * emulation with IRQs enabled": a wake-up interrupt could be lost and the vCPU sleep for ever).
     */
    boolean hltWithInterruptsEnabled() {
        long[] regs = ops.seedRegisters();
        long exitsBefore = run.exits;
        run.expectGuestBug = true;
        ExecutionResult r = ops.runCode(new byte[] {(byte) 0xF4}, regs, true);
        if (r instanceof ExecutionResult.Completed || run.exits != exitsBefore) {
            run.violation(Oracle.CORRUPTION, "HLT with interrupts enabled was sent to the VMM (" + (run.exits
                    - exitsBefore) + " TDVMCALLs); it must be refused as a guest bug");
        }
        return RegisterOracle.checkRegisters(run, r, regs);
    }
}
