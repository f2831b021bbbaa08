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

    GuestOperations(CampaignRun run) {
        this.run = run;
    }

    boolean perform(CampaignRun.Op o) {
        return switch (o) {
            case PORT_IN -> portIn();
            case PORT_OUT -> portOut();
            case DIRECT_PORT_IN -> directIn();
            case DIRECT_PORT_OUT -> {
                run.guest.portIo().out(pick(PortSize.values()), port(), RunOracles.canary(0) | run.rnd.nextInt(256));
                yield true;
            }
            case MMIO_READ -> mmioRead();
            case MMIO_WRITE -> mmioWrite();
            case CPUID_HYPERVISOR -> cpuidOp(0x4000_0000L + run.rnd.nextInt(2));
            case CPUID_OTHER -> cpuidOp(run.rnd.nextBoolean() ? 0x5000_0000L : 0x8000_0100L + run.rnd.nextInt(0x100));
            case RDMSR -> rdmsr();
            case WRMSR -> wrmsr();
            case HLT -> hlt();
            case SAFE_HALT -> run.guest.safeHalt();
            case SHARE -> share();
            case UNSHARE -> unshare();
            case ACCEPT -> accept();
            case REPORT -> report();
            case EXTEND -> extend();
            case QUOTE -> quote();
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
        // COM1 data, IER, LSR; POST 0x80; CMOS 0x70; unclaimed 0x601; PCI 0xCF8 (never 0x501: isa-debug-exit
        // would stop the TD honestly, which is not a fault).
        int[] ports = {0x3F8, 0x3F9, 0x3FD, 0x80, 0x70, 0x601, 0xCF8};
        return ports[run.rnd.nextInt(ports.length)];
    }

    /** IN AL/AX/EAX, DX through the #VE handler: RAX by the size's rule from the VMM's R11, nothing else. */
    private boolean portIn() {
        PortSize size = pick(PortSize.values());
        byte[] code = switch (size) {
            case BYTE -> new byte[] {(byte) 0xEC};
            case WORD -> new byte[] {0x66, (byte) 0xED};
            case DWORD -> new byte[] {(byte) 0xED};
        };
        long[] regs = seedRegisters();
        regs[Gpr.RDX.number()] = RunOracles.canary(2) & ~0xFFFFL | port();
        long rax = regs[Gpr.RAX.number()];
        long exitsBefore = run.exits;
        ExecutionResult r = runCode(code, regs);
        if (r instanceof ExecutionResult.Completed) {
            regs[Gpr.RAX.number()] = size.assign(rax, vmmAnswer(Gpr.R11));
        } else if (run.exits != exitsBefore) {
            // Linux handle_in: a VMM error clears the access-size bits; a fault before the TDVMCALL changes nothing.
            regs[Gpr.RAX.number()] = size.assign(rax, 0);
        }
        return RunOracles.checkRegisters(run, r, regs);
    }

    private boolean portOut() {
        PortSize size = pick(PortSize.values());
        byte[] code = switch (size) {
            case BYTE -> new byte[] {(byte) 0xEE};
            case WORD -> new byte[] {0x66, (byte) 0xEF};
            case DWORD -> new byte[] {(byte) 0xEF};
        };
        long[] regs = seedRegisters();
        regs[Gpr.RDX.number()] = RunOracles.canary(2) & ~0xFFFFL | port();
        return RunOracles.checkRegisters(run, runCode(code, regs), regs);
    }

    private boolean directIn() {
        PortSize size = pick(PortSize.values());
        long rax = RunOracles.canary(0);
        int failuresBefore = (int) run.guest.failures().count(Origin.VMM);
        long got = run.guest.portIo().in(size, port(), rax);
        boolean failed = run.guest.failures().count(Origin.VMM) > failuresBefore;
        long expected = size.assign(rax, failed ? -1L : vmmAnswer(Gpr.R11));
        if (got != expected) {
            run.violation(Oracle.CORRUPTION, String.format("direct IN size %d: RAX 0x%x, architecturally 0x%x",
                    size.bytes(), got, expected));
        }
        return true;
    }

    /** The MMIO read forms and their architectural result from the VMM's value {@code v}. */
    private boolean mmioRead() {
        int form = run.rnd.nextInt(5);
        byte[] code = switch (form) {
            case 0 -> new byte[] {(byte) 0x8B, 0x07};             // mov eax, [rdi]
            case 1 -> new byte[] {(byte) 0x8A, 0x07};             // mov al, [rdi]
            case 2 -> new byte[] {0x0F, (byte) 0xB6, 0x07};       // movzx eax, byte [rdi]
            case 3 -> new byte[] {0x48, (byte) 0x8B, 0x07};       // mov rax, [rdi]
            default -> new byte[] {0x0F, (byte) 0xBF, 0x07};      // movsx eax, word [rdi]
        };
        long[] regs = seedRegisters();
        regs[Gpr.RDI.number()] = mmioAddress();
        long rax = regs[Gpr.RAX.number()];
        ExecutionResult r = runCode(code, regs);
        if (r instanceof ExecutionResult.Completed) {
            long v = vmmAnswer(Gpr.R11);
            regs[Gpr.RAX.number()] = switch (form) {
                case 0 -> v & 0xFFFF_FFFFL;
                case 1 -> (rax & ~0xFFL) | (v & 0xFF);
                case 2 -> v & 0xFF;
                case 3 -> v;
                default -> (long) (short) v & 0xFFFF_FFFFL;
            };
        }
        return RunOracles.checkRegisters(run, r, regs);
    }

    private boolean mmioWrite() {
        long[] regs = seedRegisters();
        regs[Gpr.RDI.number()] = mmioAddress();
        byte[] code = run.rnd.nextBoolean() ? new byte[] {(byte) 0x89, 0x07}   // mov [rdi], eax
                : new byte[] {(byte) 0x88, 0x07};                          // mov [rdi], al
        return RunOracles.checkRegisters(run, runCode(code, regs), regs);
    }

    private long mmioAddress() {
        return (run.td.config().mmioBase() + 8L * run.rnd.nextInt(5)) | run.td.config().sharedBit();
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

    private boolean extend() {
        byte[] digest = new byte[GuestAttestation.DIGEST_SIZE];
        run.rnd.nextBytes(digest);
        run.guest.attestation().extendRtmr(run.rnd.nextInt(4), digest, "campaign");
        return true;
    }

    private boolean quote() {
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
        // Interrupts on or off at random, so injected vectors land inside or after the operation; HLT always with
        // interrupts off, as the kernel's #VE HLT path requires (HLT with IF=1 is refused as a guest bug).
        boolean hlt = code.length == 1 && code[0] == (byte) 0xF4;
        boolean interruptsOn = run.rnd.nextBoolean();
        run.cpu.setInterruptsEnabled(interruptsOn && !hlt);
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
