package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.campaign.CampaignRun;
import io.github.tdx4j.campaign.TapeFile;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.InputSite;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                "wrongOrigin", "callerRegisters", "wrongReaction", "simulatorFilters", "replayMismatches"}) {
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
        assertThat(shard.err().strip()).startsWith("tdx4j campaign: --shard").doesNotContain("\n");
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
                "tdx4j campaign: --runs must be at least 1 (zero runs check nothing) and --replay-every at least 1.");
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

    private static JsonNode withoutTiming(String json) throws Exception {
        ObjectNode j = (ObjectNode) new ObjectMapper().readTree(json);
        j.remove("elapsedSeconds");
        j.remove("runsPerSecond");
        return j;
    }

    @Test
    @DisplayName("campaign merge of the four --shard i/4 --json reports prints exactly the unsharded campaign's "
            + "report (timing aside), and --out writes the same JSON")
    void mergeFourShardsEqualsUnsharded(@TempDir Path dir) throws Exception {
        Run whole = run("campaign", "--runs", "160", "--seed", "0xfeed", "--json", "--out", dir.toString());
        assertThat(whole.exit()).as(whole.err()).isZero();
        List<String> files = new ArrayList<>();
        for (int i = 3; i >= 0; i--) {
            Run shard = run("campaign", "--runs", "160", "--seed", "0xfeed", "--shard", i + "/4", "--json", "--quiet",
                    "--out", dir.toString());
            assertThat(shard.exit()).as(shard.err()).isZero();
            assertThat(shard.err()).as("--quiet: no progress").isEmpty();
            files.add(Files.writeString(dir.resolve("shard-" + i + ".json"), shard.out()).toString());
        }
        Path out = dir.resolve("merged.json");
        List<String> args = new ArrayList<>(List.of("campaign", "merge", "--json", "--out", out.toString()));
        args.addAll(files);
        Run merged = run(args.toArray(String[]::new));
        assertThat(merged.exit()).as(merged.err()).isZero();
        assertThat(withoutTiming(merged.out())).isEqualTo(withoutTiming(whole.out()));
        assertThat(withoutTiming(Files.readString(out))).isEqualTo(withoutTiming(whole.out()));
        Run table = run("campaign", "merge", files.get(0), files.get(1), files.get(2), files.get(3));
        assertThat(table.exit()).isZero();
        assertThat(table.out()).contains("160 runs").contains("shard 0/1").contains("all oracles hold");
    }

    @Test
    @DisplayName("campaign merge refuses a missing shard, a shard twice, shards of different seeds and a file that is "
            + "not a report: one sentence on stderr, exit 1")
    void mergeRefusesInconsistentInputs(@TempDir Path dir) throws Exception {
        Path[] shard = new Path[2];
        for (int i = 0; i < 2; i++) {
            shard[i] = Files.writeString(dir.resolve("s" + i + ".json"), run("campaign", "--runs", "20", "--shard",
                    i + "/2", "--json", "--quiet", "--out", dir.toString()).out());
        }
        Path otherSeed = Files.writeString(dir.resolve("seed.json"), run("campaign", "--runs", "20", "--seed", "7",
                "--shard", "1/2", "--json", "--quiet", "--out", dir.toString()).out());
        Path junk = Files.writeString(dir.resolve("junk.json"), "[1, 2]");
        Path notJson = Files.writeString(dir.resolve("log.txt"), "progress: 1/2\n");
        String s0 = CliPaths.show(shard[0]);
        String s1 = CliPaths.show(shard[1]);
        record Case(List<Path> files, String sentence) { }
        for (Case c : List.of(
                new Case(List.of(shard[1]), "tdx4j campaign merge: Shard 0 of 2 is missing; a merge needs every shard "
                        + "of the campaign."),
                new Case(List.of(shard[0], shard[1], shard[1]), "tdx4j campaign merge: " + s1 + " and " + s1
                        + " are both shard 1/2; each shard must be given once."),
                new Case(List.of(shard[0], otherSeed), "tdx4j campaign merge: " + s0 + " and "
                        + CliPaths.show(otherSeed) + " are not shards of one campaign: their seed differs "
                        + "(0x7d45ca4ba16e and 0x7)."),
                new Case(List.of(shard[0], junk), "tdx4j campaign merge: " + CliPaths.show(junk)
                        + " is not a tdx4j campaign --json report: it is not a JSON object."),
                new Case(List.of(notJson), "tdx4j campaign merge: " + CliPaths.show(notJson)
                        + " is not a tdx4j campaign --json report: it is not a JSON object."))) {
            List<String> args = new ArrayList<>(List.of("campaign", "merge"));
            c.files().forEach(f -> args.add(f.toString()));
            Run r = run(args.toArray(String[]::new));
            assertThat(r.exit()).as(c.sentence()).isEqualTo(Main.USAGE);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines().toList()).containsExactly(c.sentence());
        }
    }
}
