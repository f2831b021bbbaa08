package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.call.policy.OriginPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's clauses for the demo's hostile chapter, each checked in all three outputs a reader may use: the text of
 * {@code tdx4j demo}, its {@code --json} (which must fit {@code schemas/demo.schema.json}, strict) and its
 * {@code --html} page. The clauses: a VMM error returned as a value and rate-limited in the log; a lying MapGPA
 * caught and blamed on the VMM; a bad CPUID value from the host refused; a TDX-module failure of the TDVMCALL
 * mechanism that stops the TD; the same faults under both presets side by side; the {@code [ORIGIN]} legend entry
 * appearing on failures.
 */
class HostileChapterClausesTest {
    @TempDir
    static Path dir;
    private static String text;
    private static JsonNode json;
    private static String page;

    @BeforeAll
    static void runDemo() throws Exception {
        Path html = dir.resolve("demo.html");
        CliRun t = CliRun.of("demo", "--html", html.toString());
        assertThat(t.exitCode()).as(t.err()).isZero();
        text = t.out();
        page = Files.readString(html);
        CliRun j = CliRun.of("demo", "--json");
        assertThat(j.exitCode()).as(j.err()).isZero();
        json = new ObjectMapper().readTree(j.out());
    }

    /** The text of step 13.{@code n}, from its heading to the next one. */
    private static String textStep(int n) {
        int from = text.indexOf("== 13." + n + " ");
        assertThat(from).as("step 13." + n + " in the text").isNotNegative();
        int to = text.indexOf("\n== 13", from + 1);
        return text.substring(from, to < 0 ? text.length() : to);
    }

    /** The text of one preset's block within a step's text. */
    private static String textRun(int n, String policy) {
        String s = textStep(n);
        int from = s.indexOf("   -- " + policy + ": ");
        assertThat(from).as(policy + " in step 13." + n).isNotNegative();
        int to = s.indexOf("   -- ", from + 1);
        return s.substring(from, to < 0 ? s.length() : to);
    }

    /** Step 13.{@code n} under the policy at {@code index} (0: LINUX_MAINLINE, 1: SEED_REVIEW) in the JSON. */
    private static JsonNode jsonRun(int n, int index) {
        return json.get("hostile").get("steps").get(n - 1).get("runs").get(index);
    }

    /** The page's section of step 13.{@code n}. */
    private static String pageStep(int n) {
        int from = page.indexOf("<section class=\"hstep\"><h3>13." + n + " ");
        assertThat(from).as("step 13." + n + " on the page").isNotNegative();
        return page.substring(from, page.indexOf("</section>", from));
    }

    private static List<String> strings(JsonNode array) {
        List<String> l = new ArrayList<>();
        array.forEach(e -> l.add(e.asText()));
        return l;
    }

    private static long count(String s, String needle) {
        return s.split(Pattern.quote(needle), -1).length - 1;
    }

    @Test
    @DisplayName("--json fits demo.schema.json (additionalProperties false everywhere), the hostile chapter included")
    void jsonFitsTheStrictSchema() {
        assertThat(JsonSchemasTest.errors("demo", json)).isEmpty();
        assertThat(json.has("hostile")).isTrue();
    }

