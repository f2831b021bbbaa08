package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.VeExitReason;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.policy.OriginPolicy;
import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.campaign.Outcome;
import io.github.tdx4j.trace.internal.ScrubbedRegisters;
import io.github.tdx4j.trace.internal.SequenceDiagram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tdx4j demo --html}: one arrow per trace event, four lanes, the demo's steps as sections. */
class DemoHtmlTest {
    private static DemoRun run;
    private static String page;

    @BeforeAll
    static void render() {
        run = DemoRun.run();
        page = DemoHtml.render(run);
    }

    static int count(String page, String needle) {
        return page.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    /** Every row the page draws: the honest steps' and, per policy, the hostile chapter's. */
    static List<DemoRun.Row> rows(DemoRun run) {
        List<DemoRun.Row> rows = new ArrayList<>();
        run.steps.forEach(s -> rows.addAll(s.timeline()));
        run.hostile.runs.forEach(r -> r.steps().forEach(s -> rows.addAll(s.timeline())));
        return rows;
    }

    /** How many registers of the drawn TDVMCALLs the call layer scrubbed. */
    static int scrubbed(DemoRun run) {
        return rows(run).stream().mapToInt(r -> r instanceof DemoRun.Entry e
                && e.event() instanceof TraceEvent.Tdvmcall v ? ScrubbedRegisters.of(v).size() : 0).sum();
    }

    @Test
    @DisplayName("--html: one arrow per recorded call or #VE (folded ones behind a disclosure), one dashed arrow per "
            + "interrupt, one section per honest step")
    void arrowsAndSections(@TempDir Path dir) throws Exception {
        long calls = rows(run).stream().filter(r -> r instanceof DemoRun.Entry).count();
        long interrupts = rows(run).stream().filter(r -> r instanceof DemoRun.Interrupt).count();
        assertThat(count(page, "<g class=\"arrow\"")).isEqualTo(calls).isGreaterThan(run.events.size());
        assertThat(count(page, "<g class=\"arrow interrupt\"")).isEqualTo(interrupts).isEqualTo(3);
        assertThat(count(page, "<section class=\"step\">")).isEqualTo(run.steps.size());
        assertThat(page).contains("more like this</summary>");
        Path html = dir.resolve("demo.html");
        assertThat(CliRun.of("demo", "--html", html.toString()).exitCode()).isZero();
        assertThat(count(Files.readString(html), "<g class=\"arrow\"")).isEqualTo(calls);
    }

    @Test
    @DisplayName("The honest demo's wake-up interrupt (vector 0x30, step 8) is drawn, though its text and JSON "
            + "traces list calls only")
    void honestInterrupt() {
        assertThat(run.interrupts).singleElement().extracting(DemoRun.Interrupt::vector)
                .isEqualTo(DemoRun.WAKE_VECTOR);
        assertThat(run.steps.get(7).title()).isEqualTo("Halt and wake");
        assertThat(run.steps.get(7).timeline()).contains(run.interrupts.getFirst());
        assertThat(page).contains("interrupt vector 0x30 (posted by the VMM)");
    }

    @Test
    @DisplayName("Each arrow links to its register table; every scrubbed register is one marked cell")
    void registerTables() {
        int arrows = count(page, "<g class=\"arrow");
        assertThat(count(page, "<table class=\"regs\"")).isEqualTo(arrows);
        assertThat(count(page, "<a href=\"#regs-")).isEqualTo(arrows);
        assertThat(count(page, "<td class=\"scrubbed\">")).isEqualTo(scrubbed(run)).isGreaterThanOrEqualTo(14);
    }

    @Test
    @DisplayName("Every diagram has the four lanes: guest, TDX module, VMM, quoting service")
    void lanes() {
        int diagrams = count(page, "<svg class=\"sequence\"");
        for (String lane : SequenceDiagram.LANES) {
            assertThat(count(page, "<text class=\"lane\"")).isEqualTo(diagrams * SequenceDiagram.LANES.size());
            assertThat(page).contains(">" + lane + "</text>");
        }
    }

    @Test
    @DisplayName("The hostile chapter: the presets' table, the side-by-side table with one row per step, a section "
            + "per step")
    void hostileChapter() {
        assertThat(page).contains("<section class=\"chapter\" id=\"hostile\">");
        assertThat(count(page, "<section class=\"hstep\">")).isEqualTo(HostileChapter.STEPS.size());
        assertThat(count(page, "<td class=\"verdict\""))
                .isEqualTo(HostileChapter.STEPS.size() * HostileChapter.POLICIES.size());
        assertThat(page).contains(">FATAL [TDX_MODULE]</td>").contains(">not run</td>");
    }

    @Test
    @DisplayName("Failure colours: one per origin, none equal to the colour of success or of an interrupt")
    void colours() {
        assertThat(java.util.Arrays.stream(Origin.values()).map(SequenceDiagram::colour).distinct())
                .hasSize(Origin.values().length).doesNotContain(SequenceDiagram.colour(null), SequenceDiagram.INTERRUPT_COLOUR);
    }

    /** A chapter whose every free text (results, log, failure, a #VE outcome) is hostile. */
    static HostileChapter hostileModel() {
        String h = VerifyHtmlTest.HOSTILE;
        List<HostileChapter.PolicyRun> runs = new ArrayList<>();
        for (OriginPolicy p : HostileChapter.POLICIES) {
            List<HostileChapter.StepRun> steps = new ArrayList<>();
            for (HostileChapter.StepSpec s : HostileChapter.STEPS) {
                List<DemoRun.Row> timeline = List.of(
                        new DemoRun.Entry(new TraceEvent.Ve(VeExitReason.CPUID, 0x1000, h, Origin.VMM), false, 0),
                        new DemoRun.Interrupt(0x80, 1));
                steps.add(new HostileChapter.StepRun(s.number(), Outcome.ERROR, Origin.VMM, h, List.of(h),
                        List.of(h), timeline));
            }
            runs.add(new HostileChapter.PolicyRun(p, steps, new long[3], 1, 0, 0, 0));
        }
        return HostileChapter.of(runs, List.of(new DemoRun.Check(h, true)));
    }

    /** The hostile chapter alone, as a page. */
    static String hostilePage() {
        return DemoHtml.chapterPage(hostileModel());
    }

    @Test
    @DisplayName("A chapter whose every free text is <script>/<img onerror> renders no tag of its own: only escaped text")
    void hostileStringsAreEscaped() {
        String p = hostilePage();
        assertThat(p).doesNotContain("<script").doesNotContain("<img")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
}
