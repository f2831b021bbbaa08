package io.github.tdx4j.campaign;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.sim.adversary.FaultTape;
import java.util.List;

/**
 * What one run produced: the oracle violations, the operation outcomes, the trace and the coverage.
 *
 * @param seed          the run's seed (chooses the TD, the policy and the operations)
 * @param tape          the fault tape
 * @param violations    every oracle that failed, in order
 * @param outcomes      operation outcomes, indexed {@link #outcomeIndex(Outcome, Origin)}
 * @param traceHash     the hash of every adversary decision, exit and operation outcome
 * @param trace         the trace as text (only when recorded)
 * @param consulted     per {@link io.github.tdx4j.sim.adversary.InputSite} ordinal, how often it was consulted
 * @param injected      per site ordinal, a bit mask of the {@link io.github.tdx4j.sim.adversary.Fault} ordinals
 *                      injected there
 * @param logLines      log lines written
 * @param operations    the operations run, in order (names)
 * @param results       the outcome of each operation, in order: {@code HANDLED}, {@code ERROR VMM}, {@code FATAL
 *                      TDX_MODULE}, … ({@code HANG} or {@code UNCLASSIFIED} when an oracle ended the run there)
 * @param cellOutcomes  for each operation, one entry per (input site, fault class) cell the adversary injected
 *                      during it: {@code CampaignReport.cell(site, class) * OUTCOME_SLOTS + outcomeIndex(outcome,
 *                      origin)} (operations that ended in a hang or an unclassified failure have no outcome)
 */
public record RunResult(long seed, FaultTape tape, List<Violation> violations, long[] outcomes, long traceHash,
                        List<String> trace, int[] consulted, long[] injected, long logLines,
                        List<String> operations, List<String> results, int[] cellOutcomes) {
    /** Outcomes are counted per (outcome, origin); HANDLED has no origin and uses slot 3. */
    public static final int OUTCOME_SLOTS = Outcome.values().length * 4;

    public static int outcomeIndex(Outcome outcome, Origin origin) {
        return outcome.ordinal() * 4 + (origin == null ? 3 : origin.ordinal());
    }

    public boolean passed() {
        return violations.isEmpty();
    }

    /** The first violated oracle, or null. */
    public Oracle firstOracle() {
        return violations.isEmpty() ? null : violations.getFirst().oracle();
    }
}