    @Test
    @DisplayName("13.1 a VMM error is returned as a value (the TD goes on) and SEED_REVIEW rate-limits its log: "
            + "10 lines, \"10 callbacks suppressed\", 1 more; in text, JSON and HTML")
    void vmmErrorReturnedAndRateLimited() {
        String linux = textRun(1, "LINUX_MAINLINE");
        String seed = textRun(1, "SEED_REVIEW");
        assertThat(linux).startsWith("   -- LINUX_MAINLINE: ERROR [VMM]")
                .contains("each returned as a value; the TD goes on").contains("log: nothing");
        assertThat(seed).startsWith("   -- SEED_REVIEW: ERROR [VMM]")
                .contains("WARNING tdx.pio.out.vmm-error: 10 callbacks suppressed");
        assertThat(count(seed, "WARNING tdx4j: [VMM] tdx.pio.out.vmm-error:")).isEqualTo(11);

        for (int p = 0; p < 2; p++) {
            JsonNode r = jsonRun(1, p);
            assertThat(r.get("outcome").asText()).isEqualTo("ERROR");
            assertThat(r.get("origin").asText()).isEqualTo("VMM");
            long refused = 0;
            for (JsonNode e : r.get("events")) {
                if (e.get("leaf").asText().equals("Instruction.IO") && e.get("origin").asText().equals("VMM")) {
                    refused++;
                }
            }
            assertThat(refused).as("console bytes refused, each a TDVMCALL").isEqualTo(21);
        }
        assertThat(jsonRun(1, 0).get("log")).isEmpty();
        assertThat(strings(jsonRun(1, 1).get("log"))).hasSize(12)
                .contains("WARNING tdx.pio.out.vmm-error: 10 callbacks suppressed");

        String html = pageStep(1);
        assertThat(html).contains("WARNING tdx.pio.out.vmm-error: 10 callbacks suppressed")
                .contains("each returned as a value; the TD goes on").contains("log: nothing")
                .contains("more like this</summary>");
        assertThat(count(html, "<span class=\"verdict\"")).isEqualTo(2);
        assertThat(count(html, ">ERROR [VMM]</span>")).isEqualTo(2);
    }

    @Test
    @DisplayName("13.2 a MapGPA answered SUCCESS without converting is caught (the page is still accepted) and blamed "
            + "on the VMM under both presets; the page is quarantined; in text, JSON and HTML")
    void lyingMapGpaBlamedOnTheVmm() {
        for (String policy : HostileChapter.POLICIES.stream().map(OriginPolicy::name).toList()) {
            assertThat(textRun(2, policy)).startsWith("   -- " + policy + ": ERROR [VMM]")
                    .contains("✗ ").contains("tdx.unshare.not-converted")
                    .contains("quarantined pages: 1 (never handed out again)");
        }
        for (int p = 0; p < 2; p++) {
            JsonNode r = jsonRun(2, p);
            assertThat(r.get("outcome").asText()).isEqualTo("ERROR");
            assertThat(r.get("origin").asText()).isEqualTo("VMM");
            assertThat(r.get("failure").asText()).contains("[VMM]").contains("tdx.unshare.not-converted");
            assertThat(strings(r.get("results"))).contains("quarantined pages: 1 (never handed out again)");
            List<String> leaves = new ArrayList<>();
            r.get("events").forEach(e -> leaves.add(e.get("leaf").asText()));
            assertThat(leaves).contains("MapGPA", "TDG.MEM.PAGE.ACCEPT");
        }
        String html = pageStep(2);
        assertThat(count(html, ">ERROR [VMM]</span>")).isEqualTo(2);
        assertThat(html).contains("tdx.unshare.not-converted").contains("quarantined pages: 1");
    }

