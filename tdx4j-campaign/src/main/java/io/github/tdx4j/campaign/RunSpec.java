package io.github.tdx4j.campaign;

import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.InputSite;
import java.util.Objects;

/**
 * What one campaign run does: the seed and fault tape of a replayable run, and, for the matrix and oracle tests, the
 * operations to run instead of random ones, a decision forced at one input site, or the
 * misconfigured TD. Build it with {@link #of} and the withers. (A planted guest bug, for the tests that show an
 * oracle fires, is a separate argument of the run, not part of a replayable run.)
 *
 * @param seed          chooses the TD, the origin policy, the GetQuote mode and the operations
 * @param tape          every host-to-guest decision, read in order
 * @param text          whether to record the adversary's trace as text lines too
 * @param ops           the operations after boot; null for a random sequence chosen by the seed
 * @param forcedSite    the input site whose decisions are forced; null for none
 * @param forcedFault   the fault forced at {@code forcedSite}
 * @param forcedValue   the value that goes with {@code forcedFault}
 * @param forcedTimes   how many decisions at {@code forcedSite} are forced
 * @param misconfigured whether the TD is the misconfigured one (SEPT_VE_DISABLE clear) whatever the seed says
 */
public record RunSpec(long seed, FaultTape tape, boolean text, CampaignRun.Op[] ops, InputSite forcedSite,
                      Fault forcedFault, long forcedValue, int forcedTimes, boolean misconfigured) {
    public RunSpec {
        Objects.requireNonNull(tape, "tape");
        ops = ops == null ? null : ops.clone();
    }

    /** The replayable run (seed, tape): random operations, nothing forced, no text trace. */
    public static RunSpec of(long seed, FaultTape tape) {
        return new RunSpec(seed, tape, false, null, null, null, 0, 0, false);
    }

    /** This run, recording the trace as text lines too. */
    public RunSpec withText() {
        return new RunSpec(seed, tape, true, ops, forcedSite, forcedFault, forcedValue, forcedTimes,
                misconfigured);
    }

    /** This run with the operations {@code operations} after boot instead of random ones. */
    RunSpec withOps(CampaignRun.Op... operations) {
        return new RunSpec(seed, tape, text, operations, forcedSite, forcedFault, forcedValue, forcedTimes,
                misconfigured);
    }

    /** This run with the first {@code times} decisions at {@code site} forced to {@code fault} with {@code value}. */
    RunSpec forcing(InputSite site, Fault fault, long value, int times) {
        return new RunSpec(seed, tape, text, ops, site, fault, value, times, misconfigured);
    }

    /** This run on the misconfigured TD (SEPT_VE_DISABLE clear, not debug). */
    RunSpec onMisconfiguredTd() {
        return new RunSpec(seed, tape, text, ops, forcedSite, forcedFault, forcedValue, forcedTimes, true);
    }

    @Override
    public CampaignRun.Op[] ops() {
        return ops == null ? null : ops.clone();
    }
}
