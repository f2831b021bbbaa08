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
    public static final int MODEL_VERSION = 3;

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
    /**
     * The watchdog's step budget per guest operation (TDCALLs, sleeps and clock reads): the longest legitimate wait,
     * GetQuote's 30 s at a 5 ms notify check, takes about 20,000.
     */
    static final int MAX_STEPS_PER_OPERATION = 200_000;
    /**
     * The watchdog's real-time budget per guest operation, a backstop for steps that are slow rather than many:
     * operations take microseconds, but the first boot in a cold JVM on a loaded machine has taken over 5 s, and a
     * hang ended by real time does not replay exactly (the step budget is what ends a loop within seconds).
     */
    static final long MAX_WALL_NANOS_PER_OPERATION = 30_000_000_000L;
    /**
     * One run in this many is a burst run (one input site fails many times, long enough to reach rate limits), and
     * one in this many a stuck-MapGPA run (the host answers RETRY without progress): the run's draw of 0..47 says
     * which, {@link #BURST_DRAW} or {@link #STUCK_MAPGPA_DRAW}.
     */
    static final int BURST_ONE_IN = 48;
    private static final int BURST_DRAW = 0;
    private static final int STUCK_MAPGPA_DRAW = 1;
    /** Canaries: a 56-bit prefix no legitimate value has, plus a byte naming where it was planted. */
    static final long CANARY_PREFIX = 0x5EC2_E7C0_FFEE_0000L;
    static final long CANARY_MASK = 0xFFFF_FFFF_FFFF_FF00L;
    static final String CANARY_HEX = "5ec2e7c0ffee";

    private static final TdConfig PRODUCTION = TdConfig.production();
    static final TdConfig SEPT_VE_ENABLED = TdConfig.builder().septVeDisable(false).build();
    private static final SimSettings SETTINGS = SimSettings.strict().toBuilder().maxInstructionsPerRun(10_000)
            .build();
    static final QuoteOptions POLLING = QuoteOptions.LINUX.withBufferBytes(8192);
    private static final QuoteOptions NOTIFIED = POLLING.withNotifyVector(AdversarialVmm.DEFAULT_NOTIFY_VECTOR);

    /** The guest operations a run chooses from. */
    public enum Op {
        PORT_IN, PORT_OUT, DIRECT_PORT_IN, DIRECT_PORT_OUT, MMIO_READ, MMIO_WRITE, CPUID_HYPERVISOR, CPUID_OTHER,
        RDMSR, WRMSR, HLT, SAFE_HALT, SHARE, UNSHARE, ACCEPT, REPORT, EXTEND, QUOTE, SLEEP,
        /** A TDVMCALL through the guest's {@code TdxCalls} whose returned registers are checked (CALLER_REGISTERS). */
        VMCALL_PROBE,
        /** TDCALLs and a posted interrupt straight at the simulated module, checking its filters. */
        SIM_PROBE,
        /** Sleeps past a rate-limit window; only in burst runs. */
        WAIT_WINDOW
    }

    /** The operations a random run draws from (WAIT_WINDOW belongs to burst runs). */
    private static final Op[] RANDOM_OPS = Arrays.copyOf(Op.values(), Op.WAIT_WINDOW.ordinal());

    final long seed;
    final SplittableRandom rnd;
    final Adversary adv;
    final List<Violation> violations = new ArrayList<>();
    final long[] outcomes = new long[RunResult.OUTCOME_SLOTS];
    final List<String> logLines = new ArrayList<>();
    final List<String> operations = new ArrayList<>();
    final List<String> results = new ArrayList<>();
    final OriginPolicy policy;
    /** The preset the run's policy is, for the reaction oracle's independent table. */
    final SpecTables.Preset preset;
    QuoteOptions quoteOptions = POLLING;
    SimulatedTd td;
    Vcpu cpu;
    TdxGuest guest;
    String op = "boot";
    int calls;
    long opStart;
    /** The watchdog's count of platform steps in this operation, and when the operation started in real time. */
    long steps;
    long opWallStart;
    /** Index into the adversary's fault list where this operation's faults begin. */
    int opFaultStart;
    /** Index into {@link #logLines} where this operation's lines begin. */
    int opLogStart;
    /** A failure the operation reported as a value (a #VE fault), for the origin and reaction oracles. */
    TdxFailure opFailure;
    /** Failures reported before this operation, by origin (GUEST_BUG, TDX_MODULE, VMM). */
    long[] opCountsBefore = new long[3];
    /** The simulated time of each line of {@link #logLines}. */
    final List<Long> logTimes = new ArrayList<>();
    /** Whether the host still held the GetQuote buffer (status GET_QUOTE_IN_FLIGHT) when this operation began. */
    boolean hostHoldsQuoteBuffer;
    /** Whether the last QUOTE operation ended in a GetQuote timeout (the guest left the buffer to the host). */
    boolean lastQuoteTimedOut;
    /** Whether the operation's failure wraps another, reported under its own site (the wrapper is not). */
    boolean opFailureWrapped;
    /** The operation misuses an interface on purpose (an RTMR index edge, HLT with IF=1): a guest bug is expected. */
    boolean expectGuestBug;
    /** MapGPA in this operation: the start GPA of the last call and how many calls in a row used it. */
    long mapGpaStart = -1;
    int mapGpaSameStart;
    /** Simulated time when the last GetQuote TDVMCALL of this operation returned, or −1. */
    long quoteReturnNanos = -1;
    /** Expectations an operation sets for the TDVMCALL it is about to cause (−1: none). */
    int expectPort = -1;
    int expectIoBytes;
    long expectOutValue = -1;
    int expectMmioBytes;
    boolean expectMmioIsWrite;
    long expectMmioWrite;
    final List<SharedBuffer> shared = new ArrayList<>();
    final List<long[]> failedRanges = new ArrayList<>();
    long bufferGpa = -1;
    int accepts;
    boolean dead;
    final Op[] fixedOps;
    final boolean forceMisconfigured;
    final PlantedBug bug;

    long exits;
    /** How many of the adversary's faults earlier operations have already been counted against. */
    private int faultsAttributed;
    /** {@link RunResult#cellOutcomes()} so far: one entry per (operation, site x class injected during it). */
    private int[] cellOutcomes = new int[8];
    private int cellOutcomeCount;
    /** The ranges the guest asked to share during QUOTE operations: its GetQuote buffer (or quarantined tries). */
    final List<long[]> quoteBuffers = new ArrayList<>();
    final GuestOperations guestOps = new GuestOperations(this);

    private CampaignRun(RunSpec spec, PlantedBug bug) {
        this.seed = spec.seed();
        this.rnd = new SplittableRandom(seed);
        this.adv = new Adversary(new FaultTape(spec.tape().bytes()));
        adv.recordText(spec.text());
        boolean linux = rnd.nextBoolean();
        this.policy = linux ? OriginPolicy.LINUX_MAINLINE : OriginPolicy.SEED_REVIEW;
        this.preset = linux ? SpecTables.Preset.LINUX_MAINLINE : SpecTables.Preset.SEED_REVIEW;
        this.bug = bug;
        this.fixedOps = spec.ops();
        this.forceMisconfigured = spec.misconfigured();
        if (spec.forcedSite() != null) {
            adv.force(spec.forcedSite(), spec.forcedFault(), spec.forcedValue(), spec.forcedTimes());
        }
    }

    /**
     * Runs {@code spec} and checks every oracle but {@link Oracle#REPLAY_MISMATCH}, which needs two runs.
     */
    public static RunResult run(RunSpec spec) {
        return run(spec, PlantedBug.NONE);
    }

    /** As {@link #run(RunSpec)} with {@code bug} planted in the guest: for the tests that show an oracle fires. */
    static RunResult run(RunSpec spec, PlantedBug bug) {
        CampaignRun r = new CampaignRun(spec, bug);
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
                adv.traceText(), consulted, injected, logLines.size(), List.copyOf(operations), List.copyOf(results),
                Arrays.copyOf(cellOutcomes, cellOutcomeCount));
    }

    // ------------------------------------------------------------------------------------------------ the run

    private void execute() {
        boolean misconfigured = rnd.nextInt(64) == 0 || forceMisconfigured;
        boolean notify = rnd.nextInt(4) == 0;
        quoteOptions = quoteOptions(notify);
        int special = fixedOps == null ? rnd.nextInt(BURST_ONE_IN) : -1;
        Op[] sequence = fixedOps != null ? fixedOps
                : special == BURST_DRAW ? burst() : special == STUCK_MAPGPA_DRAW ? stuckMapGpa() : null;
        adv.setExitObserver(exit -> ExitOracle.onExit(this, exit));
        td = SimulatedTd.boot(misconfigured ? SEPT_VE_ENABLED : PRODUCTION, SETTINGS,
                AdversarialVmm.factory(adv, CampaignQuotes.INSTANCE));
        cpu = td.vcpu();
        Canaries.plantPrivateCanaries(this);
        GuestConfig config = GuestConfig.defaults(POOL_GPA, POOL_BYTES).withPolicy(bug.policy(policy))
                .withLog(bug.log((level, message) -> {
                    logLines.add(message);
                    logTimes.add(td.nanoTime());
                })).withQuote(quoteOptions);
        if (!operation("boot", () -> {
            guest = TdxGuest.boot(new BoundedPlatform(this).forGuest(), guestOps::cpuid, config);
            return true;
        })) {
            EndOfRun.finish(this);
            return;
        }
        int n = sequence != null ? sequence.length : 4 + rnd.nextInt(7);
        for (int i = 0; i < n; i++) {
            Op o = sequence != null ? sequence[i] : RANDOM_OPS[rnd.nextInt(RANDOM_OPS.length)];
            if (!operation(o.name(), () -> guestOps.perform(o))) {
                break;
            }
        }
        EndOfRun.finish(this);
    }

    /**
     * GetQuote waiting rules: one run in eight Linux's (30 s timeout, 1 s poll, an exact multiple); the others a poll
     * of 0.1..1.7 s that does not divide the timeout, so that a last sleep not cut at the deadline shows as a late
     * timeout, and in notify mode a check interval of 10..50 ms. The timeout stays Linux's 30 s (the host's
     * completion-time faults are placed relative to it), except in one random run in four, where it is 1..6 s.
     */
    private QuoteOptions quoteOptions(boolean notify) {
        QuoteOptions q = POLLING;
        if (rnd.nextInt(8) != 0) {
            long timeout = rnd.nextInt(4) == 0 && fixedOps == null ? 1_000_000_000L + rnd.nextLong(5_000_000_000L)
                    : q.timeoutNanos();
            q = new QuoteOptions(timeout, 100_000_000L + rnd.nextLong(1_600_000_000L), q.bufferBytes(), 0,
                    10_000_000L + rnd.nextLong(40_000_000L));
        }
        return notify ? q.withNotifyVector(AdversarialVmm.DEFAULT_NOTIFY_VECTOR) : q;
    }

    /**
     * A burst run: the first decisions at one VMM input site are forced to fail, and the operations that consult
     * it run often enough, across a rate-limit window, to reach the burst of SEED_REVIEW's rate limiter and
     * LINUX_MAINLINE's warn-once.
     */
    private Op[] burst() {
        InputSite[] sites = {InputSite.IO_STATUS, InputSite.CPUID_STATUS, InputSite.RDMSR_STATUS};
        Op[][] ops = {{Op.PORT_IN, Op.DIRECT_PORT_IN, Op.PORT_OUT}, {Op.CPUID_HYPERVISOR}, {Op.RDMSR}};
        int k = rnd.nextInt(sites.length);
        adv.force(sites[k], Fault.STATUS_INVALID_OPERAND, 0, 40);
        List<Op> seq = new ArrayList<>();
        for (int window = 0; window < 2; window++) {
            for (int i = 0; i < 14; i++) {
                seq.add(ops[k][rnd.nextInt(ops[k].length)]);
            }
            seq.add(Op.WAIT_WINDOW);
        }
        return seq.toArray(Op[]::new);
    }

    /**
     * A stuck-MapGPA run: the host answers every MapGPA with RETRY and R11 = the call's start (no progress), either
     * {@link SpecTables#MAPGPA_NO_PROGRESS_RETRIES} times and then honestly (the first conversion must fail after
     * exactly those calls, the next ones succeed) or for the rest of the run (every conversion must fail, none may
     * loop). A random tape draws three no-progress answers in a row about once in 200,000 MapGPA calls, too rarely
     * to test the bound.
     */
    private Op[] stuckMapGpa() {
        int times = rnd.nextBoolean() ? SpecTables.MAPGPA_NO_PROGRESS_RETRIES : Integer.MAX_VALUE;
        adv.force(InputSite.MAPGPA_STATUS, Fault.RETRY_NO_PROGRESS, 0, times);
        return new Op[] {Op.SHARE, Op.SHARE, Op.UNSHARE, Op.QUOTE, Op.UNSHARE};
    }

    /**
     * Runs one guest operation and classifies it; checks the per-operation oracles.
     *
     * @return whether the TD can go on (false after a fatal outcome, a hang or an unclassified failure)
     */
    private boolean operation(String name, Step step) {
        op = name;
        operations.add(name);
        bug.operationStarts(name);
        int mustFailBefore = adv.mustFailDecisions().size();
        long[] before = OriginOracle.failureCounts(this);
        opCountsBefore = before;
        calls = 0;
        steps = 0;
        opStart = td.nanoTime();
        opWallStart = System.nanoTime();
        opFaultStart = adv.faults().size();
        opLogStart = logLines.size();
        opFailure = null;
        mapGpaStart = -1;
        mapGpaSameStart = 0;
        quoteReturnNanos = -1;
        hostHoldsQuoteBuffer = false;
        expectGuestBug = false;
        opFailureWrapped = false;
        expectPort = -1;
        expectMmioBytes = 0;
        TdxFailure failure = null;
        Outcome outcome;
        Origin origin = null;
        String site = null;
        boolean goOn = true;
        try {
            boolean clean = step.run();
            long[] after = OriginOracle.failureCounts(this);
            origin = OriginOracle.firstIncrease(before, after);
            outcome = clean && origin == null ? Outcome.HANDLED : Outcome.ERROR;
            if (!clean && origin == null) {
                violation(Oracle.WRONG_ORIGIN, "the operation failed without reporting a failure");
            }
        } catch (TdxException e) {
            outcome = Outcome.ERROR;
            origin = e.origin();
            site = e.failure().site();
            failure = e.failure();
            opFailureWrapped = e.getCause() instanceof TdxException;
        } catch (TdxPanic p) {
            outcome = Outcome.FATAL;
            origin = p.origin();
            failure = p.failure();
            site = failure.site();
            PolicyOracle.checkPanic(this, p);
            goOn = false;
            dead = true;
        } catch (TdStopped s) {
            outcome = Outcome.FATAL;
            origin = OriginOracle.stopOrigin(s.reason());
            goOn = false;
            dead = true;
        } catch (BoundedPlatform.HangDetected h) {
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
        int slot = RunResult.outcomeIndex(outcome, origin);
        outcomes[slot]++;
        attributeFaults(slot);
        results.add(origin == null ? outcome.name() : outcome + " " + origin);
        adv.trace("op", name.hashCode(), outcome.ordinal(), origin == null ? -1 : origin.ordinal());
        if (outcome == Outcome.HANDLED) {
            for (Decision d : adv.mustFailDecisions().subList(mustFailBefore, adv.mustFailDecisions().size())) {
                violation(Oracle.FAILURE_AS_SUCCESS, "the operation succeeded after " + d);
            }
        }
        if (failure == null && opFailure != null) {
            failure = opFailure;
        }
        if (origin != null) {
            OriginOracle.checkOrigin(this, outcome, origin, site);
        }
        OperationRules.checkOperation(this, outcome, failure);
        PolicyOracle.check(this, outcome, failure);
        if (td.isStopped() && goOn) {
            // The operation returned, but the TD is gone: a stop the guest did not see is a silent failure.
            violation(Oracle.FAILURE_AS_SUCCESS, "the TD stopped (" + td.stopReason() + ") but the operation returned");
            return false;
        }
        return goOn;
    }

    /**
     * Counts the outcome {@code slot} of the operation that just ended once against each (input site, fault class)
     * cell the adversary injected since the previous operation ended (faults decided while the TD booted count
     * against the guest's boot operation).
     */
    private void attributeFaults(int slot) {
        List<Decision> faults = adv.faults();
        int first = cellOutcomeCount;
        for (int i = faultsAttributed; i < faults.size(); i++) {
            Decision d = faults.get(i);
            int entry = CampaignReport.cell(d.site(), d.fault().faultClass()) * RunResult.OUTCOME_SLOTS + slot;
            boolean seen = false;
            for (int k = first; k < cellOutcomeCount && !seen; k++) {
                seen = cellOutcomes[k] == entry;
            }
            if (!seen) {
                if (cellOutcomeCount == cellOutcomes.length) {
                    cellOutcomes = Arrays.copyOf(cellOutcomes, cellOutcomeCount * 2);
                }
                cellOutcomes[cellOutcomeCount++] = entry;
            }
        }
        faultsAttributed = faults.size();
    }

    @FunctionalInterface
    private interface Step {
        /** @return true if the operation reports success, false if it reports a failure as a value */
        boolean run();
    }

    void violation(Oracle oracle, String detail) {
        violations.add(new Violation(oracle, op, detail));
        adv.trace("violation", oracle.ordinal());
    }
}
