package io.github.tdx4j.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.sim.adversary.FaultTape;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example, as written there. */
class ReadmeExampleTest {
    @Test
    @DisplayName("README example: one run from (seed, tape), a small campaign, a tape file replayed")
    void example(@TempDir Path dir) throws IOException {
        // One run: the seed picks the TD and the guest operations, the tape every host decision.
        RunResult one = CampaignRun.run(RunSpec.of(0x1234L, FaultTape.ofHex("0000000000000000a1")).withText());
        one.trace().forEach(System.out::println);           // MODULE_VP_INFO <- HONEST, exit ..., op ...
        System.out.println(one.operations() + " -> " + one.results());
        assertThat(one.violations()).isEmpty();             // every oracle held

        // A campaign: 1,000 runs on every core, every 16th replayed.
        CampaignReport report = new Campaign(1_000, 42, 0, 1, 16, dir).execute(done -> { });
        assertThat(report.passed()).isTrue();
        System.out.println(report.toJson());

        // A tape file replays the same run, byte for byte.
        Path file = new TapeFile(CampaignRun.MODEL_VERSION, one.seed(), one.tape(), null).write(dir.resolve("t.txt"));
        TapeFile back = TapeFile.read(file);
        assertThat(CampaignRun.run(RunSpec.of(back.seed(), back.tape())).traceHash()).isEqualTo(one.traceHash());
    }
}