    @Test
    @DisplayName("13.3 a bad CPUID value from the host is refused: bits above 32 dropped, 7 garbage registers scrubbed, "
            + "an undefined R10 faults the instruction [VMM]; in text, JSON and HTML")
    void badCpuidRefused() {
        for (String policy : HostileChapter.POLICIES.stream().map(OriginPolicy::name).toList()) {
            String run = textRun(3, policy);
            assertThat(run).startsWith("   -- " + policy + ": ERROR [VMM]")
                    .contains("the CPUID instruction faulted").contains("[VMM] tdx.ve.cpuid.vmm-error");
            // the trace shows what the host wrote (bad0c0de above bit 31); the result line, what the guest kept
            String answer = run.lines().filter(l -> l.contains("lying answer")).findFirst().orElseThrow();
            assertThat(answer).contains("EAX=0xffffffff ").doesNotContain("bad0c0de");
            assertThat(run).contains("EAX=0xbad0c0deffffffff");
        }
        for (int p = 0; p < 2; p++) {
            JsonNode r = jsonRun(3, p);
            assertThat(r.get("origin").asText()).isEqualTo("VMM");
            assertThat(strings(r.get("results")).get(0)).contains("EAX=0xffffffff ").doesNotContain("bad0c0de");
            assertThat(r.get("events").get(2).get("scrubbed")).hasSize(7);
            boolean faulted = false;
            for (JsonNode e : r.get("events")) {
                faulted |= e.get("kind").asText().equals("VE") && e.get("leaf").asText().equals("CPUID")
                        && e.get("origin").asText().equals("VMM");
            }
            assertThat(faulted).as("a CPUID #VE whose outcome is a fault blamed on the VMM").isTrue();
        }
        String html = pageStep(3);
        assertThat(count(html, "<td class=\"scrubbed\">")).as("7 garbage registers, under each preset")
                .isGreaterThanOrEqualTo(2 * 7);
        assertThat(html).contains("the CPUID instruction faulted").contains("data-origin=\"VMM\"");
    }

    @Test
    @DisplayName("13.6 a TDX-module failure of the TDVMCALL mechanism (RAX != 0) stops the TD as fatal [TDX_MODULE] "
            + "(LINUX_MAINLINE; SEED_REVIEW had stopped in 13.5); in text, JSON and HTML")
    void tdvmcallMechanismFailureIsFatal() {
        assertThat(textRun(6, "LINUX_MAINLINE")).startsWith("   -- LINUX_MAINLINE: FATAL [TDX_MODULE]")
                .contains("TDVMCALL failed. TDX module bug?")
                .containsPattern("TDVMCALL +Instruction.IO .* -> TDX_OPERAND_INVALID.* +\\[TDX_MODULE\\]");
        assertThat(textRun(6, "SEED_REVIEW")).startsWith("   -- SEED_REVIEW: not run")
                .contains("not run: the TD stopped in 13.5");

        JsonNode linux = jsonRun(6, 0);
        assertThat(linux.get("outcome").asText()).isEqualTo("FATAL");
        assertThat(linux.get("origin").asText()).isEqualTo("TDX_MODULE");
        assertThat(linux.get("failure").asText()).contains("TDVMCALL failed. TDX module bug?");
        JsonNode last = linux.get("events").get(linux.get("events").size() - 1);
        assertThat(last.get("kind").asText()).isEqualTo("TDVMCALL");
        assertThat(last.get("origin").asText()).isEqualTo("TDX_MODULE");
        assertThat(last.get("status").asText()).startsWith("TDX_OPERAND_INVALID");
        assertThat(jsonRun(6, 1).get("outcome").isNull()).isTrue();
        assertThat(json.get("hostile").get("policies").get(0).get("stoppedIn").asText()).isEqualTo("13.6");

        String html = pageStep(6);
        assertThat(html).contains(">FATAL [TDX_MODULE]</span>").contains(">not run</span>")
                .contains("TDVMCALL failed. TDX module bug?").contains("data-origin=\"TDX_MODULE\"");
    }

