package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tdx4j demo --html}: one arrow per trace event, four lanes, the demo's steps as sections. */
class DemoHtmlTest {
    static int count(String page, String needle) {
        return page.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    @Test
    @DisplayName("--html: one arrow per recorded event (folded ones behind a disclosure), one section per step")
    void arrowsAndSections(@TempDir Path dir) throws Exception {
        DemoRun run = DemoRun.run();
        String page = DemoHtml.render(run);
        assertThat(count(page, "<g class=\"arrow\"")).isEqualTo(run.events.size()).isPositive();
        assertThat(count(page, "<section class=\"step\">")).isEqualTo(run.steps.size());
        assertThat(page).contains("more like this</summary>");
        Path html = dir.resolve("demo.html");
        assertThat(CliRun.of("demo", "--html", html.toString()).exitCode()).isZero();
        assertThat(count(Files.readString(html), "<g class=\"arrow\"")).isEqualTo(run.events.size());
    }

    @Test
    @DisplayName("Every diagram has the four lanes: guest, TDX module, VMM, quoting service")
    void lanes() {
        String page = DemoHtml.render(DemoRun.run());
        int diagrams = count(page, "<svg class=\"sequence\"");
        for (String lane : DemoHtml.LANES) {
            assertThat(count(page, "<text class=\"lane\"")).isEqualTo(diagrams * DemoHtml.LANES.size());
            assertThat(page).contains(">" + lane + "</text>");
        }
    }

    @Test
    @DisplayName("Failure colours: one per origin, none equal to the colour of success")
    void colours() {
        assertThat(java.util.Arrays.stream(io.github.tdx4j.call.Origin.values()).map(DemoHtml::colour).distinct())
                .hasSize(io.github.tdx4j.call.Origin.values().length).doesNotContain(DemoHtml.colour(null));
    }
}
