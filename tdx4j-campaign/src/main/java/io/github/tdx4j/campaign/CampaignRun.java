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
        RDMSR, WRMSR, HLT, SAFE_HALT, SHARE, UNSHARE, ACCEPT, REPORT, EXTEND, QUOTE, SLEEP
    }

    final long seed;
    final SplittableRandom rnd;
    final Adversary adv;
    final List<Violation> violations = new ArrayList<>();
    final long[] outcomes = new long[RunResult.OUTCOME_SLOTS];
    final List<String> logLines = new ArrayList<>();
    final List<String> operations = new ArrayList<>();
    final List<String> results = new ArrayList<>();
    final OriginPolicy policy;
    SimulatedTd td;
    Vcpu cpu;
    TdxGuest guest;
    String op = "boot";
    int calls;
    long opStart;
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
    private final GuestOperations guestOps = new GuestOperations(this);

    private CampaignRun(RunSpec spec, PlantedBug bug) {
        this.seed = spec.seed();
        this.rnd = new SplittableRandom(seed);
        this.adv = new Adversary(new FaultTape(spec.tape().bytes()));
        adv.recordText(spec.text());
        this.policy = rnd.nextBoolean() ? OriginPolicy.LINUX_MAINLINE : OriginPolicy.SEED_REVIEW;
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
        adv.setExitObserver(exit -> RunOracles.onExit(this, exit));
        td = SimulatedTd.boot(misconfigured ? SEPT_VE_ENABLED : PRODUCTION, SETTINGS,
                AdversarialVmm.factory(adv, CampaignQuotes.INSTANCE));
        cpu = td.vcpu();
        RunOracles.plantPrivateCanaries(this);
        GuestConfig config = GuestConfig.defaults(POOL_GPA, POOL_BYTES).withPolicy(policy)
                .withLog(bug.log((level, message) -> logLines.add(message))).withQuote(notify ? NOTIFIED : POLLING);
        if (!operation("boot", () -> {
            guest = TdxGuest.boot(new BoundedPlatform(this), guestOps::cpuid, config);
            return true;
        })) {
            RunOracles.finish(this);
            return;
        }
        int n = fixedOps != null ? fixedOps.length : 4 + rnd.nextInt(7);
        Op[] ops = Op.values();
        for (int i = 0; i < n; i++) {
            Op o = fixedOps != null ? fixedOps[i] : ops[rnd.nextInt(ops.length)];
            if (!operation(o.name(), () -> guestOps.perform(o))) {
                break;
            }
        }
        RunOracles.finish(this);
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
        long[] before = RunOracles.failureCounts(this);
        calls = 0;
        opStart = td.nanoTime();
        Outcome outcome;
        Origin origin = null;
        String site = null;
        boolean goOn = true;
        try {
            boolean clean = step.run();
            long[] after = RunOracles.failureCounts(this);
            origin = RunOracles.firstIncrease(before, after);
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
            origin = RunOracles.stopOrigin(s.reason());
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
        if (origin != null) {
            RunOracles.checkOrigin(this, outcome, origin, site);
        }
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
