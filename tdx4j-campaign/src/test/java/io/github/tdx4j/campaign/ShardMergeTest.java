package io.github.tdx4j.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.sim.adversary.FaultTape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ShardMerge}: the shards of a campaign, each written as JSON and read back, merge into exactly the report of
 * the unsharded campaign; inputs that are not the shards of one campaign are refused with one sentence.
 */
class ShardMergeTest {
    private static final long SEED = 0x5CA1_AB1EL;
    private static final long RUNS = 300;

    /**
     * Real runs, of which one seed in 8 gives another trace when run again: with every run replayed, those are
     * failing cases (replay mismatches, which are saved without shrinking), so that failing cases are merged too.
     */
    private static BiFunction<Long, FaultTape, RunResult> oneIn8Mismatches() {
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        return (seed, tape) -> {
            RunResult r = CampaignRun.run(RunSpec.of(seed, tape));
            return (seed & 7) != 0 || seen.add(seed) ? r : new RunResult(r.seed(), r.tape(), r.violations(),
                    r.outcomes(), r.traceHash() ^ 1, r.trace(), r.consulted(), r.injected(), r.logLines(),
                    r.operations(), r.results(), r.cellOutcomes());
        };
    }

    /** Real runs, with a planted violation in one run in 16. */
    private static final BiFunction<Long, FaultTape, RunResult> ONE_IN_16_FAILS = (seed, tape) -> {
        RunResult r = CampaignRun.run(RunSpec.of(seed, tape));
        return (seed & 15) != 0 ? r : new RunResult(r.seed(), r.tape(),
                List.of(new Violation(Oracle.LEAK, "PORT_IN", "planted: the VMM saw 0x5ec2e7c0ffee0080")),
                r.outcomes(), r.traceHash(), r.trace(), r.consulted(), r.injected(), r.logLines(), r.operations(),
                r.results(), r.cellOutcomes());
    };

    private static CampaignReport shard(int index, int count) {
        return new Campaign(RUNS, SEED, index, count, 1, null).execute(n -> { }, oneIn8Mismatches());
    }

    private static Map<String, Object> withoutTiming(Map<String, Object> json) {
        Map<String, Object> m = new LinkedHashMap<>(json);
        m.remove("elapsedSeconds");
        m.remove("runsPerSecond");
        return m;
    }

    private static List<ShardMerge.Input> readBack(CampaignReport... reports) {
        List<ShardMerge.Input> in = new ArrayList<>();
        for (CampaignReport r : reports) {
            in.add(new ShardMerge.Input("shard-" + r.campaign().shard() + ".json", CampaignReport.fromJson(r.toJson())));
        }
        return in;
    }

    @Test
    @DisplayName("A 4-way split, each shard's JSON read back and merged, equals the unsharded run of the same seed "
            + "and count: counters, outcomes, sites, cells and the 20 failing cases with the lowest run indexes")
    void fourWaySplitEqualsUnsharded() {
        CampaignReport whole = shard(0, 1);
        assertThat(whole.count(Oracle.REPLAY_MISMATCH)).as("planted failures")
                .isGreaterThan(Campaign.MAX_SAVED_FAILURES);
        List<ShardMerge.Input> shards = readBack(shard(2, 4), shard(0, 4), shard(3, 4), shard(1, 4));
        CampaignReport merged = ShardMerge.merge(shards);
        assertThat(withoutTiming(merged.toJson())).isEqualTo(withoutTiming(whole.toJson()));
        assertThat(merged.failures()).hasSize(Campaign.MAX_SAVED_FAILURES);
        long longest = shards.stream().mapToLong(s -> s.report().elapsedNanos()).max().orElseThrow();
        assertThat(merged.elapsedNanos()).as("the longest shard's time").isEqualTo(longest);
    }

    @Test
    @DisplayName("A report read back from its JSON writes the same JSON")
    void jsonRoundTrip() {
        CampaignReport r = new Campaign(100, SEED, 1, 3, 16, null).execute(n -> { }, ONE_IN_16_FAILS);
        assertThat(r.failures()).as("planted failures").isNotEmpty();
        assertThat(CampaignReport.fromJson(r.toJson()).toJson()).isEqualTo(r.toJson());
    }

