package io.github.tdx4j.campaign;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.FaultClass;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.InputSite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The totals of a campaign: runs, the count of runs breaking each {@link Oracle}, operation outcomes by origin,
 * per-site coverage (runs that consulted it, fault classes injected there), per input site x fault class cell the
 * runs, operation outcomes and oracle failures where that class was injected at that site, speed, and the failing
 * cases. Built by {@link Campaign}; mutable only while it merges run results.
 *
 * <p>Every count is a sum over runs (the fault-class sets are unions), so the report of a set of runs is the
 * element-wise sum of the reports of any split of it: that is how shards and threads are combined.
 */
public final class CampaignReport {
    private long runs;
    private final Map<Oracle, Long> oracleRuns = new EnumMap<>(Oracle.class);
    private final long[] outcomes = new long[RunResult.OUTCOME_SLOTS];
    private final long[] siteRuns = new long[InputSite.values().length];
    private final long[] siteFaultMask = new long[InputSite.values().length];
    /** Per {@link #cell}: runs that injected a fault of the class at the site. */
    private final long[] cellRuns = new long[CELLS];
    /** Per {@link #cell}: of those runs, the ones that broke at least one oracle (replay included). */
    private final long[] cellViolations = new long[CELLS];
    /** Per {@link #cell} x outcome slot: operations during which the class was injected at the site, by outcome. */
    private final long[] cellOutcomes = new long[CELLS * RunResult.OUTCOME_SLOTS];
    private final List<Failure> failures = new ArrayList<>();
    private long elapsedNanos;

    /**
     * One failing case.
     *
     * @param result   the run (with its seed and original tape)
     * @param shrunk   the shrunk tape
     * @param saved    where the replayable tape file was written, or null
     */
    public record Failure(RunResult result, FaultTape shrunk, Path saved) {
    }

    private static final int CLASSES = FaultClass.values().length;
    /** Input site x fault class cells. */
    static final int CELLS = InputSite.values().length * CLASSES;
    /** Per {@link Fault} ordinal, the ordinal of its class, or -1 for {@link Fault#HONEST}. */
    private static final int[] CLASS_OF_FAULT = new int[Fault.values().length];

    static {
        for (Fault f : Fault.values()) {
            CLASS_OF_FAULT[f.ordinal()] = f.faultClass() == null ? -1 : f.faultClass().ordinal();
        }
    }

    /** The index of the (site, fault class) cell in the per-cell counts. */
    static int cell(InputSite site, FaultClass faultClass) {
        return site.ordinal() * CLASSES + faultClass.ordinal();
    }

    CampaignReport() {
        for (Oracle o : Oracle.values()) {
            oracleRuns.put(o, 0L);
        }
    }

