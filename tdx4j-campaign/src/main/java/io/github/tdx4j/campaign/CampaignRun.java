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
 * One campaign run: boot a TD whose host is the {@link AdversarialVmm} and whose module seam is the
 * {@link FaultyModule}, both reading one {@link FaultTape}; boot the guest services on it; run a short sequence of
 * guest operations chosen by the seed; check every oracle of {@link Oracle} during and after.
 *
 * <p>Deterministic: the seed chooses the TD (1 in 64 is misconfigured with SEPT #VE enabled), the origin policy,
 * GetQuote polling or notification, and the operations with their operands; the tape chooses every host-to-guest
 * value. Nothing else varies, so (model version, seed, tape) replays byte for byte.
 */
public final class CampaignRun {
    /**
     * The model version in tape files: bump it whenever a change to the simulator, the guest services or this
     * scenario makes old tapes replay differently.
     */
    public static final int MODEL_VERSION = 1;

    /** Code is written and run here (accepted at boot). */
    static final long CODE_GPA = 0x20_0000L;
    /** A private page holding canaries, standing in for a kernel stack. */
    static final long STACK_GPA = 0x30_0000L;
    /** The services' page pool. */
    static final long POOL_GPA = 0x1000_0000L;
    static final long POOL_BYTES = 1L << 20;
    /** Memory above what the TD accepted at boot (512 MiB), for accept operations. */
    static final long UNACCEPTED_GPA = 0x2000_0000L;
    /** The bound on TDCALLs (TDVMCALLs included) one guest operation may make. */
    static final int MAX_CALLS_PER_OPERATION = 4096;
    /** The bound on simulated time one guest operation may take: GetQuote's 30 s timeout plus margin. */
    static final long MAX_NANOS_PER_OPERATION = 40_000_000_000L;
    /** Canaries: a 56-bit prefix no legitimate value has, plus a byte naming where it was planted. */
    static final long CANARY_PREFIX = 0x5EC2_E7C0_FFEE_0000L;
    static final long CANARY_MASK = 0xFFFF_FFFF_FFFF_FF00L;
    private static final String CANARY_HEX = "5ec2e7c0ffee";

    private static final TdConfig PRODUCTION = TdConfig.production();
    private static final TdConfig SEPT_VE_ENABLED = TdConfig.builder().septVeDisable(false).build();
    private static final SimSettings SETTINGS = SimSettings.strict().toBuilder().maxInstructionsPerRun(10_000)
            .build();
    private static final QuoteOptions POLLING = QuoteOptions.LINUX.withBufferBytes(8192);
    private static final QuoteOptions NOTIFIED = POLLING.withNotifyVector(AdversarialVmm.DEFAULT_NOTIFY_VECTOR);

    /** The guest operations a run chooses from. */
    enum Op {
        PORT_IN, PORT_OUT, DIRECT_PORT_IN, DIRECT_PORT_OUT, MMIO_READ, MMIO_WRITE, CPUID_HYPERVISOR, CPUID_OTHER,
        RDMSR, WRMSR, HLT, SAFE_HALT, SHARE, UNSHARE, ACCEPT, REPORT, EXTEND, QUOTE, SLEEP
    }

    private final long seed;
    private final SplittableRandom rnd;
    private final Adversary adv;
    private final List<Violation> violations = new ArrayList<>();
    private final long[] outcomes = new long[RunResult.OUTCOME_SLOTS];
    private final List<String> logLines = new ArrayList<>();
    private final List<String> operations = new ArrayList<>();
    private final List<String> results = new ArrayList<>();
    private final OriginPolicy policy;
    private SimulatedTd td;
    private Vcpu cpu;
    private TdxGuest guest;
    private String op = "boot";
    private int calls;
    private long opStart;
    private final List<SharedBuffer> shared = new ArrayList<>();
    private final List<long[]> failedRanges = new ArrayList<>();
    private long bufferGpa = -1;
    private int accepts;
    private boolean dead;
    private Op[] fixedOps;
    private boolean forceMisconfigured;
    private PlantedBug bug = PlantedBug.NONE;

    private CampaignRun(long seed, FaultTape tape, boolean text) {
        this.seed = seed;
        this.rnd = new SplittableRandom(seed);
        this.adv = new Adversary(tape);
        adv.recordText(text);
        this.policy = rnd.nextBoolean() ? OriginPolicy.LINUX_MAINLINE : OriginPolicy.SEED_REVIEW;
    }

    /** Runs (seed, tape) and checks every oracle but {@link Oracle#REPLAY_MISMATCH}, which needs two runs. */
    public static RunResult run(long seed, FaultTape tape) {
        return run(seed, tape, false);
    }

    /** As {@link #run(long, FaultTape)}; {@code text} also records the trace as text lines. */
    public static RunResult run(long seed, FaultTape tape, boolean text) {
        return run(seed, tape, text, null, null, 0, 1, null);
    }

    /**
     * A targeted run for the matrix tests: the operations {@code ops} (after boot) instead of random ones, and
     * every decision at {@code site} forced to {@code fault} with {@code value}; other sites read {@code tape}.
     */
    static RunResult targeted(long seed, InputSite site, Fault fault, long value, Op... ops) {
        return targeted(seed, site, fault, value, Integer.MAX_VALUE, ops);
    }

    /** As {@link #targeted(long, InputSite, Fault, long, Op...)}, forcing only the first {@code times} decisions. */
    static RunResult targeted(long seed, InputSite site, Fault fault, long value, int times, Op... ops) {
        return run(seed, FaultTape.honest(), true, site, fault, value, times, ops);
    }

    /** A run of {@code ops} on the misconfigured TD (SEPT_VE_DISABLE clear, not debug), honest host. */
    static RunResult misconfigured(long seed, Op... ops) {
        CampaignRun r = new CampaignRun(seed, FaultTape.honest(), true);
        r.fixedOps = ops;
        r.forceMisconfigured = true;
        r.execute();
        return r.result();
    }

    /**
     * As {@link #targeted(long, InputSite, Fault, long, Op...)} with {@code bug} planted in the guest: for the tests
     * that check each oracle fires.
     */
    static RunResult planted(long seed, PlantedBug bug, InputSite site, Fault fault, long value, Op... ops) {
        return run(seed, FaultTape.honest(), true, site, fault, value, Integer.MAX_VALUE, ops, bug);
    }

    private static RunResult run(long seed, FaultTape tape, boolean text, InputSite site, Fault fault, long value,
                                 int times, Op[] ops) {
        return run(seed, tape, text, site, fault, value, times, ops, PlantedBug.NONE);
    }

    private static RunResult run(long seed, FaultTape tape, boolean text, InputSite site, Fault fault, long value,
                                 int times, Op[] ops, PlantedBug bug) {
        CampaignRun r = new CampaignRun(seed, new FaultTape(tape.bytes()), text);
        r.bug = bug;
        if (site != null) {
            r.adv.force(site, fault, value, times);
        }
        r.fixedOps = ops;
        r.execute();
        return r.result();
    }

    private RunResult result() {
        int[] consulted = new int[InputSite.values().length];
        long[] injected = new long[InputSite.values().length];
        for (InputSite s : InputSite.values()) {
            consulted[s.ordinal()] = adv.consulted(s);
            for (Fault f : adv.injected(s)) {
                injected[s.ordinal()] |= 1L << f.ordinal();
            }
        }
        return new RunResult(seed, adv.tape(), List.copyOf(violations), outcomes, adv.traceHash(),
                adv.traceText(), consulted, injected, logLines.size(), List.copyOf(operations), List.copyOf(results));
    }

    // ------------------------------------------------------------------------------------------------ the run

    private void execute() {
        boolean misconfigured = rnd.nextInt(64) == 0 || forceMisconfigured;
        boolean notify = rnd.nextInt(4) == 0;
        adv.setExitObserver(this::onExit);
        td = SimulatedTd.boot(misconfigured ? SEPT_VE_ENABLED : PRODUCTION, SETTINGS,
                AdversarialVmm.factory(adv, CampaignQuotes.INSTANCE));
        cpu = td.vcpu();
        plantPrivateCanaries();
        GuestConfig config = GuestConfig.defaults(POOL_GPA, POOL_BYTES).withPolicy(policy)
                .withLog(bug.log((level, message) -> logLines.add(message))).withQuote(notify ? NOTIFIED : POLLING);
        if (!operation("boot", () -> {
            guest = TdxGuest.boot(new Platform(), this::cpuid, config);
            return true;
        })) {
            finish();
            return;
        }
        int n = fixedOps != null ? fixedOps.length : 4 + rnd.nextInt(7);
        Op[] ops = Op.values();
        for (int i = 0; i < n; i++) {
            Op o = fixedOps != null ? fixedOps[i] : ops[rnd.nextInt(ops.length)];
            if (!operation(o.name(), () -> perform(o))) {
                break;
            }
        }
        finish();
    }

    /**
     * Runs one guest operation and classifies it; checks the per-operation oracles.
     *
     * @return whether the TD can go on (false after a fatal outcome, a hang or an unclassified failure)
     */
    private boolean operation(String name, Step step) {
        op = name;
        operations.add(name);
        int mustFailBefore = adv.mustFailDecisions().size();
        long[] before = failureCounts();
        calls = 0;
        opStart = td.nanoTime();
        Outcome outcome;
        Origin origin = null;
        String site = null;
        boolean goOn = true;
        try {
            boolean clean = step.run();
            long[] after = failureCounts();
            origin = firstIncrease(before, after);
            outcome = clean && origin == null ? Outcome.HANDLED : Outcome.ERROR;
            if (!clean && origin == null) {
                violation(Oracle.WRONG_ORIGIN, "the operation failed without reporting a failure");
            }
        } catch (TdxException e) {
            outcome = Outcome.ERROR;
            origin = e.origin();
            site = e.failure().site();
        } catch (TdxPanic p) {
            outcome = Outcome.FATAL;
            origin = p.origin();
            goOn = false;
            dead = true;
        } catch (TdStopped s) {
            outcome = Outcome.FATAL;
            origin = stopOrigin(s.reason());
            goOn = false;
            dead = true;
        } catch (HangDetected h) {
            violation(Oracle.HANG, h.getMessage());
            results.add("HANG");
            adv.trace("op-hang");
            return false;
        } catch (RuntimeException e) {
            violation(Oracle.WRONG_ORIGIN, "failure without an origin: " + e);
            results.add("UNCLASSIFIED");
            adv.trace("op-unclassified");
            return false;
        }
        outcomes[RunResult.outcomeIndex(outcome, origin)]++;
        results.add(origin == null ? outcome.name() : outcome + " " + origin);
        adv.trace("op", name.hashCode(), outcome.ordinal(), origin == null ? -1 : origin.ordinal());
        if (outcome == Outcome.HANDLED) {
            for (Decision d : adv.mustFailDecisions().subList(mustFailBefore, adv.mustFailDecisions().size())) {
                violation(Oracle.FAILURE_AS_SUCCESS, "the operation succeeded after " + d);
            }
        }
        if (origin != null) {
            checkOrigin(outcome, origin, site);
        }
        if (td.isStopped() && goOn) {
            // The operation returned, but the TD is gone: a stop the guest did not see is a silent failure.
            violation(Oracle.FAILURE_AS_SUCCESS, "the TD stopped (" + td.stopReason() + ") but the operation returned");
            return false;
        }
        return goOn;
    }

    @FunctionalInterface
    private interface Step {
        /** @return true if the operation reports success, false if it reports a failure as a value */
        boolean run();
    }

    /**
     * The origin oracle: a VMM failure needs a VMM fault (or the misconfigured TD the host chose), a TDX-module
     * failure a module fault. A guest bug is explained only by the module itself blaming the guest's operand
     * (TDX_OPERAND_INVALID, which the guest reports as its own, as Linux does with -EINVAL), or by the simulator's
     * deviation C5 after a MapGPA the host claimed and did not do (see the README).
     */
    private void checkOrigin(Outcome outcome, Origin origin, String site) {
        boolean explained = switch (origin) {
            case VMM -> adv.vmmFaults() > 0 || td.config().equals(SEPT_VE_ENABLED);
            case TDX_MODULE -> adv.moduleFaults() > 0;
            case GUEST_BUG -> injected(Fault.MODULE_OPERAND_INVALID)
                    || "tdx.memory.access".equals(site) && adv.consulted(InputSite.MAPGPA_CONVERSION) > 0
                    && (injected(Fault.MAPGPA_LIE_SUCCESS) || injected(Fault.MAPGPA_PARTIAL_THEN_FAIL)
                    || injected(Fault.MAPGPA_FAIL_AFTER_CONVERT));
        };
        if (!explained) {
            violation(Oracle.WRONG_ORIGIN, outcome + " with origin " + origin + " but the faults injected were "
                    + adv.faults());
        }
    }

    private boolean injected(Fault f) {
        for (Decision d : adv.faults()) {
            if (d.fault() == f) {
                return true;
            }
        }
        return false;
    }

    private static Origin stopOrigin(StopReason r) {
        return switch (r.kind()) {
            case UNRESOLVED_EPT_VIOLATION, VMM_STOPPED -> Origin.VMM;
            case FATAL_ERROR, DOUBLE_FAULT, NO_VE_HANDLER -> Origin.GUEST_BUG;
        };
    }

    private long[] failureCounts() {
        if (guest == null) {
            return new long[3];
        }
        return new long[] {guest.failures().count(Origin.GUEST_BUG), guest.failures().count(Origin.TDX_MODULE),
                guest.failures().count(Origin.VMM)};
    }

    private static Origin firstIncrease(long[] before, long[] after) {
        if (after[2] > before[2]) {
            return Origin.VMM;
        }
        if (after[1] > before[1]) {
            return Origin.TDX_MODULE;
        }
        if (after[0] > before[0]) {
            return Origin.GUEST_BUG;
        }
        return null;
    }

    private void violation(Oracle oracle, String detail) {
        violations.add(new Violation(oracle, op, detail));
        adv.trace("violation", oracle.ordinal());
    }

    // ------------------------------------------------------------------------------------------------ operations

    private boolean perform(Op o) {
        return switch (o) {
            case PORT_IN -> portIn();
            case PORT_OUT -> portOut();
            case DIRECT_PORT_IN -> directIn();
            case DIRECT_PORT_OUT -> {
                guest.portIo().out(pick(PortSize.values()), port(), canary(0) | rnd.nextInt(256));
                yield true;
            }
            case MMIO_READ -> mmioRead();
            case MMIO_WRITE -> mmioWrite();
            case CPUID_HYPERVISOR -> cpuidOp(0x4000_0000L + rnd.nextInt(2));
            case CPUID_OTHER -> cpuidOp(rnd.nextBoolean() ? 0x5000_0000L : 0x8000_0100L + rnd.nextInt(0x100));
            case RDMSR -> rdmsr();
            case WRMSR -> wrmsr();
            case HLT -> hlt();
            case SAFE_HALT -> guest.safeHalt();
            case SHARE -> share();
            case UNSHARE -> unshare();
            case ACCEPT -> accept();
            case REPORT -> report();
            case EXTEND -> extend();
            case QUOTE -> quote();
            case SLEEP -> {
                try {
                    td.sleep(rnd.nextLong(2_000_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                yield true;
            }
        };
    }

    private <T> T pick(T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    private int port() {
        // COM1 data, IER, LSR; POST 0x80; CMOS 0x70; unclaimed 0x601; PCI 0xCF8 (never 0x501: isa-debug-exit
        // would stop the TD honestly, which is not a fault).
        int[] ports = {0x3F8, 0x3F9, 0x3FD, 0x80, 0x70, 0x601, 0xCF8};
        return ports[rnd.nextInt(ports.length)];
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
        regs[Gpr.RDX.number()] = canary(2) & ~0xFFFFL | port();
        long rax = regs[Gpr.RAX.number()];
        long exitsBefore = exits;
        ExecutionResult r = runCode(code, regs);
        if (r instanceof ExecutionResult.Completed) {
            regs[Gpr.RAX.number()] = size.assign(rax, vmmAnswer(Gpr.R11));
        } else if (exits != exitsBefore) {
            // Linux handle_in: a VMM error clears the access-size bits; a fault before the TDVMCALL changes nothing.
            regs[Gpr.RAX.number()] = size.assign(rax, 0);
        }
        return checkRegisters(r, regs);
    }

    private boolean portOut() {
        PortSize size = pick(PortSize.values());
        byte[] code = switch (size) {
            case BYTE -> new byte[] {(byte) 0xEE};
            case WORD -> new byte[] {0x66, (byte) 0xEF};
            case DWORD -> new byte[] {(byte) 0xEF};
        };
        long[] regs = seedRegisters();
        regs[Gpr.RDX.number()] = canary(2) & ~0xFFFFL | port();
        return checkRegisters(runCode(code, regs), regs);
    }

    private boolean directIn() {
        PortSize size = pick(PortSize.values());
        long rax = canary(0);
        int failuresBefore = (int) guest.failures().count(Origin.VMM);
        long got = guest.portIo().in(size, port(), rax);
        boolean failed = guest.failures().count(Origin.VMM) > failuresBefore;
        long expected = size.assign(rax, failed ? -1L : vmmAnswer(Gpr.R11));
        if (got != expected) {
            violation(Oracle.CORRUPTION, String.format("direct IN size %d: RAX 0x%x, architecturally 0x%x",
                    size.bytes(), got, expected));
        }
        return true;
    }

    /** The MMIO read forms and their architectural result from the VMM's value {@code v}. */
    private boolean mmioRead() {
        int form = rnd.nextInt(5);
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
        return checkRegisters(r, regs);
    }

    private boolean mmioWrite() {
        long[] regs = seedRegisters();
        regs[Gpr.RDI.number()] = mmioAddress();
        byte[] code = rnd.nextBoolean() ? new byte[] {(byte) 0x89, 0x07}   // mov [rdi], eax
                : new byte[] {(byte) 0x88, 0x07};                          // mov [rdi], al
        return checkRegisters(runCode(code, regs), regs);
    }

    private long mmioAddress() {
        return (td.config().mmioBase() + 8L * rnd.nextInt(5)) | td.config().sharedBit();
    }

    private boolean cpuidOp(long leaf) {
        long[] regs = seedRegisters();
        regs[Gpr.RAX.number()] = canary(0) & ~0xFFFF_FFFFL | leaf;
        regs[Gpr.RCX.number()] = canary(1) & ~0xFFFF_FFFFL;
        long exitsBefore = exits;
        ExecutionResult r = runCode(new byte[] {0x0F, (byte) 0xA2}, regs);
        boolean hypervisor = leaf >= 0x4000_0000L && leaf <= 0x4FFF_FFFFL;
        if (r instanceof ExecutionResult.Completed) {
            if (hypervisor) {
                regs[Gpr.RAX.number()] = vmmAnswer(Gpr.R12) & 0xFFFF_FFFFL;
                regs[Gpr.RBX.number()] = vmmAnswer(Gpr.R13) & 0xFFFF_FFFFL;
                regs[Gpr.RCX.number()] = vmmAnswer(Gpr.R14) & 0xFFFF_FFFFL;
                regs[Gpr.RDX.number()] = vmmAnswer(Gpr.R15) & 0xFFFF_FFFFL;
            } else {
                // reliability.md §5.2 F / T12: outside the hypervisor range the guest reads zeros, asking no one.
                regs[Gpr.RAX.number()] = 0;
                regs[Gpr.RBX.number()] = 0;
                regs[Gpr.RCX.number()] = 0;
                regs[Gpr.RDX.number()] = 0;
                if (exits != exitsBefore) {
                    violation(Oracle.CORRUPTION, "CPUID leaf 0x" + Long.toHexString(leaf) + " was sent to the VMM");
                }
            }
        }
        return checkRegisters(r, regs);
    }

    private static final long[] MSRS = {0x1B, 0x277, 0x8B, 0x4B56_4D05L, 0x1A0};

    private boolean rdmsr() {
        long[] regs = seedRegisters();
        regs[Gpr.RCX.number()] = canary(1) & ~0xFFFF_FFFFL | MSRS[rnd.nextInt(MSRS.length)];
        ExecutionResult r = runCode(new byte[] {0x0F, 0x32}, regs);
        if (r instanceof ExecutionResult.Completed) {
            long v = vmmAnswer(Gpr.R11);
            regs[Gpr.RAX.number()] = v & 0xFFFF_FFFFL;
            regs[Gpr.RDX.number()] = v >>> 32;
        }
        return checkRegisters(r, regs);
    }

    /** MSRs KVM emulates and lets a TD write: IA32_CR_PAT, IA32_MISC_ENABLE, MSR_KVM_POLL_CONTROL. */
    private static final long[] WRITABLE_MSRS = {0x277, 0x1A0, 0x4B56_4D05L};

    private boolean wrmsr() {
        long[] regs = seedRegisters();
        regs[Gpr.RCX.number()] = canary(1) & ~0xFFFF_FFFFL | WRITABLE_MSRS[rnd.nextInt(WRITABLE_MSRS.length)];
        return checkRegisters(runCode(new byte[] {0x0F, 0x30}, regs), regs);
    }

    private boolean hlt() {
        long[] regs = seedRegisters();
        return checkRegisters(runCode(new byte[] {(byte) 0xF4}, regs), regs);
    }

    private boolean share() {
        try {
            SharedBuffer b = guest.sharedMemory().share(1 + rnd.nextInt(2));
            for (long[] f : failedRanges) {
                if (b.gpa() < f[1] && f[0] < b.gpa() + b.bytes()) {
                    violation(Oracle.CORRUPTION, String.format("pages at 0x%x reused after a failed conversion",
                            b.gpa()));
                }
            }
            shared.add(b);
            return true;
        } catch (MemoryConversionException e) {
            failedRanges.add(new long[] {e.start(), e.end()});
            throw e;
        }
    }

    private boolean unshare() {
        if (shared.isEmpty()) {
            return true;
        }
        SharedBuffer b = shared.removeFirst();
        try {
            guest.sharedMemory().unshare(b);
            return true;
        } catch (MemoryConversionException e) {
            failedRanges.add(new long[] {e.start(), e.end()});
            throw e;
        }
    }

    private boolean accept() {
        long bytes = rnd.nextInt(16) == 0 ? 2L << 20 : 16L << 12;
        long start = UNACCEPTED_GPA + (long) accepts++ * (2L << 20);
        return switch (guest.acceptor().accept(start, start + bytes)) {
            case PageAcceptor.Result.Done d -> {
                if (d.accepted().bytes() != bytes) {
                    violation(Oracle.CORRUPTION, "accepted " + d.accepted().bytes() + " bytes of " + bytes);
                }
                yield true;
            }
            case PageAcceptor.Result.Failed f -> {
                guest.failures().report(f.failure());
                yield false;
            }
        };
    }

    private byte[] reportData() {
        byte[] d = new byte[GuestAttestation.REPORT_DATA_SIZE];
        rnd.nextBytes(d);
        return d;
    }

    private boolean report() {
        byte[] data = reportData();
        byte[] report = guest.attestation().report(data);
        int off = TdReportLayout.REPORTDATA_OFFSET;
        if (!Arrays.equals(Arrays.copyOfRange(report, off, off + data.length), data)) {
            violation(Oracle.CORRUPTION, "TDREPORT carries another REPORTDATA");
        }
        return true;
    }

    private boolean extend() {
        byte[] digest = new byte[GuestAttestation.DIGEST_SIZE];
        rnd.nextBytes(digest);
        guest.attestation().extendRtmr(rnd.nextInt(4), digest, "campaign");
        return true;
    }

    private boolean quote() {
        byte[] q = guest.attestation().quote(reportData());
        if (bufferGpa < 0) {
            violation(Oracle.CORRUPTION, "a quote returned though no GetQuote reached the host");
            return true;
        }
        HostMemory m = td.host().memory();
        byte[] written = new byte[q.length];
        long data = (bufferGpa & ~td.config().sharedBit()) + GetQuoteBufferLayout.DATA_OFFSET;
        if (q.length > POLLING.bufferBytes() - GetQuoteBufferLayout.DATA_OFFSET) {
            violation(Oracle.CORRUPTION, "quote of " + q.length + " bytes is longer than the buffer");
            return true;
        }
        m.read(data, written, 0, written.length);
        // What the guest read: the header now (nothing runs on the host between the guest's reads and its return).
        long header = bufferGpa & ~td.config().sharedBit();
        long status = m.readLong(header + GetQuoteBufferLayout.STATUS_OFFSET);
        long outLen = m.readInt(header + GetQuoteBufferLayout.OUT_LEN_OFFSET) & 0xFFFF_FFFFL;
        if (status != 0 || outLen != q.length || outLen == 0) {
            violation(Oracle.FAILURE_AS_SUCCESS, String.format("quote of %d bytes returned with status 0x%x, "
                    + "out_len %d in the header", q.length, status, outLen));
        }
        if (!Arrays.equals(q, written)) {
            violation(Oracle.CORRUPTION, "the quote differs from what the host wrote in the shared buffer");
        }
        scanForCanaries(q, "the quote");
        return true;
    }

    // ------------------------------------------------------------------------------------------------ vCPU

    /** Registers before a vCPU operation: canaries everywhere, so any the VMM sees or any change shows. */
    private long[] seedRegisters() {
        long[] regs = new long[16];
        for (int i = 0; i < 16; i++) {
            regs[i] = canary(i);
        }
        regs[Gpr.RSP.number()] = STACK_GPA + 0x800;
        regs[Gpr.RAX.number()] = canary(0) | rnd.nextInt(256);
        return regs;
    }

    private ExecutionResult runCode(byte[] code, long[] regs) {
        // Interrupts on or off at random, so injected vectors land inside or after the operation; HLT always with
        // interrupts off, as the kernel's #VE HLT path requires (HLT with IF=1 is refused as a guest bug).
        boolean hlt = code.length == 1 && code[0] == (byte) 0xF4;
        boolean interruptsOn = rnd.nextBoolean();
        cpu.setInterruptsEnabled(interruptsOn && !hlt);
        for (Gpr g : Gpr.values()) {
            cpu.set(g, regs[g.number()]);
        }
        return cpu.execute(CODE_GPA, code);
    }

    /**
     * The register diff oracle: after the operation every register must hold exactly what the architectural model
     * in {@code expected} says (the operands it writes, from the VMM's answer masked and extended; all others
     * untouched). A #VE fault leaves the registers as the handler's error path defines them.
     */
    private boolean checkRegisters(ExecutionResult r, long[] expected) {
        if (r instanceof ExecutionResult.StepLimit s) {
            throw new HangDetected("vCPU instruction bound reached at RIP 0x" + Long.toHexString(s.rip()));
        }
        for (Gpr g : Gpr.values()) {
            long got = cpu.get(g);
            if (got != expected[g.number()]) {
                violation(Oracle.CORRUPTION, String.format("%s = 0x%x after the operation, architecturally 0x%x",
                        g, got, expected[g.number()]));
            }
        }
        return switch (r) {
            case ExecutionResult.Completed c -> true;
            case ExecutionResult.Faulted f -> {
                if (f.fault() != ExecutionResult.Fault.VE_FAULT) {
                    throw new FaultWithOrigin(f.failure());
                }
                yield false;
            }
            case ExecutionResult.StepLimit s -> false;
        };
    }

    /** The value the VMM left in {@code gpr} in its last answer (the module copies exposed registers back). */
    private long vmmAnswer(Gpr gpr) {
        return ((AdversarialVmm) td.vmm()).answer(gpr);
    }

    private CpuidInstruction.Result cpuid(int leaf, int subleaf) {
        cpu.set(Gpr.RAX, leaf & 0xFFFF_FFFFL);
        cpu.set(Gpr.RCX, subleaf & 0xFFFF_FFFFL);
        cpu.execute(CODE_GPA, new byte[] {0x0F, (byte) 0xA2});
        return new CpuidInstruction.Result((int) cpu.get(Gpr.RAX), (int) cpu.get(Gpr.RBX), (int) cpu.get(Gpr.RCX),
                (int) cpu.get(Gpr.RDX));
    }

    // ------------------------------------------------------------------------------------------------ leaks

    static long canary(int where) {
        return CANARY_PREFIX | where;
    }

    static boolean isCanary(long v) {
        return (v & CANARY_MASK) == CANARY_PREFIX;
    }

    private void plantPrivateCanaries() {
        GuestMemory m = td.memory();
        for (int i = 0; i < 512; i++) {
            m.writeLong(STACK_GPA + 8L * i, canary(0x80 | (i & 0x3F)));
        }
    }

    private long exits;
    /** The ranges the guest asked to share during QUOTE operations: its GetQuote buffer (or quarantined tries). */
    private final List<long[]> quoteBuffers = new ArrayList<>();

    /** What the VMM sees at each TDVMCALL exit: no register may hold a canary (reliability.md §5.2 K). */
    private void onExit(VmcallExit exit) {
        exits++;
        if (bufferGpa < 0 && exit.r10() == 0 && exit.r11() == 0x10002) {
            bufferGpa = exit.r12();
        }
        long sharedBit = td.config().sharedBit();
        if (op.equals("QUOTE") && exit.r10() == 0 && exit.r11() == 0x10001 && (exit.r12() & sharedBit) != 0) {
            quoteBuffers.add(new long[] {exit.r12() & ~sharedBit, (exit.r12() & ~sharedBit) + exit.r13()});
        }
        for (int i = 0; i < 16; i++) {
            if (isCanary(exit.get(i))) {
                violation(Oracle.LEAK, String.format("the VMM saw canary 0x%x in %s of sub-function 0x%x",
                        exit.get(i), Gpr.ofNumber(i), exit.r11()));
            }
        }
    }

    /** Canaries are planted 8-byte aligned and every copy the guest makes keeps that alignment; scan by 8. */
    private void scanForCanaries(byte[] b, String where) {
        for (int i = 0; i + 8 <= b.length; i += 8) {
            long v = 0;
            for (int j = 7; j >= 0; j--) {
                v = (v << 8) | (b[i + j] & 0xFF);
            }
            if (isCanary(v)) {
                violation(Oracle.LEAK, "canary 0x" + Long.toHexString(v) + " in " + where + " at offset " + i);
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ end of run

    private void finish() {
        op = "end of run";
        HostMemory host = td.host().memory();
        for (long g = POOL_GPA; g < POOL_GPA + POOL_BYTES; g += GuestMemory.PAGE_SIZE) {
            boolean hostShared = host.isShared(g);
            if (hostShared) {
                for (long a = g; a < g + GuestMemory.PAGE_SIZE; a += 8) {
                    if (isCanary(host.readLong(a))) {
                        violation(Oracle.LEAK, "canary in shared page 0x" + Long.toHexString(a));
                        break;
                    }
                }
            }
            // After a panic the TD is gone and no page is ever used again; otherwise pages in an unknown state must be
            // quarantined (reliability.md §3 row 10).
            if (!dead && guest != null && hostShared && !believedShared(g) && !guest.pages().isQuarantined(g)) {
                violation(Oracle.CORRUPTION, String.format("page 0x%x is shared but the guest believes it private "
                        + "and did not quarantine it", g));
            }
        }
        for (String line : logLines) {
            if (line.toLowerCase(Locale.ROOT).contains(CANARY_HEX)) {
                violation(Oracle.LEAK, "canary in log line: " + line);
            }
        }
        checkLogVolume();
        if (guest != null && !td.isStopped()) {
            List<byte[]> replayed = GuestAttestation.replay(guest.attestation().eventLog());
            for (int i = 0; i < TdReportLayout.RTMR_COUNT; i++) {
                if (!Arrays.equals(replayed.get(i), td.rtmr(i))) {
                    violation(Oracle.CORRUPTION, "the RTMR event log does not replay to RTMR" + i);
                }
            }
        }
        adv.trace("end", violations.size());
    }

    private boolean believedShared(long gpa) {
        for (SharedBuffer b : shared) {
            if (gpa >= b.gpa() && gpa < b.gpa() + b.bytes()) {
                return true;
            }
        }
        for (long[] q : quoteBuffers) {
            if (gpa >= q[0] && gpa < q[1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Bounded logs (reliability.md §5.3 item 3): per site, a warn-once reaction allows one line, a rate-limited one
     * {@code burst} lines per window plus one "callbacks suppressed" line per window, an error return none; at
     * most one fatal line per run.
     */
    private void checkLogVolume() {
        Map<String, Integer> perSite = new HashMap<>();
        Map<String, Origin> originOf = new HashMap<>();
        int fatal = 0;
        for (String line : logLines) {
            if (line.startsWith("tdx4j: fatal: ")) {
                fatal++;
                continue;
            }
            String site;
            if (line.startsWith("tdx4j: [")) {
                int close = line.indexOf(']');
                Origin o = Origin.valueOf(line.substring(8, close));
                site = line.substring(close + 2, line.indexOf(':', close));
                originOf.put(site, o);
            } else {
                site = line.substring(0, line.indexOf(':')) + " (suppressed)";
            }
            perSite.merge(site, 1, Integer::sum);
        }
        if (fatal > 1) {
            violation(Oracle.UNBOUNDED_LOG, fatal + " fatal lines in one run");
        }
        long windows = 1 + td.nanoTime() / Math.max(1, policy.rateLimitIntervalNanos());
        for (var e : perSite.entrySet()) {
            Origin o = originOf.get(e.getKey());
            long bound = o == null ? windows : allowed(o, windows);
            if (e.getValue() > bound) {
                violation(Oracle.UNBOUNDED_LOG, e.getKey() + " logged " + e.getValue() + " lines, bound " + bound);
            }
        }
    }

    private long allowed(Origin o, long windows) {
        long most = 0;
        for (Sensitivity s : Sensitivity.values()) {
            Reaction r = policy.reactionFor(o, s);
            long n = switch (r) {
                case WARN_ONCE -> 1;
                case RATE_LIMITED -> (long) policy.rateLimitBurst() * windows;
                case ERROR_RETURN, FATAL -> 0;
            };
            most = Math.max(most, n);
        }
        return most;
    }

    // ------------------------------------------------------------------------------------------------ platform

    /** A vCPU fault other than a #VE fault (#GP, #UD, memory): carries the platform's classified failure. */
    private static final class FaultWithOrigin extends TdxException {
        private static final long serialVersionUID = 1L;

        FaultWithOrigin(TdxFailure failure) {
            super(failure);
        }
    }

    /** An operation ran past its bound: the "no hang" oracle, thrown out of the guest to end the run. */
    private static final class HangDetected extends Error {
        private static final long serialVersionUID = 1L;

        HangDetected(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The guest's platform: the simulated TD, with the faulty module in front of its TDCALL seam, a call and time
     * bound per operation, and a look at every interrupt the guest receives.
     */
    private final class Platform implements GuestPlatform {
        private final TdxTransport transport;

        Platform() {
            TdxTransport faulty = new FaultyModule(td.transport(), adv);
            TdxTransport bounded = (Registers in) -> {
                if (++calls > MAX_CALLS_PER_OPERATION) {
                    throw new HangDetected(op + " made more than " + MAX_CALLS_PER_OPERATION + " TDCALLs");
                }
                if (td.nanoTime() - opStart > MAX_NANOS_PER_OPERATION) {
                    throw new HangDetected(op + " ran longer than " + MAX_NANOS_PER_OPERATION + " ns");
                }
                return faulty.tdcall(in);
            };
            this.transport = bug.transport(bounded, cpu);
        }

        @Override
        public TdxTransport transport() {
            return transport;
        }

        @Override
        public GuestMemory memory() {
            return td.memory();
        }

        @Override
        public NanoClock clock() {
            return td.clock();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
            if (td.nanoTime() + nanos - opStart > MAX_NANOS_PER_OPERATION) {
                throw new HangDetected(op + " waits beyond " + MAX_NANOS_PER_OPERATION + " ns");
            }
            td.sleep(nanos);
        }

        @Override
        public void setVeHandler(VeHandler handler) {
            td.setVeHandler(handler);
        }

        @Override
        public void setInterruptHandler(InterruptHandler handler) {
            td.setInterruptHandler(vector -> {
                if (vector <= 30) {
                    violation(Oracle.CORRUPTION, "the guest received vector " + vector
                            + ", which the TDX module does not let a VMM post");
                }
                adv.trace("irq", vector);
                handler.onInterrupt(vector);
            });
        }
    }
}
