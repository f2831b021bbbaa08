package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.campaign.CampaignReport;
import io.github.tdx4j.campaign.CampaignRun;
import io.github.tdx4j.campaign.Oracle;
import io.github.tdx4j.campaign.TapeFile;
import io.github.tdx4j.sim.adversary.FaultClass;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.InputSite;
import io.github.tdx4j.trace.internal.Html;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tdx4j campaign --html}: one cell per site and class, aggregates only, every value escaped. */
class CampaignHtmlTest {
    static final String HOSTILE = VerifyHtmlTest.HOSTILE;

    /** A page with one failing case whose every string is hostile, injecting class B at the first site. */
    static CampaignPage hostileModel() {
        List<CampaignPage.SiteRow> rows = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            List<CampaignPage.Cell> cells = new ArrayList<>();
            for (FaultClass c : FaultClass.values()) {
                cells.add(new CampaignPage.Cell(c, c == FaultClass.B ? CampaignPage.CellState.INJECTED
                        : CampaignPage.CellState.NOT_ON_MENU, s == 0 && c == FaultClass.B ? 1 : 0,
                        CampaignPage.CellCounts.NONE));
            }
            rows.add(new CampaignPage.SiteRow(HOSTILE, HOSTILE, HOSTILE, 7, cells));
        }
        return new CampaignPage(HOSTILE, List.of(FaultClass.values()), rows,
                List.of(new CampaignPage.Count(HOSTILE, 1)), List.of(new CampaignPage.Count("HANG", 1)),
                List.of(new CampaignPage.FailingCase(HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE, List.of(HOSTILE))));
    }

    @Test
    @DisplayName("A model whose every string is <script>/<img onerror> renders no tag of its own: only escaped text")
    void hostileModelIsEscaped() {
        String page = CampaignHtml.render(hostileModel());
        assertThat(page).doesNotContain("<script").doesNotContain("<img")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(page).contains("ORACLES BROKEN").contains("<tr class=\"failure\">");
    }

    private static CampaignPage.Cell cell(CampaignPage.CellState state, int failing, long handled, long errorVmm,
                                          long fatalModule, long violations) {
        List<Long> error = List.of(0L, 0L, errorVmm);
        List<Long> fatal = List.of(0L, fatalModule, 0L);
        return new CampaignPage.Cell(FaultClass.B, state, failing,
                new CampaignPage.CellCounts(handled + errorVmm + fatalModule, handled, error, fatal, violations));
    }

    @Test
    @DisplayName("A cell's colour is its worst outcome: oracle violation (or a saved failing case) > fatal > error > "
            + "handled > never injected > not on the menu")
    void worstOutcome() {
        var injected = CampaignPage.CellState.INJECTED;
        assertThat(cell(CampaignPage.CellState.NOT_ON_MENU, 0, 0, 0, 0, 0).worst())
                .isEqualTo(CampaignPage.Worst.NOT_ON_MENU);
        assertThat(cell(CampaignPage.CellState.NEVER_INJECTED, 0, 0, 0, 0, 0).worst())
                .isEqualTo(CampaignPage.Worst.NEVER_INJECTED);
        assertThat(cell(injected, 0, 5, 0, 0, 0).worst()).isEqualTo(CampaignPage.Worst.HANDLED);
        assertThat(cell(injected, 0, 5, 1, 0, 0).worst()).isEqualTo(CampaignPage.Worst.ERROR);
        assertThat(cell(injected, 0, 5, 1, 1, 0).worst()).isEqualTo(CampaignPage.Worst.FATAL);
        assertThat(cell(injected, 0, 5, 1, 1, 1).worst()).isEqualTo(CampaignPage.Worst.ORACLE_VIOLATION);
        assertThat(cell(injected, 1, 5, 0, 0, 0).worst()).isEqualTo(CampaignPage.Worst.ORACLE_VIOLATION);
        assertThat(CampaignHtml.COLOURS.values()).doesNotHaveDuplicates().hasSize(CampaignPage.Worst.values().length);
    }

    @Test
    @DisplayName("--html and --json of one campaign: every cell's table shows the runs, outcomes by origin and oracle "
            + "violations that campaign --json reports for that site and class")
    void cellCountsMatchTheJson(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("c.html");
        CliRun r = CliRun.of("campaign", "--runs", "60", "--seed", "7", "--json", "--out", dir.toString(), "--html",
                html.toString());
        assertThat(r.exitCode()).isZero();
        JsonNode sites = new ObjectMapper().readTree(r.out()).get("sites");
        String page = Files.readString(html);
        int tables = 0;
        long injectedRuns = 0;
        for (InputSite site : InputSite.values()) {
            JsonNode cells = sites.get(site.name()).get("cells");
            for (FaultClass c : FaultClass.values()) {
                JsonNode j = cells.get(c.name());
                String id = "<table class=\"cellinfo\" id=\"cell-" + site.name() + "-" + c.name() + "\">";
                if (j == null) {
                    assertThat(page).doesNotContain(id);
                    continue;
                }
                tables++;
                injectedRuns += j.get("runs").asLong();
                int at = page.indexOf(id);
                assertThat(at).as(id).isNotNegative();
                String t = page.substring(at, page.indexOf("</table>", at));
                assertThat(t).contains("<th>runs that injected it</th><td class=\"n\">" + j.get("runs").asLong() + "<")
                        .contains("<th>operations handled</th><td class=\"n\">" + j.get("handled").asLong() + "<")
                        .contains("<th>runs breaking an oracle</th><td class=\"n\">"
                                + j.get("oracleViolations").asLong() + "<");
                for (String kind : List.of("error", "fatal")) {
                    j.get(kind).properties().forEach(e -> assertThat(t).contains("<th>" + kind + " "
                            + e.getKey() + "</th><td class=\"n\">" + e.getValue().asLong() + "<"));
                }
            }
        }
        assertThat(tables).isEqualTo(DemoHtmlTest.count(page, "<table class=\"cellinfo\""));
        assertThat(injectedRuns).as("a 60-run campaign injects somewhere").isPositive();
    }

    @Test
    @DisplayName("--html: one heat-map cell per input site x fault class, and the page does not grow with --runs")
    void cellsAndSize(@TempDir Path dir) throws Exception {
        Path small = dir.resolve("small.html");
        Path large = dir.resolve("large.html");
        assertThat(CliRun.of("campaign", "--runs", "20", "--out", dir.toString(), "--html", small.toString())
                .exitCode()).isZero();
        assertThat(CliRun.of("campaign", "--runs", "200", "--out", dir.toString(), "--html", large.toString())
                .exitCode()).isZero();
        String page = Files.readString(large);
        int cells = page.split("<rect class=\"cell\"", -1).length - 1;
        assertThat(cells).isEqualTo(InputSite.values().length * FaultClass.values().length);
        assertThat(page).contains("every oracle holds").contains("200 runs");
        // every column letter is written out under the map
        for (FaultClass c : FaultClass.values()) {
            assertThat(page).contains("<span><b>" + c.name() + "</b> " + Html.esc(c.title()) + "</span>");
        }
        // 10x the runs changes only numbers: the same elements, the size differs by digits (about one more per count)
        String smallPage = Files.readString(small);
        assertThat(DemoHtmlTest.count(page, "<table class=\"cellinfo\""))
                .isEqualTo(DemoHtmlTest.count(smallPage, "<table class=\"cellinfo\""));
        assertThat(DemoHtmlTest.count(page, "<tr")).isEqualTo(DemoHtmlTest.count(smallPage, "<tr"));
        assertThat(Math.abs(Files.size(large) - Files.size(small))).isLessThan(6000);
    }

    @Test
    @DisplayName("--html into a directory: exit 1 with one sentence")
    void unwritable(@TempDir Path dir) {
        CliRun r = CliRun.of("campaign", "--runs", "1", "--out", dir.toString(), "--html", dir.toString());
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err()).startsWith("tdx4j campaign: cannot write ").endsWith(".\n");
    }

    /** Keys of campaign --json whose numbers are not counts of runs or operations, so do not grow with --runs. */
    private static final Set<String> NOT_COUNTS = Set.of("index", "count", "replayEvery", "modelVersion",
            "inputSites", "elapsedSeconds", "runsPerSecond", "run");

    /** {@code json} with every count of runs and operations multiplied by {@code factor}. */
    @SuppressWarnings("unchecked")
    private static Object scale(Object json, String key, long factor) {
        if (json instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put((String) k, scale(v, (String) k, factor)));
            return out;
        }
        if (json instanceof List<?> l) {
            return l.stream().map(v -> scale(v, key, factor)).toList();
        }
        if (json instanceof Number n && !(json instanceof Double) && !NOT_COUNTS.contains(key)) {
            return n.longValue() * factor;
        }
        return json;
    }

    /**
     * A report with the counts of a 10^6-run campaign: a real 200-run report (seed 7) with every count of runs and
     * operations multiplied by 5000. The page holds aggregates only, so this is the page a 10^6-run campaign gives
     * but for which cells are coloured; tdx4j-bench/campaign-page.sh measures the page of a real one.
     */
    @SuppressWarnings("unchecked")
    static CampaignReport millionRuns(Path dir) throws Exception {
        CliRun r = CliRun.of("campaign", "--runs", "200", "--seed", "7", "--json", "--quiet", "--out", dir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Map<String, Object> json = new ObjectMapper().readValue(r.out(), Map.class);
        CampaignReport report = CampaignReport.fromJson((Map<String, Object>) scale(json, "", 5000));
        assertThat(report.runs()).isEqualTo(1_000_000);
        return report;
    }

    @Test
    @DisplayName("A 10^6-run report's page: every heat-map cell, under 150 KB (aggregates only, no per-run data)")
    void millionRunPage(@TempDir Path dir) throws Exception {
        String page = CampaignHtml.render(CampaignPage.of(millionRuns(dir), "seed 0x7, shard 0/1"));
        assertThat(DemoHtmlTest.count(page, "<rect class=\"cell\"")).isEqualTo(
                InputSite.values().length * FaultClass.values().length);
        assertThat(page).contains("1,000,000 runs");
        assertThat(page.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(150_000);
    }

    @Test
    @DisplayName("Each saved failing case shows its seed, oracle, shrunk tape and a replay command that replays "
            + "exactly that tape")
    @SuppressWarnings("unchecked")
    void failingCaseWithItsReplayCommand(@TempDir Path dir) throws Exception {
        FaultTape shrunk = FaultTape.ofHex("0000000011");
        Path saved = new TapeFile(CampaignRun.MODEL_VERSION, 0x5eed, shrunk, Oracle.WRONG_ORIGIN)
                .write(dir.resolve("wrong-origin-5eed.tape"));
        CliRun r = CliRun.of("campaign", "--runs", "20", "--json", "--quiet", "--out", dir.toString());
        Map<String, Object> json = new ObjectMapper().readValue(r.out(), Map.class);
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("run", 3);
        failure.put("seed", "0x5eed");
        failure.put("oracle", "WRONG_ORIGIN");
        failure.put("detail", "WRONG_ORIGIN during mapGpa: <b>blamed</b> on GUEST_BUG");
        failure.put("tape", shrunk.toString());
        failure.put("file", saved.toString());
        json.put("failures", List.of(failure));
        json.put("wrongOrigin", 1);
        String page = CampaignHtml.render(CampaignPage.of(CampaignReport.fromJson(json), "test"));

        int row = page.indexOf("<tr class=\"failure\">");
        assertThat(row).isNotNegative();
        String cells = page.substring(row, page.indexOf("</tr>", row));
        String command = "tdx4j campaign --replay " + saved;
        assertThat(cells).contains("<td class=\"v\">0x5eed</td>", "<td>WRONG_ORIGIN</td>",
                "<td class=\"v\">" + shrunk + "</td>", "<td class=\"v\">" + command + "</td>")
                .contains("&lt;b&gt;blamed&lt;/b&gt;");
        assertThat(page).contains("ORACLES BROKEN");
        // the command, run as printed, replays the tape saved for this case
        CliRun replay = CliRun.of(command.substring("tdx4j ".length()).split(" "));
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).startsWith("replay of seed 0x5eed tape " + shrunk + " ");
    }

    @Test
    @DisplayName("campaign merge --html: the page of a campaign run in shards, with the merged counts")
    void mergedShardsPage(@TempDir Path dir) throws Exception {
        List<String> shards = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CliRun shard = CliRun.of("campaign", "--runs", "40", "--seed", "7", "--shard", i + "/2", "--json",
                    "--quiet", "--out", dir.toString());
            Path f = dir.resolve("shard-" + i + ".json");
            Files.writeString(f, shard.out());
            shards.add(f.toString());
        }
        Path merged = dir.resolve("merged.html");
        Path whole = dir.resolve("whole.html");
        List<String> args = new ArrayList<>(List.of("campaign", "merge"));
        args.addAll(shards);
        args.addAll(List.of("--html", merged.toString()));
        assertThat(CliRun.of(args.toArray(String[]::new)).exitCode()).isZero();
        assertThat(CliRun.of("campaign", "--runs", "40", "--seed", "7", "--quiet", "--out", dir.toString(), "--html",
                whole.toString()).exitCode()).isZero();
        String page = Files.readString(merged);
        assertThat(page).contains("seed 0x7, merged from 2 shards, 40 runs");
        // the same cells, counts and oracles as the unsharded campaign's page
        String cells = page.substring(page.indexOf("<svg id=\"heatmap\""), page.indexOf("<h2>Failing cases"));
        String wholePage = Files.readString(whole);
        assertThat(cells).isEqualTo(wholePage.substring(wholePage.indexOf("<svg id=\"heatmap\""),
                wholePage.indexOf("<h2>Failing cases")));
    }
}
