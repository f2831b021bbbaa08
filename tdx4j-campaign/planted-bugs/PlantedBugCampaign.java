import io.github.tdx4j.campaign.Campaign;
import io.github.tdx4j.campaign.CampaignRun;
import io.github.tdx4j.campaign.Oracle;
import io.github.tdx4j.campaign.RunResult;
import io.github.tdx4j.campaign.RunSpec;
import io.github.tdx4j.campaign.Violation;
import io.github.tdx4j.sim.adversary.FaultTape;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The planted-bug harness's campaign: runs 0..runs−1 of campaign seed {@code seed}, exactly the runs
 * {@code tdx4j campaign --runs N --seed S} makes (same run seeds, same tapes, every oracle, the replay oracle every
 * 1000th run), one at a time on one core, without shrinking or saving tapes. It stops early once
 * {@code stopAfter} runs have failed: the campaign has flagged the bug by then. Prints
 * {@code RESULT flagged=yes|no oracles=NAME:runs,... runs=N firstFailingRun=I} and the first failure.
 */
public final class PlantedBugCampaign {
    private PlantedBugCampaign() {
    }

    public static void main(String[] args) {
        long runs = Long.parseLong(args[0]);
        long seed = Long.decode(args[1]);
        int stopAfter = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Map<Oracle, Long> counts = new EnumMap<>(Oracle.class);
        long failing = 0;
        long done = 0;
        long first = -1;
        String firstDetail = null;
        for (long i = 0; i < runs && failing < stopAfter; i++) {
            long s = Campaign.runSeed(seed, i);
            FaultTape tape = Campaign.randomTape(s);
            RunResult r = CampaignRun.run(RunSpec.of(s, tape));
            Set<Oracle> seen = EnumSet.noneOf(Oracle.class);
            for (Violation v : r.violations()) {
                seen.add(v.oracle());
            }
            if (i % 1000 == 0 || !r.passed()) {
                if (CampaignRun.run(RunSpec.of(s, tape)).traceHash() != r.traceHash()) {
                    seen.add(Oracle.REPLAY_MISMATCH);
                }
            }
            for (Oracle o : seen) {
                counts.merge(o, 1L, Long::sum);
            }
            done++;
            if (done % 1000 == 0) {
                System.out.println("PROGRESS " + done);
            }
            if (!seen.isEmpty()) {
                failing++;
                if (first < 0) {
                    first = i;
                    firstDetail = String.format("seed=0x%x tape=%s %s", s, tape, r.violations().isEmpty()
                            ? "replay mismatch" : r.violations().getFirst());
                }
            }
        }
        StringBuilder oracles = new StringBuilder();
        counts.forEach((o, c) -> oracles.append(oracles.isEmpty() ? "" : ",").append(o.name()).append(':').append(c));
        System.out.println("RESULT flagged=" + (failing > 0 ? "yes" : "no") + " oracles="
                + (oracles.isEmpty() ? "-" : oracles) + " runs=" + done + " firstFailingRun=" + first);
        if (firstDetail != null) {
            System.out.println("FIRST " + firstDetail);
        }
    }
}
