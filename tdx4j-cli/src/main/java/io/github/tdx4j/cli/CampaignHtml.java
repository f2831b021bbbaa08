package io.github.tdx4j.cli;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.sim.adversary.FaultClass;
import io.github.tdx4j.trace.internal.Html;
import java.util.EnumMap;
import java.util.Map;

/**
 * Draws a {@link CampaignPage}: a site x fault-class heat map in SVG, each cell coloured by the worst outcome where
 * that class was injected at that site, its counts on hover and, on click, in a table below the map (shown by the
 * CSS {@code :target} rule, no script); then the totals, the oracles and the failing cases.
 */
final class CampaignHtml {
    private static final int LABEL_WIDTH = 300;
    private static final int CELL_W = 44;
    private static final int CELL_H = 20;
    private static final int HEAD_H = 30;
    private static final int RUNS_W = 90;

    private static final String CSS = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b;max-width:1300px}
            h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}
            table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
            td.n{text-align:right;font-variant-numeric:tabular-nums}td.v{font-family:ui-monospace,monospace;word-break:break-all}
            tr.bad td{background:#fbe4e4;font-weight:600}
            .verdict{padding:.8em 1em;border-radius:6px;font-size:1.1em}
            .ok{background:#e3f5e1;border:1px solid #3b8a34}.bad{background:#fbe4e4;border:1px solid #b3261e}
            svg text{font:12px system-ui,sans-serif}.key span{display:inline-block;width:14px;height:14px;
            border:1px solid #888;vertical-align:middle;margin:0 4px 0 12px}
            svg a{cursor:pointer}table.cellinfo{display:none;margin:.5em 0}table.cellinfo:target{display:table}
            table.cellinfo caption{text-align:left;font-weight:600;padding:.2em 0}
            p.classes span{display:inline-block;margin:0 1.2em .2em 0}p.classes b{margin-right:.3em}
            """;
    /** The colour of each {@link CampaignPage.Worst}, best to worst. */
    static final Map<CampaignPage.Worst, String> COLOURS = new EnumMap<>(Map.of(
            CampaignPage.Worst.NOT_ON_MENU, "#eeeeee",
            CampaignPage.Worst.NEVER_INJECTED, "#fff6cc",
            CampaignPage.Worst.HANDLED, "#8fd18a",
            CampaignPage.Worst.ERROR, "#f2c14e",
            CampaignPage.Worst.FATAL, "#e07b39",
            CampaignPage.Worst.ORACLE_VIOLATION, "#b3261e"));
    private static final Map<CampaignPage.Worst, String> KEY = new EnumMap<>(Map.of(
            CampaignPage.Worst.NOT_ON_MENU, "not on the site's menu",
            CampaignPage.Worst.NEVER_INJECTED, "on the menu, never injected (a coverage gap)",
            CampaignPage.Worst.HANDLED, "injected, every operation handled",
            CampaignPage.Worst.ERROR, "worst: an error returned",
            CampaignPage.Worst.FATAL, "worst: the TD stopped",
            CampaignPage.Worst.ORACLE_VIOLATION, "an oracle broke (count: saved failing cases)"));

    private CampaignHtml() {
    }

    static String render(CampaignPage p) {
        boolean passed = p.oracles().stream().allMatch(c -> c.count() == 0);
        Html h = Html.page("tdx4j campaign: " + p.title(), CSS);
        h.element("h1", "tdx4j campaign");
        h.open("div").attr("class", "verdict " + (passed ? "ok" : "bad")).attr("id", "verdict").end()
                .open("strong").end().text(passed ? "every oracle holds" : "ORACLES BROKEN").close("strong")
                .raw("<br>").text(p.title()).close("div");

        h.element("h2", "Input sites x fault classes");
        h.raw("<p class=\"key\">");
        for (CampaignPage.Worst w : CampaignPage.Worst.values()) {
            h.raw("<span style=\"background:" + COLOURS.get(w) + "\"></span>").text(KEY.get(w));
        }
        h.raw("</p>");
        h.element("p", "Hover a cell for the runs that injected that fault class at that site and how their "
                + "operations ended; click it for the table.");
        int cols = p.classes().size();
        int width = LABEL_WIDTH + RUNS_W + cols * CELL_W + 10;
        int height = HEAD_H + p.sites().size() * CELL_H + 10;
        h.open("svg").attr("id", "heatmap").attr("width", width).attr("height", height)
                .attr("viewBox", "0 0 " + width + " " + height).attr("role", "img").end();
        h.element("title", "Input sites (rows) by fault class (columns)");
        h.open("text").attr("x", LABEL_WIDTH + RUNS_W - 6).attr("y", HEAD_H - 10).attr("text-anchor", "end").end()
                .text("runs").close("text");
        for (int c = 0; c < cols; c++) {
            FaultClass fc = p.classes().get(c);
            h.open("text").attr("x", LABEL_WIDTH + RUNS_W + c * CELL_W + CELL_W / 2).attr("y", HEAD_H - 10)
                    .attr("text-anchor", "middle").end().text(fc.name())
                    .open("title").end().text(fc.name() + ": " + fc.title()).close("title").close("text");
        }
        int y = HEAD_H;
        for (CampaignPage.SiteRow row : p.sites()) {
            h.open("text").attr("x", 0).attr("y", y + 14).end().text(row.name())
                    .open("title").end().text(row.name() + " (" + row.seam() + "): " + row.description())
                    .close("title").close("text");
            h.open("text").attr("x", LABEL_WIDTH + RUNS_W - 6).attr("y", y + 14).attr("text-anchor", "end").end()
                    .text(row.runs()).close("text");
            for (int c = 0; c < cols; c++) {
                CampaignPage.Cell cell = row.cells().get(c);
                int x = LABEL_WIDTH + RUNS_W + c * CELL_W;
                CampaignPage.Worst worst = cell.worst();
                boolean linked = cell.state() != CampaignPage.CellState.NOT_ON_MENU;
                if (linked) {
                    h.open("a").attr("href", "#" + cellId(row, cell)).end();
                }
                h.open("rect").attr("class", "cell").attr("x", x).attr("y", y).attr("width", CELL_W - 2)
                        .attr("height", CELL_H - 2).attr("fill", COLOURS.get(worst))
                        .attr("data-worst", worst.name()).end()
                        .open("title").end().text(row.name() + " x " + cell.faultClass().name() + " ("
                                + cell.faultClass().title() + "): " + summary(cell))
                        .close("title").close("rect");
                if (cell.failingCases() > 0) {
                    h.open("text").attr("x", x + CELL_W / 2 - 1).attr("y", y + 14).attr("text-anchor", "middle")
                            .attr("fill", "#ffffff").end().text(cell.failingCases()).close("text");
                }
                if (linked) {
                    h.raw("</a>");
                }
            }
            y += CELL_H;
        }
        h.raw("</svg>");
        // The column letters are short so the map fits; what they stand for is written out once under it.
        h.raw("<p class=\"classes\" id=\"classes\">").text("fault classes: ");
        for (FaultClass fc : p.classes()) {
            h.raw("<span><b>").text(fc.name()).raw("</b> ").text(fc.title()).raw("</span>");
        }
        h.raw("</p>");
        for (CampaignPage.SiteRow row : p.sites()) {
            for (CampaignPage.Cell cell : row.cells()) {
                if (cell.state() != CampaignPage.CellState.NOT_ON_MENU) {
                    cellTable(h, row, cell);
                }
            }
        }

        h.element("h2", "Operation outcomes");
        h.open("table").attr("id", "outcomes").end().raw("<tr><th>outcome and origin</th><th>operations</th></tr>");
        for (CampaignPage.Count c : p.outcomes()) {
            h.raw("<tr>").element("td", c.label()).element("td", "n", c.count()).raw("</tr>");
        }
        h.raw("</table>");

        h.element("h2", "Oracles (runs breaking each)");
        h.open("table").attr("id", "oracles").end().raw("<tr><th>oracle</th><th>runs</th></tr>");
        for (CampaignPage.Count c : p.oracles()) {
            h.open("tr").attr("class", c.count() > 0 ? "bad" : "ok").end().element("td", c.label())
                    .element("td", "n", c.count()).raw("</tr>");
        }
        h.raw("</table>");

        h.element("h2", "Failing cases");
        if (p.failures().isEmpty()) {
            h.element("p", "None.");
        } else {
            h.open("table").attr("id", "failures").end()
                    .raw("<tr><th>seed</th><th>oracle</th><th>detail</th><th>shrunk tape</th><th>injects</th>"
                            + "<th>replay</th></tr>");
            for (CampaignPage.FailingCase f : p.failures()) {
                h.open("tr").attr("class", "failure").end().element("td", "v", f.seed()).element("td", f.oracle())
                        .element("td", f.detail()).element("td", "v", f.tape())
                        .element("td", String.join(" ", f.cells()))
                        .element("td", "v", f.replay().isEmpty() ? "(tape not saved)" : f.replay()).raw("</tr>");
            }
            h.raw("</table>");
        }
        return h.finish();
    }

    /** The id of a cell's table: {@code cell-SITE-CLASS}. */
    static String cellId(CampaignPage.SiteRow row, CampaignPage.Cell cell) {
        return "cell-" + row.name() + "-" + cell.faultClass().name();
    }

    /** {@code 12 runs; operations: handled 30, error VMM 4, fatal TDX_MODULE 1; oracle violations 0}. */
    static String summary(CampaignPage.Cell cell) {
        if (cell.state() == CampaignPage.CellState.NOT_ON_MENU) {
            return "not on the site's menu";
        }
        CampaignPage.CellCounts n = cell.counts();
        StringBuilder b = new StringBuilder().append(n.runs()).append(n.runs() == 1 ? " run" : " runs")
                .append(cell.state() == CampaignPage.CellState.NEVER_INJECTED ? " (never injected)" : "")
                .append("; operations: handled ").append(n.handled());
        for (Origin o : Origin.values()) {
            if (n.error().get(o.ordinal()) > 0) {
                b.append(", error ").append(o).append(' ').append(n.error().get(o.ordinal()));
            }
        }
        for (Origin o : Origin.values()) {
            if (n.fatal().get(o.ordinal()) > 0) {
                b.append(", fatal ").append(o).append(' ').append(n.fatal().get(o.ordinal()));
            }
        }
        b.append("; oracle violations ").append(n.oracleViolations());
        if (cell.failingCases() > 0) {
            b.append("; saved failing cases ").append(cell.failingCases());
        }
        return b.toString();
    }

    private static void cellTable(Html h, CampaignPage.SiteRow row, CampaignPage.Cell cell) {
        CampaignPage.CellCounts n = cell.counts();
        h.open("table").attr("class", "cellinfo").attr("id", cellId(row, cell)).end();
        h.element("caption", row.name() + " x " + cell.faultClass().name() + " (" + cell.faultClass().title() + ")");
        h.raw("<tr><th>runs that injected it</th>").element("td", "n", n.runs()).raw("</tr>");
        h.raw("<tr><th>operations handled</th>").element("td", "n", n.handled()).raw("</tr>");
        for (Origin o : Origin.values()) {
            h.raw("<tr>").element("th", "error " + o).element("td", "n", n.error().get(o.ordinal())).raw("</tr>");
        }
        for (Origin o : Origin.values()) {
            h.raw("<tr>").element("th", "fatal " + o).element("td", "n", n.fatal().get(o.ordinal())).raw("</tr>");
        }
        h.raw("<tr><th>runs breaking an oracle</th>").element("td", "n", n.oracleViolations()).raw("</tr>");
        h.raw("<tr><th>saved failing cases</th>").element("td", "n", cell.failingCases()).raw("</tr>");
        h.raw("</table>");
    }
}
