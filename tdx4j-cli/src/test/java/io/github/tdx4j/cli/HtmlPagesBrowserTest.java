package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdx4j.SimulatedTdx;
import io.github.tdx4j.Tdx;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.trace.TraceRecorder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code --html} pages in a real browser (headless Chromium from Debian's {@code chromium} package): each loads
 * without a console message (a blocked network request or a script error would print one), has the expected
 * elements, and leaves a screenshot in {@code target/screenshots/} for people to look at. Skipped with one line
 * when Chromium is not installed ({@code .ci/run} installs it when apt can).
 */
@Timeout(180)
class HtmlPagesBrowserTest {
    static final Path SHOTS = Path.of("target", "screenshots");
    private static Optional<Chromium> chromium;

    @BeforeAll
    static void findChromium() throws Exception {
        chromium = Chromium.find();
        if (chromium.isEmpty()) {
            System.out.println("HtmlPagesBrowserTest: skipped, no chromium on PATH (Debian: apt-get install chromium)");
        }
        Files.createDirectories(SHOTS);
    }

    private static Chromium.Load load(String page, String name, int height) throws Exception {
        assumeTrue(chromium.isPresent(), "no chromium on PATH");
        Path file = SHOTS.resolve(name + ".html");
        Files.writeString(file, page, StandardCharsets.UTF_8);
        return chromium.get().load(file, SHOTS.resolve(name + ".png"), 1250, height);
    }

    @Test
    @DisplayName("verify page: no console message, verdict, 3 chain certificates, one bar per collateral window, time line")
    void verifyPage() throws Exception {
        Path html = Files.createTempFile("verify", ".html");
        CliRun r = CliRun.of("verify", TestVectors.DIR.resolve("dcap-qvl/tdx_quote").toString(), "--collateral",
                TestVectors.DIR.resolve("dcap-qvl/tdx_quote_collateral.json").toString(), "--at",
                "2025-07-01T00:00:00Z", "--html", html.toString());
        assertThat(r.exitCode()).isZero();
        Chromium.Load l = load(Files.readString(html), "verify", 1600);
        assertThat(l.console()).isEmpty();
        assertThat(l.dom()).contains("id=\"verdict\"").contains("verified, TCB status UpToDate");
        assertThat(l.count("<tr class=\"cert\">")).isEqualTo(3);
        assertThat(l.count("<rect class=\"window valid\"")).isEqualTo(8);
        assertThat(l.count("id=\"now\"")).isEqualTo(1);
        // the four windows that end on the axis (TCB info, QE identity, both CRLs) have their dates beside them
        assertThat(l.count("<text class=\"dates\"")).isEqualTo(4);
        assertThat(l.dom()).contains(">2025-06-19 .. 2025-07-19</text>");
        assertThat(l.count("<tr class=\"level")).isEqualTo(2);
    }

    @Test
    @DisplayName("verify page from a hostile model: no console message and no element made from input (no script, no img)")
    void hostileVerifyPage() throws Exception {
        Chromium.Load l = load(VerifyHtml.render(VerifyHtmlTest.hostileModel()), "verify-hostile", 900);
        assertThat(l.console()).isEmpty();
        assertThat(l.dom()).doesNotContain("<script").doesNotContain("<img")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    @DisplayName("campaign page: no console message, heat-map cells == input sites x fault classes")
    void campaignPage() throws Exception {
        Path dir = Files.createTempDirectory("campaign");
        Path html = dir.resolve("campaign.html");
        assertThat(CliRun.of("campaign", "--runs", "200", "--out", dir.toString(), "--html", html.toString())
                .exitCode()).isZero();
        Chromium.Load l = load(Files.readString(html), "campaign", 1500);
        assertThat(l.console()).isEmpty();
        assertThat(l.count("<rect class=\"cell\"")).isEqualTo(
                io.github.tdx4j.sim.adversary.InputSite.values().length
                        * io.github.tdx4j.sim.adversary.FaultClass.values().length);
        assertThat(l.count("<tr class=\"ok\">")).isEqualTo(io.github.tdx4j.campaign.Oracle.values().length);
        // one count table per cell on a site's menu, each linked from its cell
        long onMenu = java.util.Arrays.stream(io.github.tdx4j.sim.adversary.InputSite.values())
                .mapToLong(s -> s.classes().size()).sum();
        assertThat(l.count("<table class=\"cellinfo\"")).isEqualTo(onMenu);
        assertThat(l.count("<a href=\"#cell-")).isEqualTo(onMenu);
        assertThat(l.count("data-worst=\"HANDLED\"") + l.count("data-worst=\"ERROR\"")
                + l.count("data-worst=\"FATAL\"")).as("200 runs inject faults").isPositive();
    }

    @Test
    @DisplayName("campaign page from a hostile model with a failing case: no console message, no element made from input")
    void hostileCampaignPage() throws Exception {
        Chromium.Load l = load(CampaignHtml.render(CampaignHtmlTest.hostileModel()), "campaign-hostile", 900);
        assertThat(l.console()).isEmpty();
        assertThat(l.dom()).doesNotContain("<script").doesNotContain("<img");
        assertThat(l.count("<tr class=\"failure\">")).isEqualTo(1);
    }

    @Test
    @DisplayName("demo page: no console message, 4 lanes per diagram, call arrows == the trace's calls and #VEs, "
            + "interrupt arrows == its interrupts, scrubbed marks == the scrubbed registers of its TDVMCALLs")
    void demoPage() throws Exception {
        DemoRun run = DemoRun.run();
        Chromium.Load l = load(DemoHtml.render(run), "demo", 2400);
        assertThat(l.console()).isEmpty();
        int diagrams = l.count("<svg class=\"sequence\"");
        assertThat(diagrams).isPositive();
        assertThat(l.count("<text class=\"lane\"")).isEqualTo(diagrams * 4);
        List<DemoRun.Row> rows = DemoHtmlTest.rows(run);
        assertThat(l.count("<g class=\"arrow\"")).isEqualTo(rows.stream().filter(r -> r instanceof DemoRun.Entry)
                .count());
        assertThat(l.count("<g class=\"arrow interrupt\"")).isEqualTo(rows.stream()
                .filter(r -> r instanceof DemoRun.Interrupt).count());
        assertThat(l.count("<td class=\"scrubbed\">")).isEqualTo(DemoHtmlTest.scrubbed(run)).isPositive();
        assertThat(l.count("<section class=\"hstep\">")).isEqualTo(HostileChapter.STEPS.size());
        // the chapter alone, for a screenshot of what the top of the full page does not show
        String chapter = DemoHtml.chapterPage(run.hostile);
        assertThat(load(chapter, "demo-chapter", 2400).console()).isEmpty();
        // step 13.3's trace with the register table of the lying CPUID answer open, as after a click on its arrow
        HostileChapter.StepRun cpuid = run.hostile.runs.getFirst().steps().get(2);
        String regs = DemoHtml.tracePage("13.3 CPUID lies", cpuid.timeline(), run.hostile.runs.getFirst().sharedMask())
                .replace("</style>", "#regs-2{display:table}</style>");
        Chromium.Load opened = load(regs, "demo-registers", 900);
        assertThat(opened.console()).isEmpty();
        assertThat(opened.count("<td class=\"scrubbed\">")).isEqualTo(7);
    }

    @Test
    @DisplayName("demo chapter from a hostile model: no console message, no element made from input")
    void hostileDemoChapter() throws Exception {
        Chromium.Load l = load(DemoHtmlTest.hostilePage(), "demo-hostile", 900);
        assertThat(l.console()).isEmpty();
        assertThat(l.dom()).doesNotContain("<script").doesNotContain("<img")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    @DisplayName("campaign page of a 10^6-run report: no console message, heat-map cells == sites x classes, "
            + "under 150 KB")
    void millionRunCampaignPage() throws Exception {
        Path dir = Files.createTempDirectory("campaign");
        String page = CampaignHtml.render(CampaignPage.of(CampaignHtmlTest.millionRuns(dir), "seed 0x7, shard 0/1"));
        Chromium.Load l = load(page, "campaign-1e6", 1500);
        assertThat(l.console()).isEmpty();
        assertThat(l.count("<rect class=\"cell\"")).isEqualTo(
                io.github.tdx4j.sim.adversary.InputSite.values().length
                        * io.github.tdx4j.sim.adversary.FaultClass.values().length);
        assertThat(l.dom()).contains("1,000,000 runs");
        assertThat(page.getBytes(StandardCharsets.UTF_8).length).isLessThan(150_000);
    }

    @Test
    @DisplayName("library trace page (TraceRecorder on Tdx.simulated): no console message, 4 lanes per diagram, "
            + "call arrows == the recorded calls and #VEs, interrupt arrows == the recorded interrupts")
    void libraryTracePage() throws Exception {
        TraceRecorder trace = new TraceRecorder();
        SimulatedTdx td = Tdx.simulated(TdConfig.production(), SimSettings.strict(), trace);
        trace.section("Share a page with the host", "MapGPA to shared, then back to private and accepted again");
        var buffer = td.guest().sharedMemory().share(1);
        td.guest().sharedMemory().unshare(buffer);
        trace.section("Get a quote", "TDG.MR.REPORT, then GetQuote through the quoting service");
        td.quote(new byte[64]);
        Chromium.Load l = load(trace.page("tdx4j: a traced simulated TD", td.guest().info().sharedMask()),
                "library-trace", 1600);
        assertThat(l.console()).isEmpty();
        int diagrams = l.count("<svg class=\"sequence\"");
        assertThat(diagrams).isPositive();
        assertThat(l.count("<text class=\"lane\"")).isEqualTo(diagrams * 4);
        assertThat(l.count("<g class=\"arrow\"")).isEqualTo(trace.events().size());
        assertThat(l.count("<g class=\"arrow interrupt\"")).isEqualTo(trace.interrupts());
        assertThat(l.count("<section class=\"step\">")).isEqualTo(3);
    }
}
