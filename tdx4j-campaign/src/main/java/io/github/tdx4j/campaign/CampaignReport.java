package io.github.tdx4j.campaign;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.FaultClass;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.InputSite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
    private final Campaign campaign;
    private final int modelVersion;
    private long runs;
    /** Per {@link Oracle} ordinal: runs that broke it. */
    private final long[] oracleRuns = new long[Oracle.values().length];
    private final long[] outcomes = new long[RunResult.OUTCOME_SLOTS];
    private final long[] siteRuns = new long[InputSite.values().length];
    /** Per site: a bit per {@link FaultClass} ordinal injected there. */
    private final int[] siteClassMask = new int[InputSite.values().length];
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
     * @param run      the run's index in the campaign (0..runs−1, before sharding)
     * @param result   the run (with its seed and original tape; read back from JSON: the shrunk tape and the first
     *                 violation only)
     * @param shrunk   the shrunk tape
     * @param saved    where the replayable tape file was written, or null
     */
    public record Failure(long run, RunResult result, FaultTape shrunk, Path saved) {
    }

    /** The detail of a failing case that broke only the replay oracle. */
    private static final String REPLAY_MISMATCH_DETAIL = "replay mismatch";
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

    /** An empty report of (a shard of) {@code campaign}. */
    CampaignReport(Campaign campaign) {
        this(campaign, CampaignRun.MODEL_VERSION);
    }

    CampaignReport(Campaign campaign, int modelVersion) {
        this.campaign = Objects.requireNonNull(campaign, "campaign");
        this.modelVersion = modelVersion;
    }

    /** Adds one run. Not thread-safe: each thread of a campaign fills its own report, merged at the end. */
    void add(RunResult r, boolean replayMismatch) {
        runs++;
        int broken = replayMismatch ? 1 << Oracle.REPLAY_MISMATCH.ordinal() : 0;
        for (Violation v : r.violations()) {
            broken |= 1 << v.oracle().ordinal();
        }
        for (int b = broken; b != 0; b &= b - 1) {
            oracleRuns[Integer.numberOfTrailingZeros(b)]++;
        }
        add(outcomes, r.outcomes());
        long violated = broken == 0 ? 0 : 1;
        for (int i = 0; i < siteRuns.length; i++) {
            if (r.consulted()[i] > 0) {
                siteRuns[i]++;
            }
            long mask = r.injected()[i];
            int classes = 0;
            for (long m = mask; m != 0; m &= m - 1) {
                int c = CLASS_OF_FAULT[Long.numberOfTrailingZeros(m)];
                if (c >= 0) {
                    classes |= 1 << c;
                }
            }
            siteClassMask[i] |= classes;
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

    /**
     * Adds every count of {@code other} to this report and its failing cases to this one's (not thread-safe).
     * Which campaign the report describes, its failing-case limit and its time are the caller's to settle.
     */
    void merge(CampaignReport other) {
        runs += other.runs;
        add(oracleRuns, other.oracleRuns);
        add(outcomes, other.outcomes);
        add(siteRuns, other.siteRuns);
        for (int i = 0; i < siteClassMask.length; i++) {
            siteClassMask[i] |= other.siteClassMask[i];
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

    void addFailure(Failure f) {
        failures.add(f);
    }

    /** Keeps the {@code max} failing cases with the lowest run indexes, in run order. */
    void keepFirstFailures(int max) {
        failures.sort(Comparator.comparingLong(Failure::run));
        if (failures.size() > max) {
            failures.subList(max, failures.size()).clear();
        }
    }

    void elapsed(long nanos) {
        this.elapsedNanos = nanos;
    }

    /** The campaign (or the shard of it) this report describes (its failure directory is null when read back). */
    public Campaign campaign() {
        return campaign;
    }

    /** The {@link CampaignRun#MODEL_VERSION} of the runs counted. */
    public int modelVersion() {
        return modelVersion;
    }

    public long runs() {
        return runs;
    }

    /** Runs that broke {@code oracle}. */
    public long count(Oracle oracle) {
        return oracleRuns[oracle.ordinal()];
    }

    /** Whether every oracle count is 0. */
    public boolean passed() {
        return Arrays.stream(oracleRuns).allMatch(c -> c == 0);
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
        for (FaultClass c : FaultClass.values()) {
            if ((siteClassMask[site.ordinal()] & (1 << c.ordinal())) != 0) {
                s.add(c);
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
        m.put("seed", "0x" + Long.toHexString(campaign.seed()));
        Map<String, Object> shard = new LinkedHashMap<>();
        shard.put("index", campaign.shard());
        shard.put("count", campaign.shards());
        m.put("shard", shard);
        m.put("campaignRuns", campaign.runs());
        m.put("replayEvery", campaign.replayEvery());
        m.put("modelVersion", modelVersion);
        m.put("runs", runs);
        for (Oracle o : Oracle.values()) {
            m.put(o.jsonName(), count(o));
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
            e.put("run", f.run());
            e.put("seed", "0x" + Long.toHexString(f.result().seed()));
            e.put("oracle", f.result().firstOracle() == null ? Oracle.REPLAY_MISMATCH.name()
                    : f.result().firstOracle().name());
            e.put("detail", f.result().violations().isEmpty() ? REPLAY_MISMATCH_DETAIL
                    : f.result().violations().getFirst().toString());
            e.put("tape", f.shrunk().toString());
            e.put("file", f.saved() == null ? null : f.saved().toString());
            fails.add(e);
        }
        m.put("failures", fails);
        return m;
    }

    /**
     * Reads back a report that {@link #toJson()} wrote (as a JSON library parses it: maps, lists, strings, numbers),
     * so that shard reports can be merged. A failing case keeps what the JSON has: its run index, seed, shrunk tape
     * (also as the run's tape), first violation and file.
     *
     * @throws IllegalArgumentException with a sentence fragment naming the first field that is missing, of the wrong
     *                                  type or not one this version writes ("it has no number field runs")
     */
    public static CampaignReport fromJson(Map<?, ?> json) {
        JsonFields j = new JsonFields(json, "");
        JsonFields shard = j.object("shard");
        long seed = hex(j, "seed");
        Campaign campaign;
        try {
            campaign = new Campaign(j.number("campaignRuns"), seed, Math.toIntExact(shard.number("index")),
                    Math.toIntExact(shard.number("count")), Math.toIntExact(j.number("replayEvery")), null);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("its campaign fields are inconsistent (" + e.getMessage() + ")", e);
        }
        CampaignReport r = new CampaignReport(campaign, Math.toIntExact(j.number("modelVersion")));
        r.runs = j.number("runs");
        for (Oracle o : Oracle.values()) {
            r.oracleRuns[o.ordinal()] = j.number(o.jsonName());
        }
        readOutcomes(j.object("outcomes"), r.outcomes, 0);
        JsonFields sites = j.object("sites");
        for (Object name : sites.json().keySet()) {
            if (Arrays.stream(InputSite.values()).noneMatch(s -> s.name().equals(name))) {
                throw new IllegalArgumentException("its input site " + name + " is not one of this version's");
            }
        }
        for (InputSite s : InputSite.values()) {
            JsonFields e = sites.object(s.name());
            r.siteRuns[s.ordinal()] = e.number("runs");
            for (int k = 0; k < e.list("classes").size(); k++) {
                r.siteClassMask[s.ordinal()] |= 1 << faultClass(e.list("classes").get(k), e.path() + "classes")
                        .ordinal();
            }
            JsonFields cells = e.object("cells");
            for (Object name : cells.json().keySet()) {
                FaultClass c = faultClass(name, cells.path());
                JsonFields ce = cells.object(c.name());
                int cell = cell(s, c);
                r.cellRuns[cell] = ce.number("runs");
                readOutcomes(ce, r.cellOutcomes, cell * RunResult.OUTCOME_SLOTS);
                r.cellViolations[cell] = ce.number("oracleViolations");
            }
        }
        r.elapsedNanos = Math.round(j.decimal("elapsedSeconds") * 1e9);
        for (int k = 0; k < j.list("failures").size(); k++) {
            r.failures.add(failure(j.element("failures", k)));
        }
        return r;
    }

    private static long hex(JsonFields j, String key) {
        String s = j.string(key);
        try {
            if (s.startsWith("0x")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("its field " + j.path() + key + " is not a 0x-hex 64-bit number");
    }

    private static FaultClass faultClass(Object name, String where) {
        for (FaultClass c : FaultClass.values()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("its " + where + " names " + name + ", which is not a fault class");
    }

    private static void readOutcomes(JsonFields j, long[] slots, int from) {
        slots[from + RunResult.outcomeIndex(Outcome.HANDLED, null)] = j.number("handled");
        for (Outcome oc : List.of(Outcome.ERROR, Outcome.FATAL)) {
            JsonFields byOrigin = j.object(oc.name().toLowerCase(Locale.ROOT));
            for (Origin o : Origin.values()) {
                slots[from + RunResult.outcomeIndex(oc, o)] = byOrigin.number(o.name());
            }
        }
    }

    /** A failing case as {@link #toJson()} wrote it; its detail is {@link Violation#toString()}. */
    private static Failure failure(JsonFields e) {
        long seed = hex(e, "seed");
        Oracle oracle;
        try {
            oracle = Oracle.valueOf(e.string("oracle"));
        } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException("its field " + e.path() + "oracle is not an oracle", x);
        }
        FaultTape shrunk;
        try {
            shrunk = FaultTape.ofHex(e.string("tape"));
        } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException("its field " + e.path() + "tape is not hex", x);
        }
        String detail = e.string("detail");
        List<Violation> violations;
        String prefix = oracle.name() + " during ";
        int colon = detail.indexOf(": ", prefix.length());
        if (oracle == Oracle.REPLAY_MISMATCH && detail.equals(REPLAY_MISMATCH_DETAIL)) {
            violations = List.of();
        } else if (detail.startsWith(prefix) && colon > 0) {
            violations = List.of(new Violation(oracle, detail.substring(prefix.length(), colon),
                    detail.substring(colon + 2)));
        } else {
            throw new IllegalArgumentException("its field " + e.path() + "detail is not \"" + prefix
                    + "OPERATION: DETAIL\"");
        }
        String file = e.stringOrNull("file");
        RunResult result = new RunResult(seed, shrunk, violations, new long[RunResult.OUTCOME_SLOTS], 0, List.of(),
                new int[InputSite.values().length], new long[InputSite.values().length], 0, List.of(), List.of(),
                new int[0]);
        Path saved = null;
        try {
            saved = file == null ? null : Path.of(file);
        } catch (java.nio.file.InvalidPathException x) {
            throw new IllegalArgumentException("its field " + e.path() + "file is not a path", x);
        }
        return new Failure(e.number("run"), result, shrunk, saved);
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
