package io.github.tdx4j.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.sim.adversary.FaultTape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which failing cases a campaign shrinks and saves does not depend on how its threads are scheduled. */
class CampaignFailuresTest {
    /** Runs honestly, then reports a planted violation for one seed in four. */
    private static final BiFunction<Long, FaultTape, RunResult> ONE_IN_FOUR_FAILS = (seed, tape) -> {
        RunResult r = CampaignRun.run(RunSpec.of(seed, tape));
        if ((seed & 3) != 0) {
            return r;
        }
        return new RunResult(r.seed(), r.tape(), List.of(new Violation(Oracle.CORRUPTION, "test", "planted")),
                r.outcomes(), r.traceHash(), r.trace(), r.consulted(), r.injected(), r.logLines(), r.operations(),
                r.results(), r.cellOutcomes());
    };

    @Test
    @DisplayName("A campaign with more failing runs than it saves keeps the lowest run indexes, in order, every time")
    void savedFailuresAreTheFirstByRunIndex() {
        Campaign c = new Campaign(400, 99, 0, 1, 1_000, null);
        List<Long> expected = new ArrayList<>();
        for (long i = 0; i < 400 && expected.size() < Campaign.MAX_SAVED_FAILURES; i++) {
            if ((Campaign.runSeed(99, i) & 3) == 0) {
                expected.add(Campaign.runSeed(99, i));
            }
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            CampaignReport report = c.execute(n -> { }, ONE_IN_FOUR_FAILS);
            assertThat(report.count(Oracle.CORRUPTION)).isGreaterThan(Campaign.MAX_SAVED_FAILURES);
            assertThat(report.failures()).extracting(f -> f.result().seed()).as("attempt %d", attempt)
                    .containsExactlyElementsOf(expected);
        }
    }
}
