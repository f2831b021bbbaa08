package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.sim.adversary.FaultClass;
import io.github.tdx4j.sim.adversary.InputSite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                        : CampaignPage.CellState.NOT_ON_MENU, s == 0 && c == FaultClass.B ? 1 : 0));
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
        // 10x the runs changes only numbers: the size differs by digits, not by rows
        assertThat(Math.abs(Files.size(large) - Files.size(small))).isLessThan(400);
    }

    @Test
    @DisplayName("--html into a directory: exit 1 with one sentence")
    void unwritable(@TempDir Path dir) {
        CliRun r = CliRun.of("campaign", "--runs", "1", "--out", dir.toString(), "--html", dir.toString());
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err()).startsWith("tdx4j: cannot write ").endsWith(".\n");
    }
}
