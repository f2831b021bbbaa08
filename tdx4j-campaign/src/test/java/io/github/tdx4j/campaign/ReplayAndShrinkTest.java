package io.github.tdx4j.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.campaign.CampaignRun.Op;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.InputSite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replay (T33), shrinking, tape files, the input-site registry's completeness, and the misconfigured TD (T04). */
class ReplayAndShrinkTest {
    @Test
    @DisplayName("T33: the same (version, seed, tape) gives a byte-identical trace; another tape another trace")
    void replayIsByteIdentical() {
        for (long i = 0; i < 200; i++) {
            long seed = Campaign.runSeed(42, i);
            FaultTape tape = Campaign.randomTape(seed);
            RunResult a = CampaignRun.run(RunSpec.of(seed, tape).withText());
            RunResult b = CampaignRun.run(RunSpec.of(seed, tape).withText());
            assertThat(b.trace()).as("seed 0x%x tape %s", seed, tape).isEqualTo(a.trace());
            assertThat(b.traceHash()).isEqualTo(a.traceHash());
            assertThat(b.results()).isEqualTo(a.results());
        }
        long seed = Campaign.runSeed(42, 7);
        RunResult honest = CampaignRun.run(RunSpec.of(seed, FaultTape.honest()));
        RunResult hostile = CampaignRun.run(RunSpec.of(seed, FaultTape.ofHex("ffffffffffffffffffffffffffffffff")));
        assertThat(hostile.traceHash()).isNotEqualTo(honest.traceHash());
    }

    @Test
    @DisplayName("A tape shrinks to the few decisions that still produce the failure, and replays from its file")
    void shrinkKeepsTheFailureAndDropsTheRest(@TempDir Path dir) throws IOException {
        // A run with many faults, and a "failure" the shrinker must keep: some operation ends in ERROR VMM.
        long seed = LongStream.range(0, 10_000).map(i -> Campaign.runSeed(7, i))
                .filter(s -> CampaignRun.run(RunSpec.of(s, noisy(s))
                        ).results().contains("ERROR VMM")).findFirst().orElseThrow();
        FaultTape tape = noisy(seed);
        FaultTape shrunk = Shrinker.shrink(tape,
                t -> CampaignRun.run(RunSpec.of(seed, new FaultTape(t))).results().contains("ERROR VMM"), 2_000);
        assertThat(CampaignRun.run(RunSpec.of(seed, shrunk)).results()).contains("ERROR VMM");
        long faults = countNonZero(shrunk.bytes());
        assertThat(faults).as("non-honest bytes left in %s (from %s)", shrunk, tape).isLessThanOrEqualTo(9)
                .isLessThan(countNonZero(tape.bytes()));
        Path file = new TapeFile(CampaignRun.MODEL_VERSION, seed, shrunk, Oracle.WRONG_ORIGIN)
                .write(dir.resolve("t.txt"));
        TapeFile back = TapeFile.read(file);
        assertThat(back).isEqualTo(new TapeFile(CampaignRun.MODEL_VERSION, seed, shrunk, Oracle.WRONG_ORIGIN));
        assertThat(Files.readString(file)).contains("tape=" + shrunk);
    }

    private static FaultTape noisy(long seed) {
        byte[] b = new byte[64];
        new SplittableRandom(seed).nextBytes(b);
        return new FaultTape(b);
    }

    private static long countNonZero(byte[] b) {
        long n = 0;
        for (byte x : b) {
            n += x != 0 ? 1 : 0;
        }
        return n;
    }

    @Test
    @DisplayName("Every registered input site is reached by honest runs: the list is the code's, not a wish list")
    void everyInputSiteIsReached() {
        Set<InputSite> reached = EnumSet.noneOf(InputSite.class);
        for (long i = 0; i < 3_000 && reached.size() < InputSite.values().length; i++) {
            RunResult r = CampaignRun.run(RunSpec.of(Campaign.runSeed(1, i), FaultTape.honest()));
            assertThat(r.violations()).isEmpty();
            for (InputSite s : InputSite.values()) {
                if (r.consulted()[s.ordinal()] > 0) {
                    reached.add(s);
                }
            }
        }
        Set<InputSite> missing = EnumSet.allOf(InputSite.class);
        missing.removeAll(reached);
        assertThat(missing).as("sites no honest run consults").isEmpty();
        assertThat(Arrays.stream(InputSite.values()).filter(s -> s.menu().stream().allMatch(f -> f.faultClass() == null))
                .collect(Collectors.toList())).as("sites with no fault on their menu").isEmpty();
    }

    @Test
    @DisplayName("T04: SEPT_VE_DISABLE clear in a non-debug TD: ReportFatalError, boot fatal, origin VMM")
    void misconfiguredTdStopsAtBoot() {
        RunResult r = CampaignRun.run(RunSpec.of(3, FaultTape.honest())
                .withText().withOps(Op.PORT_IN).onMisconfiguredTd());
        assertThat(r.violations()).isEmpty();
        assertThat(r.results()).containsExactly("FATAL " + Origin.VMM);
        assertThat(r.consulted()[InputSite.FATAL_ERROR_RESPONSE.ordinal()]).isEqualTo(1);
    }
}
