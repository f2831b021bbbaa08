package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.Sensitivity;
import io.github.tdx4j.call.TdxException;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxPanic;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.call.platform.GuestPlatform;
import io.github.tdx4j.call.platform.InterruptHandler;
import io.github.tdx4j.call.platform.VeHandler;
import io.github.tdx4j.call.policy.NanoClock;
import io.github.tdx4j.call.policy.OriginPolicy;
import io.github.tdx4j.call.policy.Reaction;
import io.github.tdx4j.guest.CpuidInstruction;
import io.github.tdx4j.guest.GuestConfig;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.GuestAttestation;
import io.github.tdx4j.guest.attest.QuoteOptions;
import io.github.tdx4j.guest.io.PortSize;
import io.github.tdx4j.guest.memory.MemoryConversionException;
import io.github.tdx4j.guest.memory.PageAcceptor;
import io.github.tdx4j.guest.memory.SharedBuffer;
import io.github.tdx4j.sim.ExecutionResult;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.StopReason;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.TdStopped;
import io.github.tdx4j.sim.Vcpu;
import io.github.tdx4j.sim.adversary.Adversary;
import io.github.tdx4j.sim.adversary.Decision;
import io.github.tdx4j.sim.adversary.AdversarialVmm;
import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.FaultyModule;
import io.github.tdx4j.sim.adversary.InputSite;
import io.github.tdx4j.sim.vmm.HostMemory;
import io.github.tdx4j.sim.vmm.VmcallExit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The guest operations a campaign run chooses from ({@link CampaignRun.Op}): each runs x86 code on the vCPU or calls a
 * guest service, with canaries in every register it does not use, and works out the architectural result the
 * register diff oracle compares against. Random choices come from the run's generator in a fixed order, so a seed
 * replays.
 */
final class GuestOperations {
    /** MSRs the operations read: IA32_APICBASE, IA32_CR_PAT, IA32_UCODE_REV, MSR_KVM_POLL_CONTROL, IA32_MISC_ENABLE. */
    private static final long[] MSRS = {0x1B, 0x277, 0x8B, 0x4B56_4D05L, 0x1A0};
    /** MSRs KVM emulates and lets a TD write: IA32_CR_PAT, IA32_MISC_ENABLE, MSR_KVM_POLL_CONTROL. */
    private static final long[] WRITABLE_MSRS = {0x277, 0x1A0, 0x4B56_4D05L};

    private final CampaignRun run;
    final Probes probes;

    GuestOperations(CampaignRun run) {
        this.run = run;
        this.probes = new Probes(run, this);
    }

    /** The access size of {@code size} in bytes, typed in from SDM "IN"/"OUT" rather than asked of the guest. */
    private static int bytesOf(PortSize size) {
        return switch (size) {
            case BYTE -> 1;
            case WORD -> 2;
            case DWORD -> 4;
        };
    }