    @Test
    @DisplayName("Both presets side by side on the same faults: one row per step with one verdict per preset, and the "
            + "presets disagree where their policies differ (13.1 logging, 13.5 fatal or not); in text, JSON and HTML")
    void bothPresetsSideBySide() {
        String side = text.substring(text.indexOf("== 13 Side by side =="));
        assertThat(side).containsPattern("step +LINUX_MAINLINE +SEED_REVIEW")
                .containsPattern("13.1 The host refuses console output +ERROR \\[VMM\\] +ERROR \\[VMM\\]")
                .containsPattern("13.2 MapGPA lies +ERROR \\[VMM\\] +ERROR \\[VMM\\]")
                .containsPattern("13.3 CPUID lies +ERROR \\[VMM\\] +ERROR \\[VMM\\]")
                .containsPattern("13.5 The TDX module fails a measurement +ERROR \\[TDX_MODULE\\] +FATAL \\[TDX_MODULE\\]")
                .containsPattern("13.6 The TDX module fails the TDVMCALL mechanism +FATAL \\[TDX_MODULE\\] +not run")
                .containsPattern("stopped in +13.6 +13.5");
        for (int n = 1; n <= HostileChapter.STEPS.size(); n++) {
            assertThat(textStep(n)).contains("   -- LINUX_MAINLINE: ", "   -- SEED_REVIEW: ");
        }

        JsonNode h = json.get("hostile");
        List<String> names = new ArrayList<>();
        h.get("policies").forEach(p -> names.add(p.get("name").asText()));
        assertThat(names).containsExactly("LINUX_MAINLINE", "SEED_REVIEW");
        for (JsonNode step : h.get("steps")) {
            List<String> policies = new ArrayList<>();
            step.get("runs").forEach(r -> policies.add(r.get("policy").asText()));
            assertThat(policies).as(step.get("label").asText()).containsExactly("LINUX_MAINLINE", "SEED_REVIEW");
        }
        assertThat(h.get("steps").get(0).get("runs").get(0).get("log")).isEmpty();
        assertThat(h.get("steps").get(0).get("runs").get(1).get("log")).isNotEmpty();
        assertThat(h.get("steps").get(4).get("runs").get(0).get("outcome").asText()).isEqualTo("ERROR");
        assertThat(h.get("steps").get(4).get("runs").get(1).get("outcome").asText()).isEqualTo("FATAL");

        int table = page.indexOf("<table class=\"side\">");
        String sideHtml = page.substring(table, page.indexOf("</table>", table));
        assertThat(sideHtml).contains("<th>LINUX_MAINLINE</th><th>SEED_REVIEW</th>");
        assertThat(count(sideHtml, "<td class=\"verdict\"")).isEqualTo(2L * HostileChapter.STEPS.size());
        assertThat(sideHtml).containsPattern("13.5 The TDX module fails a measurement</td><td class=\"verdict\" "
                + "style=\"[^\"]*\">ERROR \\[TDX_MODULE\\]</td><td class=\"verdict\" style=\"[^\"]*\">FATAL "
                + "\\[TDX_MODULE\\]</td>");
    }

    @Test
    @DisplayName("The [ORIGIN] legend entry appears: the text legend explains it and the chapter's trace lines end with "
            + "[VMM] and [TDX_MODULE]; the JSON events carry those origins; the page's key and arrow labels show them")
    void originLegendAppears() {
        assertThat(text).contains("  [ORIGIN]  whose fault a failure is: GUEST_BUG, TDX_MODULE or VMM");
        String chapter = text.substring(text.indexOf("=== 13."));
        assertThat(chapter).containsPattern("(?m)^ +(TDVMCALL|TDCALL|#VE) .* +\\[VMM\\]$")
                .containsPattern("(?m)^ +(TDVMCALL|TDCALL|#VE) .* +\\[TDX_MODULE\\]$");
        assertThat(text.substring(0, text.indexOf("=== 13."))).as("the honest demo fails nowhere")
                .doesNotContainPattern("(?m)\\[(VMM|TDX_MODULE|GUEST_BUG)\\]$");

        List<String> origins = new ArrayList<>();
        for (JsonNode step : json.get("hostile").get("steps")) {
            for (JsonNode run : step.get("runs")) {
                run.get("events").forEach(e -> origins.add(e.get("origin").asText()));
            }
        }
        assertThat(origins).contains("VMM", "TDX_MODULE");

        assertThat(page).contains("<p class=\"key\">failure origin ([ORIGIN] at the end of a failed call&#39;s label");
        String chapterHtml = page.substring(page.indexOf("<section class=\"chapter\" id=\"hostile\">"));
        assertThat(chapterHtml).contains(" [VMM]</text>").contains(" [TDX_MODULE]</text>");
    }
}
