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
 * per-site coverage (runs that consulted it, fault classes injected there), speed, and the failing cases.
 * Built by {@link Campaign}; mutable only while it merges run results.
 */
public final class CampaignReport {
    private long runs;
    private final Map<Oracle, Long> oracleRuns = new EnumMap<>(Oracle.class);
    private final long[] outcomes = new long[RunResult.OUTCOME_SLOTS];
    private final long[] siteRuns = new long[InputSite.values().length];
    private final long[] siteFaultMask = new long[InputSite.values().length];
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
        for (int i = 0; i < siteRuns.length; i++) {
            if (r.consulted()[i] > 0) {
                siteRuns[i]++;
            }
            siteFaultMask[i] |= r.injected()[i];
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
        Map<String, Object> out = new LinkedHashMap<>();
        for (Outcome oc : Outcome.values()) {
            if (oc == Outcome.HANDLED) {
                out.put("handled", outcomes(oc, null));
                continue;
            }
            Map<String, Long> byOrigin = new LinkedHashMap<>();
            for (Origin o : Origin.values()) {
                byOrigin.put(o.name(), outcomes(oc, o));
            }
            out.put(oc.name().toLowerCase(Locale.ROOT), byOrigin);
        }
        m.put("outcomes", out);
        m.put("inputSites", InputSite.values().length);
        Map<String, Object> sites = new LinkedHashMap<>();
        for (InputSite s : InputSite.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seam", s.seam().name());
            e.put("runs", siteRuns(s));
            e.put("classes", siteClasses(s).stream().map(Enum::name).toList());
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
}