    boolean perform(CampaignRun.Op o) {
        return switch (o) {
            case PORT_IN -> portIn();
            case PORT_OUT -> portOut();
            case DIRECT_PORT_IN -> directIn();
            case DIRECT_PORT_OUT -> directOut();
            case MMIO_READ -> mmioRead();
            case MMIO_WRITE -> mmioWrite();
            case CPUID_HYPERVISOR -> cpuidOp(0x4000_0000L + run.rnd.nextInt(2));
            case CPUID_OTHER -> cpuidOp(run.rnd.nextBoolean() ? 0x5000_0000L : 0x8000_0100L + run.rnd.nextInt(0x100));
            case RDMSR -> rdmsr();
            case WRMSR -> wrmsr();
            case HLT -> run.rnd.nextInt(4) == 0 ? hltWithInterruptsEnabled() : hlt();
            case SAFE_HALT -> run.guest.safeHalt();
            case SHARE -> share();
            case UNSHARE -> unshare();
            case ACCEPT -> accept();
            case REPORT -> report();
            case EXTEND -> extend();
            case QUOTE -> quote();
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

    private <T> T pick(T[] values) {
        return values[run.rnd.nextInt(values.length)];
    }

    private int port() {
        // COM1 data, IER, LSR; POST 0x80; CMOS 0x70; unclaimed 0x601; PCI 0xCF8; the last port 0xFFFF (never
        // 0x501: isa-debug-exit would stop the TD honestly, which is not a fault).
        int[] ports = {0x3F8, 0x3F9, 0x3FD, 0x80, 0x70, 0x601, 0xCF8, SpecTables.MAX_PORT};
        return ports[run.rnd.nextInt(ports.length)];
    }

    /**
     * IN AL/AX/EAX, DX through the #VE handler: RAX from the VMM's R11 by {@link SpecTables#portInRax}, nothing else.
     * The instruction bytes and their sizes are the SDM's ("IN": EC, 66 ED, ED).
     */
    private boolean portIn() {
        int bytes = 1 << run.rnd.nextInt(3);
        byte[] code = switch (bytes) {
            case 1 -> new byte[] {(byte) 0xEC};
            case 2 -> new byte[] {0x66, (byte) 0xED};
            default -> new byte[] {(byte) 0xED};
        };
        long[] regs = seedRegisters();
        int port = port();
        regs[Gpr.RDX.number()] = RunOracles.canary(2) & ~0xFFFFL | port;
        long rax = regs[Gpr.RAX.number()];
        long exitsBefore = run.exits;
        expectIo(port, bytes, -1);
        ExecutionResult r = runCode(code, regs);
        if (r instanceof ExecutionResult.Completed) {
            regs[Gpr.RAX.number()] = SpecTables.portInRax(bytes, rax, vmmAnswer(Gpr.R11));
        } else if (run.exits != exitsBefore) {
            // Linux handle_in: a VMM error clears the access-size bits; a fault before the TDVMCALL changes nothing.
            regs[Gpr.RAX.number()] = SpecTables.portInRax(bytes, rax, 0);
        }
        return RunOracles.checkRegisters(run, r, regs);
    }

    /** OUT DX, AL/AX/EAX (SDM "OUT": EE, 66 EF, EF): only the access size of RAX leaves the TD, in R15. */
    private boolean portOut() {
        int bytes = 1 << run.rnd.nextInt(3);
        byte[] code = switch (bytes) {
            case 1 -> new byte[] {(byte) 0xEE};
            case 2 -> new byte[] {0x66, (byte) 0xEF};
            default -> new byte[] {(byte) 0xEF};
        };
        long[] regs = seedRegisters();
        int port = port();
        regs[Gpr.RDX.number()] = RunOracles.canary(2) & ~0xFFFFL | port;
        expectIo(port, bytes, SpecTables.portOutValue(bytes, regs[Gpr.RAX.number()]));
        return RunOracles.checkRegisters(run, runCode(code, regs), regs);
    }

    private void expectIo(int port, int bytes, long outValue) {
        run.expectPort = port;
        run.expectIoBytes = bytes;
        run.expectOutValue = outValue;
    }

    private boolean directIn() {
        PortSize size = pick(PortSize.values());
        int bytes = bytesOf(size);
        long rax = RunOracles.canary(0) | run.rnd.nextInt(1 << 16) << 8;
        int port = port();
        long failuresBefore = run.guest.failures().count(Origin.VMM);
        expectIo(port, bytes, -1);
        long got = run.guest.portIo().in(size, port, rax);
        boolean failed = run.guest.failures().count(Origin.VMM) > failuresBefore;
        // DirectPortIo reads all ones on a VMM error, as a bus with nothing answering does.
        long expected = SpecTables.portInRax(bytes, rax, failed ? -1L : vmmAnswer(Gpr.R11));
        if (got != expected) {
            run.violation(Oracle.CORRUPTION, String.format("direct IN size %d: RAX 0x%x, architecturally 0x%x",
                    bytes, got, expected));
        }
        return true;
    }

    private boolean directOut() {
        PortSize size = pick(PortSize.values());
        long rax = RunOracles.canary(0) | run.rnd.nextInt(1 << 24);
        int port = port();
        expectIo(port, bytesOf(size), SpecTables.portOutValue(bytesOf(size), rax));
        run.guest.portIo().out(size, port, rax);
        return true;
    }

    /**
     * An MMIO move as the campaign decodes it, from the SDM's "MOV", "MOVZX" and "MOVSX" pages, independently of the
     * guest's decoder: the bytes (ModRM addressing [RDI], [RDI*1+disp32] with a SIB byte and no base, [RDI+disp8],
     * [RDI+disp32]), the access size, the register and how it is written.
     *
     * @param code     the instruction
     * @param bytes    the memory access size
     * @param write    a store (else a load)
     * @param reg      the register operand (null for a store of an immediate)
     * @param highByte AH, CH, DH or BH (a byte register 4..7 without REX): bits 15:8 of {@code reg}
     * @param width    for loads the destination width in bytes (1, 2, 4 zero-extending, 8)
     * @param extend   for loads 0 none, 'z' zero-extend, 's' sign-extend from {@code bytes}
     * @param imm      for a store of an immediate, the value stored (already sign-extended and masked)
     */
    private record MmioForm(byte[] code, int bytes, boolean write, Gpr reg, boolean highByte, int width, char extend,
                            long imm) {
        static MmioForm load(int bytes, Gpr reg, int width, char extend, int... code) {
            return new MmioForm(bytes(code), bytes, false, reg, false, width, extend, 0);
        }

        static MmioForm store(int bytes, Gpr reg, int... code) {
            return new MmioForm(bytes(code), bytes, true, reg, false, bytes, (char) 0, 0);
        }

        MmioForm high() {
            return new MmioForm(code, bytes, write, reg, true, width, extend, imm);
        }

        private static byte[] bytes(int... code) {
            byte[] b = new byte[code.length];
            for (int i = 0; i < code.length; i++) {
                b[i] = (byte) code[i];
            }
            return b;
        }
    }

    private static final MmioForm[] MMIO_LOADS = {
        MmioForm.load(4, Gpr.RAX, 4, (char) 0, 0x8B, 0x07),                       // mov eax, [rdi]
        MmioForm.load(1, Gpr.RAX, 1, (char) 0, 0x8A, 0x07),                       // mov al, [rdi]
        MmioForm.load(2, Gpr.RAX, 2, (char) 0, 0x66, 0x8B, 0x07),                 // mov ax, [rdi]
        MmioForm.load(8, Gpr.RAX, 8, (char) 0, 0x48, 0x8B, 0x07),                 // mov rax, [rdi]
        MmioForm.load(1, Gpr.RAX, 4, 'z', 0x0F, 0xB6, 0x07),                      // movzx eax, byte [rdi]
        MmioForm.load(2, Gpr.RAX, 4, 'z', 0x0F, 0xB7, 0x07),                      // movzx eax, word [rdi]
        MmioForm.load(1, Gpr.RAX, 2, 'z', 0x66, 0x0F, 0xB6, 0x07),                // movzx ax, byte [rdi]
        MmioForm.load(1, Gpr.RAX, 4, 's', 0x0F, 0xBE, 0x07),                      // movsx eax, byte [rdi]
        MmioForm.load(2, Gpr.RAX, 4, 's', 0x0F, 0xBF, 0x07),                      // movsx eax, word [rdi]
        MmioForm.load(1, Gpr.RAX, 8, 's', 0x48, 0x0F, 0xBE, 0x07),                // movsx rax, byte [rdi]
        MmioForm.load(2, Gpr.RAX, 8, 's', 0x48, 0x0F, 0xBF, 0x07),                // movsx rax, word [rdi]
        MmioForm.load(1, Gpr.RAX, 1, (char) 0, 0x8A, 0x27).high(),                // mov ah, [rdi]
        MmioForm.load(1, Gpr.RBX, 1, (char) 0, 0x8A, 0x3F).high(),                // mov bh, [rdi]
        MmioForm.load(1, Gpr.RSI, 1, (char) 0, 0x40, 0x8A, 0x37),                 // mov sil, [rdi] (REX)
        MmioForm.load(4, Gpr.R8, 4, (char) 0, 0x44, 0x8B, 0x07),                  // mov r8d, [rdi]
        MmioForm.load(4, Gpr.RCX, 4, (char) 0, 0x8B, 0x0C, 0x3D, 0, 0, 0, 0),     // mov ecx, [rdi*1+0] (SIB)
        MmioForm.load(4, Gpr.RAX, 4, (char) 0, 0x8B, 0x87, 0, 0, 0, 0),           // mov eax, [rdi+disp32]
        MmioForm.load(2, Gpr.RDX, 2, (char) 0, 0x66, 0x8B, 0x57, 0x00),           // mov dx, [rdi+disp8]
    };

    private static final MmioForm[] MMIO_STORES = {
        MmioForm.store(4, Gpr.RAX, 0x89, 0x07),                                   // mov [rdi], eax
        MmioForm.store(1, Gpr.RAX, 0x88, 0x07),                                   // mov [rdi], al
        MmioForm.store(2, Gpr.RAX, 0x66, 0x89, 0x07),                             // mov [rdi], ax
        MmioForm.store(8, Gpr.RAX, 0x48, 0x89, 0x07),                             // mov [rdi], rax
        MmioForm.store(1, Gpr.RAX, 0x88, 0x27).high(),                            // mov [rdi], ah
        MmioForm.store(1, Gpr.RBX, 0x88, 0x3F).high(),                            // mov [rdi], bh
        MmioForm.store(4, Gpr.RBX, 0x89, 0x1C, 0x3D, 0, 0, 0, 0),                 // mov [rdi*1+0], ebx (SIB)
        new MmioForm(MmioForm.bytes(0xC6, 0x07, 0xA5), 1, true, null, false, 1, (char) 0, 0xA5),
        new MmioForm(MmioForm.bytes(0xC7, 0x07, 0x78, 0x56, 0x34, 0x92), 4, true, null, false, 4, (char) 0,
                0x9234_5678L),                                                    // mov dword [rdi], 0x92345678
        new MmioForm(MmioForm.bytes(0x48, 0xC7, 0x07, 0x78, 0x56, 0x34, 0x92), 8, true, null, false, 8, (char) 0,
                0xFFFF_FFFF_9234_5678L),                                          // mov qword [rdi], sign-extended
    };

    /** The register after a load of {@code v} by {@code f}, from the SDM's operand-size rules. */
    private static long loaded(MmioForm f, long old, long v) {
        long mask = f.bytes() == 8 ? -1L : (1L << (8 * f.bytes())) - 1;
        long x = v & mask;
        if (f.extend() == 's') {
            int shift = 64 - 8 * f.bytes();
            x = (v << shift) >> shift;
        }
        if (f.highByte()) {
            return (old & ~0xFF00L) | ((v & 0xFF) << 8);
        }
        return switch (f.width()) {
            case 1 -> (old & ~0xFFL) | (x & 0xFF);
            case 2 -> (old & ~0xFFFFL) | (x & 0xFFFF);
            case 4 -> x & 0xFFFF_FFFFL;
            default -> x;
        };
    }

    /** The value a store by {@code f} sends: the operand's bytes of the register (bits 15:8 for AH..BH). */
    private static long stored(MmioForm f, long[] regs) {
        if (f.reg() == null) {
            return f.imm();
        }
        long r = regs[f.reg().number()];
        if (f.highByte()) {
            return (r >>> 8) & 0xFF;
        }
        return f.bytes() == 8 ? r : r & ((1L << (8 * f.bytes())) - 1);
    }

    private boolean mmioRead() {
        MmioForm f = MMIO_LOADS[run.rnd.nextInt(MMIO_LOADS.length)];
        long[] regs = seedRegisters();
        regs[Gpr.RBX.number()] = run.rnd.nextLong() & 0x00FF_FFFF_FFFF_FFFFL;
        regs[Gpr.RDI.number()] = mmioAddress(f.bytes());
        long old = regs[f.reg().number()];
        run.expectMmioBytes = f.bytes();
        run.expectMmioIsWrite = false;
        ExecutionResult r = runCode(f.code(), regs);
        if (r instanceof ExecutionResult.Completed) {
            regs[f.reg().number()] = loaded(f, old, vmmAnswer(Gpr.R11));
        }
        return RunOracles.checkRegisters(run, r, regs);
    }

    private boolean mmioWrite() {
        MmioForm f = MMIO_STORES[run.rnd.nextInt(MMIO_STORES.length)];
        long[] regs = seedRegisters();
        // Stored values leave the TD by design: plain values, not canaries.
        regs[Gpr.RAX.number()] = run.rnd.nextLong() & 0x00FF_FFFF_FFFF_FFFFL;
        regs[Gpr.RBX.number()] = run.rnd.nextLong() & 0x00FF_FFFF_FFFF_FFFFL;
        regs[Gpr.RDI.number()] = mmioAddress(f.bytes());
        run.expectMmioBytes = f.bytes();
        run.expectMmioIsWrite = true;
        run.expectMmioWrite = stored(f, regs);
        return RunOracles.checkRegisters(run, runCode(f.code(), regs), regs);
    }

    /** An address in the MMIO window; one in four ends exactly at the window's (4K) page end. */
    private long mmioAddress(int bytes) {
        long offset = run.rnd.nextInt(4) == 0 ? 4096 - bytes : 8L * run.rnd.nextInt(5);
        return (run.td.config().mmioBase() + offset) | run.td.config().sharedBit();
    }

    private boolean cpuidOp(long leaf) {
        long[] regs = seedRegisters();
        regs[Gpr.RAX.number()] = RunOracles.canary(0) & ~0xFFFF_FFFFL | leaf;
        regs[Gpr.RCX.number()] = RunOracles.canary(1) & ~0xFFFF_FFFFL;
        long exitsBefore = run.exits;
        ExecutionResult r = runCode(new byte[] {0x0F, (byte) 0xA2}, regs);
        boolean hypervisor = leaf >= 0x4000_0000L && leaf <= 0x4FFF_FFFFL;
        if (r instanceof ExecutionResult.Completed) {
            if (hypervisor) {
                regs[Gpr.RAX.number()] = vmmAnswer(Gpr.R12) & 0xFFFF_FFFFL;
                regs[Gpr.RBX.number()] = vmmAnswer(Gpr.R13) & 0xFFFF_FFFFL;
                regs[Gpr.RCX.number()] = vmmAnswer(Gpr.R14) & 0xFFFF_FFFFL;
                regs[Gpr.RDX.number()] = vmmAnswer(Gpr.R15) & 0xFFFF_FFFFL;
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
        return RunOracles.checkRegisters(run, r, regs);
    }

    private boolean rdmsr() {
        long[] regs = seedRegisters();
        regs[Gpr.RCX.number()] = RunOracles.canary(1) & ~0xFFFF_FFFFL | MSRS[run.rnd.nextInt(MSRS.length)];
        ExecutionResult r = runCode(new byte[] {0x0F, 0x32}, regs);
        if (r instanceof ExecutionResult.Completed) {
            long v = vmmAnswer(Gpr.R11);
            regs[Gpr.RAX.number()] = v & 0xFFFF_FFFFL;
            regs[Gpr.RDX.number()] = v >>> 32;
        }
        return RunOracles.checkRegisters(run, r, regs);
    }

    private boolean wrmsr() {
        long[] regs = seedRegisters();
        long msr = WRITABLE_MSRS[run.rnd.nextInt(WRITABLE_MSRS.length)];
        regs[Gpr.RCX.number()] = RunOracles.canary(1) & ~0xFFFF_FFFFL | msr;
        return RunOracles.checkRegisters(run, runCode(new byte[] {0x0F, 0x30}, regs), regs);
    }

    private boolean hlt() {
        long[] regs = seedRegisters();
        return RunOracles.checkRegisters(run, runCode(new byte[] {(byte) 0xF4}, regs), regs);
    }

    /**
     * HLT with interrupts enabled: refused by the #VE handler as a guest bug with no TDVMCALL (Linux v6.15, "HLT
     * emulation with IRQs enabled": a wake-up interrupt could be lost and the vCPU sleep for ever).
     */
    private boolean hltWithInterruptsEnabled() {
        long[] regs = seedRegisters();
        long exitsBefore = run.exits;
        run.expectGuestBug = true;
        ExecutionResult r = runCode(new byte[] {(byte) 0xF4}, regs, true);
        if (r instanceof ExecutionResult.Completed || run.exits != exitsBefore) {
            run.violation(Oracle.CORRUPTION, "HLT with interrupts enabled was sent to the VMM (" + (run.exits
                    - exitsBefore) + " TDVMCALLs); it must be refused as a guest bug");
        }
        return RunOracles.checkRegisters(run, r, regs);
    }

    private boolean share() {
        try {
            SharedBuffer b = run.guest.sharedMemory().share(1 + run.rnd.nextInt(2));
            for (long[] f : run.failedRanges) {
                if (b.gpa() < f[1] && f[0] < b.gpa() + b.bytes()) {
                    run.violation(Oracle.CORRUPTION, String.format("pages at 0x%x reused after a failed conversion",
                            b.gpa()));
                }
            }
            run.shared.add(b);
            return true;
        } catch (MemoryConversionException e) {
            run.failedRanges.add(new long[] {e.start(), e.end()});
            throw e;
        }
    }

    private boolean unshare() {
        if (run.shared.isEmpty()) {
            return true;
        }
        SharedBuffer b = run.shared.removeFirst();
        try {
            run.guest.sharedMemory().unshare(b);
            return true;
        } catch (MemoryConversionException e) {
            run.failedRanges.add(new long[] {e.start(), e.end()});
            throw e;
        }
    }

    private boolean accept() {
        long bytes = run.rnd.nextInt(16) == 0 ? 2L << 20 : 16L << 12;
        long start = CampaignRun.UNACCEPTED_GPA + (long) run.accepts++ * (2L << 20);
        return switch (run.guest.acceptor().accept(start, start + bytes)) {
            case PageAcceptor.Result.Done d -> {
                if (d.accepted().bytes() != bytes) {
                    run.violation(Oracle.CORRUPTION, "accepted " + d.accepted().bytes() + " bytes of " + bytes);
                }
                yield true;
            }
            case PageAcceptor.Result.Failed f -> {
                run.guest.failures().report(f.failure());
                yield false;
            }
        };
    }

    private byte[] reportData() {
        byte[] d = new byte[GuestAttestation.REPORT_DATA_SIZE];
        run.rnd.nextBytes(d);
        return d;
    }

    private boolean report() {
        byte[] data = reportData();
        byte[] report = run.guest.attestation().report(data);
        int off = TdReportLayout.REPORTDATA_OFFSET;
        if (!Arrays.equals(Arrays.copyOfRange(report, off, off + data.length), data)) {
            run.violation(Oracle.CORRUPTION, "TDREPORT carries another REPORTDATA");
        }
        return true;
    }

    /**
     * TDG.MR.RTMR.EXTEND; one in four at an index edge (−1 or {@link SpecTables#RTMR_COUNT}), which the guest must
     * refuse itself, a guest bug, without a TDCALL.
     */
    private boolean extend() {
        byte[] digest = new byte[GuestAttestation.DIGEST_SIZE];
        run.rnd.nextBytes(digest);
        boolean edge = run.rnd.nextInt(4) == 0;
        int index = edge ? (run.rnd.nextBoolean() ? -1 : SpecTables.RTMR_COUNT) : run.rnd.nextInt(SpecTables.RTMR_COUNT);
        if (!edge) {
            run.guest.attestation().extendRtmr(index, digest, "campaign");
            return true;
        }
        run.expectGuestBug = true;
        int callsBefore = run.calls;
        try {
            run.guest.attestation().extendRtmr(index, digest, "campaign");
        } catch (TdxException e) {
            if (run.calls != callsBefore) {
                run.violation(Oracle.CORRUPTION, "RTMR index " + index + " was sent to the TDX module");
            }
            throw e;
        }
        run.violation(Oracle.FAILURE_AS_SUCCESS, "RTMR index " + index + " was accepted; RTMRs are 0.."
                + (SpecTables.RTMR_COUNT - 1));
        return true;
    }

    private boolean quote() {
        if (run.bufferGpa >= 0 && run.lastQuoteTimedOut) {
            long header = run.bufferGpa & ~run.td.config().sharedBit();
            // GHCI 1.5, GetQuote status codes: GET_QUOTE_IN_FLIGHT = 0xFFFFFFFF_FFFFFFFF.
            run.hostHoldsQuoteBuffer = run.td.host().memory().readLong(header + GetQuoteBufferLayout.STATUS_OFFSET)
                    == -1L;
        }
        byte[] q = run.guest.attestation().quote(reportData());
        if (run.bufferGpa < 0) {
            run.violation(Oracle.CORRUPTION, "a quote returned though no GetQuote reached the host");
            return true;
        }
        HostMemory m = run.td.host().memory();
        byte[] written = new byte[q.length];
        long data = (run.bufferGpa & ~run.td.config().sharedBit()) + GetQuoteBufferLayout.DATA_OFFSET;
        if (q.length > CampaignRun.POLLING.bufferBytes() - GetQuoteBufferLayout.DATA_OFFSET) {
            run.violation(Oracle.CORRUPTION, "quote of " + q.length + " bytes is longer than the buffer");
            return true;
        }
        m.read(data, written, 0, written.length);
        // What the guest read: the header now (nothing runs on the host between the guest's reads and its return).
        long header = run.bufferGpa & ~run.td.config().sharedBit();
        long status = m.readLong(header + GetQuoteBufferLayout.STATUS_OFFSET);
        long outLen = m.readInt(header + GetQuoteBufferLayout.OUT_LEN_OFFSET) & 0xFFFF_FFFFL;
        if (status != 0 || outLen != q.length || outLen == 0) {
            run.violation(Oracle.FAILURE_AS_SUCCESS, String.format("quote of %d bytes returned with status 0x%x, "
                    + "out_len %d in the header", q.length, status, outLen));
        }
        if (!Arrays.equals(q, written)) {
            run.violation(Oracle.CORRUPTION, "the quote differs from what the host wrote in the shared buffer");
        }
        RunOracles.scanForCanaries(run, q, "the quote");
        return true;
    }

    // ------------------------------------------------------------------------------------------------ vCPU

    /** Registers before a vCPU operation: canaries everywhere, so any the VMM sees or any change shows. */
    long[] seedRegisters() {
        long[] regs = new long[16];
        for (int i = 0; i < 16; i++) {
            regs[i] = RunOracles.canary(i);
        }
        regs[Gpr.RSP.number()] = CampaignRun.STACK_GPA + 0x800;
        regs[Gpr.RAX.number()] = RunOracles.canary(0) | run.rnd.nextInt(256);
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