    synchronized void add(RunResult r, boolean replayMismatch) {
        runs++;
        Set<Oracle> seen = EnumSet.noneOf(Oracle.class);
        for (Violation v : r.violations()) {
            seen.add(v.oracle());
        }
        if (replayMismatch) {
            seen.add(Oracle.REPLAY_MISMATCH);
        }
        for (Oracle o : seen) {
            oracleRuns.merge(o, 1L, Long::sum);
        }
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] += r.outcomes()[i];
        }
        long violated = seen.isEmpty() ? 0 : 1;
        for (int i = 0; i < siteRuns.length; i++) {
            if (r.consulted()[i] > 0) {
                siteRuns[i]++;
            }
            long mask = r.injected()[i];
            siteFaultMask[i] |= mask;
            int classes = 0;
            for (long m = mask; m != 0; m &= m - 1) {
                int c = CLASS_OF_FAULT[Long.numberOfTrailingZeros(m)];
                if (c >= 0) {
                    classes |= 1 << c;
                }
            }
            for (int c = classes; c != 0; c &= c - 1) {
                int cell = i * CLASSES + Integer.numberOfTrailingZeros(c);
                cellRuns[cell]++;
                cellViolations[cell] += violated;
            }
        }
        for (int entry : r.cellOutcomes()) {
            cellOutcomes[entry]++;
        }
    }

    /** Adds every count of {@code other} to this report (and its failing cases after this one's). */
    synchronized void merge(CampaignReport other) {
        runs += other.runs;
        for (Oracle o : Oracle.values()) {
            oracleRuns.merge(o, other.oracleRuns.get(o), Long::sum);
        }
        add(outcomes, other.outcomes);
        add(siteRuns, other.siteRuns);
        for (int i = 0; i < siteFaultMask.length; i++) {
            siteFaultMask[i] |= other.siteFaultMask[i];
        }
        add(cellRuns, other.cellRuns);
        add(cellViolations, other.cellViolations);
        add(cellOutcomes, other.cellOutcomes);
        failures.addAll(other.failures);
    }

    private static void add(long[] into, long[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }

    synchronized void addFailure(Failure f) {
        failures.add(f);
    }

    void elapsed(long nanos) {
        this.elapsedNanos = nanos;
    }

    public long runs() {
        return runs;
    }

    /** Runs that broke {@code oracle}. */
    public long count(Oracle oracle) {
        return oracleRuns.get(oracle);
    }

    /** Whether every oracle count is 0. */
    public boolean passed() {
        return oracleRuns.values().stream().allMatch(c -> c == 0);
    }

    /** Operations that ended with {@code outcome} and {@code origin} (null origin for HANDLED). */
    public long outcomes(Outcome outcome, Origin origin) {
        return outcomes[RunResult.outcomeIndex(outcome, origin)];
    }

    /** Runs that consulted {@code site}. */
    public long siteRuns(InputSite site) {
        return siteRuns[site.ordinal()];
    }

    /** The fault classes injected at {@code site} over the campaign. */
    public Set<FaultClass> siteClasses(InputSite site) {
        Set<FaultClass> s = EnumSet.noneOf(FaultClass.class);
        for (Fault f : Fault.values()) {
            if ((siteFaultMask[site.ordinal()] & (1L << f.ordinal())) != 0 && f.faultClass() != null) {
                s.add(f.faultClass());
            }
        }
        return s;
    }

    /** Runs that injected a fault of class {@code faultClass} at {@code site}. */
    public long cellRuns(InputSite site, FaultClass faultClass) {
        return cellRuns[cell(site, faultClass)];
    }

    /** Of the runs that injected {@code faultClass} at {@code site}, those that broke at least one oracle. */
    public long cellViolations(InputSite site, FaultClass faultClass) {
        return cellViolations[cell(site, faultClass)];
    }

    /**
     * Operations during which a fault of class {@code faultClass} was injected at {@code site} that ended with
     * {@code outcome} and {@code origin} (null origin for HANDLED). Faults decided between two operations count
     * against the next one (the TD's boot against the guest's boot).
     */
    public long cellOutcomes(InputSite site, FaultClass faultClass, Outcome outcome, Origin origin) {
        return cellOutcomes[cell(site, faultClass) * RunResult.OUTCOME_SLOTS + RunResult.outcomeIndex(outcome, origin)];
    }

    public List<Failure> failures() {
        return Collections.unmodifiableList(failures);
    }

    public long elapsedNanos() {
        return elapsedNanos;
    }

    public double runsPerSecond() {
        return elapsedNanos == 0 ? 0 : runs * 1e9 / elapsedNanos;
    }

    /** The report as the JSON object of {@code tdx4j campaign --json}: plain maps, lists and numbers. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("modelVersion", CampaignRun.MODEL_VERSION);
        m.put("runs", runs);
        for (Oracle o : Oracle.values()) {
            m.put(o.jsonName(), oracleRuns.get(o));
        }
        m.put("outcomes", outcomesJson(outcomes, 0));
        m.put("inputSites", InputSite.values().length);
        Map<String, Object> sites = new LinkedHashMap<>();
        for (InputSite s : InputSite.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seam", s.seam().name());
            e.put("runs", siteRuns(s));
            e.put("classes", siteClasses(s).stream().map(Enum::name).toList());
            Map<String, Object> cells = new LinkedHashMap<>();
            for (FaultClass c : FaultClass.values()) {
                int cell = cell(s, c);
                if (s.classes().contains(c) || cellRuns[cell] != 0) {
                    Map<String, Object> ce = new LinkedHashMap<>();
                    ce.put("runs", cellRuns[cell]);
                    ce.putAll(outcomesJson(cellOutcomes, cell * RunResult.OUTCOME_SLOTS));
                    ce.put("oracleViolations", cellViolations[cell]);
                    cells.put(c.name(), ce);
                }
            }
            e.put("cells", cells);
            sites.put(s.name(), e);
        }
        m.put("sites", sites);
        m.put("elapsedSeconds", elapsedNanos / 1e9);
        m.put("runsPerSecond", Math.round(runsPerSecond()));
        List<Object> fails = new ArrayList<>();
        for (Failure f : failures) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seed", "0x" + Long.toHexString(f.result().seed()));
            e.put("oracle", f.result().firstOracle() == null ? Oracle.REPLAY_MISMATCH.name()
                    : f.result().firstOracle().name());
            e.put("detail", f.result().violations().isEmpty() ? "replay mismatch"
                    : f.result().violations().getFirst().toString());
            e.put("tape", f.shrunk().toString());
            e.put("file", f.saved() == null ? null : f.saved().toString());
            fails.add(e);
        }
        m.put("failures", fails);
        return m;
    }

    /** {@code handled}, {@code error} and {@code fatal} by origin, from the outcome slots at {@code from}. */
    private static Map<String, Object> outcomesJson(long[] slots, int from) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Outcome oc : Outcome.values()) {
            if (oc == Outcome.HANDLED) {
                out.put("handled", slots[from + RunResult.outcomeIndex(oc, null)]);
                continue;
            }
            Map<String, Long> byOrigin = new LinkedHashMap<>();
            for (Origin o : Origin.values()) {
                byOrigin.put(o.name(), slots[from + RunResult.outcomeIndex(oc, o)]);
            }
            out.put(oc.name().toLowerCase(Locale.ROOT), byOrigin);
        }
        return out;
    }
}
