package io.github.tdx4j.sim.adversary;

import io.github.tdx4j.call.Origin;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The state one adversarial run shares between its two seams, the {@link AdversarialVmm} and the
 * {@link FaultyModule}: the tape both read from (one sequence, so a decision's position in it is its identity),
 * what was decided, and a trace of every decision and every TDVMCALL exit.
 *
 * <p>The trace is a 64-bit FNV-1a hash over every event (site, tape byte, value; exit registers in and out), so two
 * runs with the same (model version, seed, tape) must end with the same {@link #traceHash()}; with
 * {@link #recordText(boolean)} the events are also kept as text lines, for printing a replay. Also counts, per
 * site, how often it was consulted and which faults it injected, for the coverage table.
 *
 * <p>Faults that a correct guest must turn into a failure (an error returned, a fault, a fatal stop, or at least a
 * reported failure) are flagged with {@link #mustFail}: the "failure reported as success" oracle compares those
 * flags with what the guest operation returned. Not thread-safe: one per run.
 */
public final class Adversary {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final FaultTape tape;
    private final int[] consulted = new int[InputSite.values().length];
    private final Map<InputSite, Set<Fault>> injected = new EnumMap<>(InputSite.class);
    private final List<Decision> faults = new ArrayList<>();
    private long hash = FNV_OFFSET;
    private List<String> text;
    private int vmmFaults;
    private int moduleFaults;
    private ExitObserver observer = ExitObserver.NONE;
    private final List<Decision> mustFailDecisions = new ArrayList<>();
    private final Map<InputSite, Decision> forced = new EnumMap<>(InputSite.class);
    private final Map<InputSite, Integer> forcedTimes = new EnumMap<>(InputSite.class);

    public Adversary(FaultTape tape) {
        this.tape = Objects.requireNonNull(tape, "tape");
    }

    /** Sees the VMM's view of every TDVMCALL exit before the VMM acts on it (the leak oracle's input). */
    public void setExitObserver(ExitObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    ExitObserver observer() {
        return observer;
    }

    /** Whether to keep the trace as text lines too (replay printing); off by default, for speed. */
    public void recordText(boolean on) {
        text = on ? new ArrayList<>() : null;
    }

    /**
     * Makes every decision at {@code site} be {@code fault} with {@code value}, without reading the tape: a
     * targeted test of one site (the matrix tests). Other sites still read the tape.
     */
    public void force(InputSite site, Fault fault, long value) {
        force(site, fault, value, Integer.MAX_VALUE);
    }

    /** As {@link #force(InputSite, Fault, long)} for the first {@code times} decisions at {@code site} only. */
    public void force(InputSite site, Fault fault, long value, int times) {
        if (!site.menu().contains(fault) && fault != Fault.HONEST) {
            throw new IllegalArgumentException(fault + " is not on the menu of " + site);
        }
        if (times < 1) {
            throw new IllegalArgumentException("times must be >= 1: " + times);
        }
        forced.put(site, new Decision(site, fault, value));
        forcedTimes.put(site, times);
    }

    // The site's ordinal indexes the per-site counter and is mixed into the run's digest: replays and recorded
    // campaign results depend on that value, so it stays the ordinal.
    /** Reads the decision for {@code site} from the tape, records it and returns it. */
    @SuppressWarnings("EnumOrdinal")
    public Decision decide(InputSite site) {
        Decision pinned = forced.get(site);
        if (pinned != null && forcedTimes.merge(site, -1, Integer::sum) <= 0) {
            forced.remove(site);
        }
        int b = pinned != null ? -2 : tape.next();
        Fault f = pinned != null ? pinned.fault() : site.select(b);
        long v = pinned != null ? pinned.value() : f.needsValue() ? tape.nextLong() : 0;
        consulted[site.ordinal()]++;
        mix(site.ordinal());
        mix(b);
        mix(v);
        Decision d = new Decision(site, f, v);
        if (!d.honest()) {
            injected.computeIfAbsent(site, s -> EnumSet.noneOf(Fault.class)).add(f);
            faults.add(d);
            if (site.seam() == Origin.TDX_MODULE) {
                moduleFaults++;
            } else {
                vmmFaults++;
            }
        }
        if (text != null) {
            text.add(site + " <- " + f + (f.needsValue() ? " 0x" + Long.toHexString(v) : ""));
        }
        return d;
    }

    /** Marks that a fault just applied must make the current guest operation fail (or report a failure). */
    public void mustFail(Decision d, String why) {
        mustFailDecisions.add(d);
        mix(0x4D46L);
        if (text != null) {
            text.add("  must fail: " + d.site() + " " + d.fault() + ": " + why);
        }
    }

    /** Adds an event to the trace: a label and values. */
    public void trace(String label, long... values) {
        mix(label.hashCode());
        for (long v : values) {
            mix(v);
        }
        if (text != null) {
            StringBuilder sb = new StringBuilder(label);
            for (long v : values) {
                sb.append(" 0x").append(Long.toHexString(v));
            }
            text.add(sb.toString());
        }
    }

    private void mix(long v) {
        for (int i = 0; i < 8; i++) {
            hash ^= (v >>> (8 * i)) & 0xFF;
            hash *= FNV_PRIME;
        }
    }

    /** The decisions flagged by {@link #mustFail}, in order. */
    public List<Decision> mustFailDecisions() {
        return Collections.unmodifiableList(mustFailDecisions);
    }

    /** Non-honest decisions of the VMM seam so far. */
    public int vmmFaults() {
        return vmmFaults;
    }

    /** Non-honest decisions of the module seam so far. */
    public int moduleFaults() {
        return moduleFaults;
    }

    /** Every non-honest decision, in order. */
    public List<Decision> faults() {
        return Collections.unmodifiableList(faults);
    }

    /** How often {@code site} was consulted. */
    @SuppressWarnings("EnumOrdinal") // the per-site counter is indexed by ordinal, as in decide
    public int consulted(InputSite site) {
        return consulted[site.ordinal()];
    }

    /** The faults injected at {@code site}. */
    public Set<Fault> injected(InputSite site) {
        Set<Fault> s = injected.get(site);
        return s == null ? Set.of() : Collections.unmodifiableSet(s);
    }

    /** The FNV-1a hash of the trace so far. */
    public long traceHash() {
        return hash;
    }

    /** The trace as text lines (empty unless {@link #recordText(boolean)} was on from the start). */
    public List<String> traceText() {
        return text == null ? List.of() : Collections.unmodifiableList(text);
    }

    public FaultTape tape() {
        return tape;
    }
}
