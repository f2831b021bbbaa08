package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.campaign.CampaignRun;
import io.github.tdx4j.campaign.TapeFile;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.InputSite;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tdx4j campaign}: exit codes, the JSON counters a CI job reads, replay, and bad arguments. */
class CampaignCommandTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    @DisplayName("--json prints one object with every oracle counter at 0, the outcomes and the site count; exit 0")
    void json(@TempDir Path dir) throws Exception {
        Run r = run("campaign", "--runs", "300", "--seed", "0x1234", "--json", "--out", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("runs").asLong()).isEqualTo(300);
        for (String k : new String[] {"hangs", "failureAsSuccess", "leaks", "corruptions", "unboundedLogs",
                "wrongOrigin", "replayMismatches"}) {
            assertThat(j.get(k).isIntegralNumber()).as(k).isTrue();
            assertThat(j.get(k).asLong()).as(k).isZero();
        }
        assertThat(j.get("inputSites").asInt()).isEqualTo(InputSite.values().length);
        assertThat(j.get("outcomes").get("handled").asLong()).isPositive();
        assertThat(j.get("outcomes").get("error").get("VMM").asLong()).isPositive();
        assertThat(j.get("outcomes").get("fatal").has("TDX_MODULE")).isTrue();
        assertThat(j.get("runsPerSecond").asLong()).isPositive();
        // Per input site x fault class: every class on the site's menu has a cell, with runs and outcomes.
        JsonNode cells = j.get("sites").get("CPUID_STATUS").get("cells");
        assertThat(cells.fieldNames()).toIterable().containsExactly("B");
        assertThat(cells.get("B").get("runs").asLong()).isPositive();
        assertThat(cells.get("B").get("error").get("VMM").asLong()).isPositive();
        assertThat(cells.get("B").get("oracleViolations").asLong()).isZero();
    }

    @Test
    @DisplayName("--shard i/n runs every n-th run; the table names every oracle and every input site")
    void shardAndTable(@TempDir Path dir) {
        Run r = run("campaign", "--runs", "200", "--shard", "1/4", "--out", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("50 runs").contains("shard 1/4").contains("all oracles hold");
        for (InputSite s : InputSite.values()) {
            assertThat(r.out()).contains(s.name());
        }
    }

    @Test
    @DisplayName("--replay prints the trace of a tape file and exits 0 when every oracle holds")
    void replay(@TempDir Path dir) throws Exception {
        Path f = new TapeFile(CampaignRun.MODEL_VERSION, 99, FaultTape.ofHex("0000000011"), null)
                .write(dir.resolve("t.txt"));
        Run r = run("campaign", "--replay", f.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("replay of seed 0x63").contains("MODULE_VP_INFO <-").contains("every oracle holds");
    }

    @Test
    @DisplayName("Bad arguments: one sentence on stderr, exit 1")
    void badArguments(@TempDir Path dir) throws Exception {
        Run shard = run("campaign", "--shard", "4/4");
        assertThat(shard.exit()).isEqualTo(1);
        assertThat(shard.err().strip()).startsWith("tdx4j: --shard").doesNotContain("\n");
        Run seed = run("campaign", "--seed", "nope");
        assertThat(seed.exit()).isEqualTo(1);
        assertThat(seed.err()).contains("--seed");
        Path junk = Files.writeString(dir.resolve("junk.txt"), "hello\n");
        Run bad = run("campaign", "--replay", junk.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("not a tape file");
        Run missing = run("campaign", "--replay", dir.resolve("absent.txt").toString());
        assertThat(missing.exit()).isEqualTo(1);
    }

    @Test
    @DisplayName("--runs 0 is refused (zero runs check nothing): exit 1, no 'all oracles hold'")
    void zeroRunsRefused(@TempDir Path dir) {
        Run r = run("campaign", "--runs", "0", "--out", dir.toString());
        assertThat(r.exit()).isEqualTo(Main.USAGE);
        assertThat(r.out()).doesNotContain("all oracles hold");
        assertThat(r.err().lines().toList()).containsExactly(
                "tdx4j: --runs must be at least 1 (zero runs check nothing) and --replay-every at least 1.");
    }

    @Test
    @DisplayName("A shard that gets no run (--runs 2 --shard 3/4) is refused like --runs 0")
    void emptyShardRefused(@TempDir Path dir) {
        Run r = run("campaign", "--runs", "2", "--shard", "3/4", "--out", dir.toString());
        assertThat(r.exit()).isEqualTo(Main.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("has no run").contains("zero runs check nothing");
    }

    @Test
    @DisplayName("Not on a terminal, a long campaign prints progress lines to stderr (runs done, runs/s, ETA), "
            + "at most one per 10 s of clock time; stdout keeps only the result")
    void progressLinesWhenNotATerminal(@TempDir Path dir) throws Exception {
        long[] now = {0};
        // Every clock reading is 20 s later, so each progress report the campaign makes (every 1024 runs and at the
        // end) is past the 10 s bound and printed.
        CliEnvironment env = new CliEnvironment(RawArguments.NONE, false, () -> now[0] += 20_000_000_000L);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(env, new PrintWriter(out), new PrintWriter(err), "campaign", "--runs", "60", "--json",
                "--out", dir.toString());
        assertThat(exit).as(err.toString()).isZero();
        new ObjectMapper().readTree(out.toString()); // stdout is the JSON alone
        var lines = err.toString().lines().toList();
        assertThat(lines).last().asString().startsWith("progress: 60/60 runs (100.0%), ");
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l)
                .matches("progress: \\d+/60 runs \\(\\d+\\.\\d%\\), \\d+ runs/s, ETA \\S+"));
        long seconds = now[0] / 1_000_000_000L;
        assertThat(lines.size()).as("lines over %d s of clock time", seconds).isLessThanOrEqualTo((int) (seconds / 10));
    }

    @Test
    @DisplayName("--sites --json prints one JSON object with every input site, its seam, classes and description")
    void sitesJson() throws Exception {
        Run r = run("campaign", "--sites", "--json");
        assertThat(r.exit()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("inputSites").asInt()).isEqualTo(InputSite.values().length);
        for (InputSite s : InputSite.values()) {
            assertThat(j.get("sites").get(s.name()).get("seam").asText()).isEqualTo(s.seam().name());
            assertThat(j.get("sites").get(s.name()).get("description").asText()).isEqualTo(s.description());
        }
    }

    @Test
    @DisplayName("--replay TAPE --json prints one JSON object: seed, tape, trace, both trace hashes, passed")
    void replayJson(@TempDir Path dir) throws Exception {
        Path f = new TapeFile(CampaignRun.MODEL_VERSION, 99, FaultTape.ofHex("0000000011"), null)
                .write(dir.resolve("t.txt"));
        Run r = run("campaign", "--replay", f.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("seed").asText()).isEqualTo("0x63");
        assertThat(j.get("tape").asText()).isEqualTo("0000000011");
        assertThat(j.get("passed").asBoolean()).isTrue();
        assertThat(j.get("traceHash").asText()).isEqualTo(j.get("replayedTraceHash").asText());
        assertThat(j.get("trace").toString()).contains("MODULE_VP_INFO <-");
        assertThat(j.get("violations")).isEmpty();
    }
}