    @Test
    @DisplayName("Shards of different campaigns, a shard twice, a missing shard and a shard with another run count "
            + "are refused with one sentence naming the inputs")
    void inconsistentInputsRefused() {
        CampaignReport s0 = new Campaign(40, SEED, 0, 2, 16, null).execute(n -> { });
        CampaignReport s1 = new Campaign(40, SEED, 1, 2, 16, null).execute(n -> { });
        CampaignReport otherSeed = new Campaign(40, SEED + 1, 1, 2, 16, null).execute(n -> { });
        CampaignReport otherRuns = new Campaign(42, SEED, 1, 2, 16, null).execute(n -> { });
        CampaignReport otherReplay = new Campaign(40, SEED, 1, 2, 1, null).execute(n -> { });
        assertThatThrownBy(() -> ShardMerge.merge(List.of(in("a", s0), in("b", otherSeed))))
                .isInstanceOf(ShardMerge.Refused.class)
                .hasMessage("a and b are not shards of one campaign: their seed differs (0x5ca1ab1e and 0x5ca1ab1f).");
        assertThatThrownBy(() -> ShardMerge.merge(List.of(in("a", s0), in("b", otherRuns))))
                .hasMessageContaining("campaign size (runs before sharding) differs (40 and 42)");
        assertThatThrownBy(() -> ShardMerge.merge(List.of(in("a", s0), in("b", otherReplay))))
                .hasMessageContaining("replay setting (--replay-every) differs (16 and 1)");
        assertThatThrownBy(() -> ShardMerge.merge(List.of(in("a", s0), in("b", s1), in("c", s1))))
                .hasMessage("b and c are both shard 1/2; each shard must be given once.");
        assertThatThrownBy(() -> ShardMerge.merge(List.of(in("b", s1))))
                .hasMessage("Shard 0 of 2 is missing; a merge needs every shard of the campaign.");
        CampaignReport truncated = CampaignReport.fromJson(withRuns(s1.toJson(), 19));
        assertThatThrownBy(() -> ShardMerge.merge(List.of(in("a", s0), in("b", truncated))))
                .hasMessage("b counts 19 runs, but shard 1/2 of a 40-run campaign has 20.");
        Map<String, Object> otherModel = new LinkedHashMap<>(s1.toJson());
        otherModel.put("modelVersion", CampaignRun.MODEL_VERSION + 1);
        assertThatThrownBy(() -> ShardMerge.merge(List.of(in("a", s0), in("b", CampaignReport.fromJson(otherModel)))))
                .hasMessageContaining("model version differs");
        assertThatThrownBy(() -> ShardMerge.merge(List.of())).hasMessage("There is no report to merge.");
        assertThat(ShardMerge.merge(List.of(in("b", s1), in("a", s0))).runs()).isEqualTo(40);
    }

    @Test
    @DisplayName("JSON that is not a campaign report is refused naming the first bad field")
    void malformedJsonRefused() {
        Map<String, Object> j = new LinkedHashMap<>(new Campaign(10, SEED, 0, 1, 16, null).execute(n -> { }).toJson());
        j.remove("runs");
        assertThatThrownBy(() -> CampaignReport.fromJson(j)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("it has no number field runs");
        j.put("runs", "ten");
        assertThatThrownBy(() -> CampaignReport.fromJson(j)).hasMessage("its field runs is not a whole number");
        j.put("runs", 10L);
        j.put("seed", "12");
        assertThatThrownBy(() -> CampaignReport.fromJson(j)).hasMessage("its field seed is not a 0x-hex 64-bit number");
    }

    private static ShardMerge.Input in(String source, CampaignReport r) {
        return new ShardMerge.Input(source, r);
    }

    private static Map<String, Object> withRuns(Map<String, Object> json, long runs) {
        Map<String, Object> m = new LinkedHashMap<>(json);
        m.put("runs", runs);
        return m;
    }
}
