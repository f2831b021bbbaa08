package io.github.tdx4j.cli;

import io.github.tdx4j.sim.adversary.FaultClass;

/** Draws a {@link CampaignPage}: a site x fault-class heat map in SVG, the totals, the oracles and the failing cases. */
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
            """;
    private static final String NOT_ON_MENU = "#eeeeee";
    private static final String NEVER_INJECTED = "#ffe08a";
    private static final String INJECTED = "#8fd18a";
    private static final String FAILING = "#e0645c";

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
        h.raw("<p class=\"key\">").raw("<span style=\"background:" + INJECTED + "\"></span>").text("injected")
                .raw("<span style=\"background:" + NEVER_INJECTED + "\"></span>").text("on the site's menu, never injected")
                .raw("<span style=\"background:" + NOT_ON_MENU + "\"></span>").text("not on the site's menu")
                .raw("<span style=\"background:" + FAILING + "\"></span>")
                .text("a saved failing case injects it (count shown)").raw("</p>");
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
                String fill = cell.failingCases() > 0 ? FAILING : switch (cell.state()) {
                    case INJECTED -> INJECTED;
                    case NEVER_INJECTED -> NEVER_INJECTED;
                    case NOT_ON_MENU -> NOT_ON_MENU;
                };
                String what = switch (cell.state()) {
                    case INJECTED -> "injected";
                    case NEVER_INJECTED -> "on the menu, never injected";
                    case NOT_ON_MENU -> "not on the menu";
                };
                h.open("rect").attr("class", "cell").attr("x", x).attr("y", y).attr("width", CELL_W - 2)
                        .attr("height", CELL_H - 2).attr("fill", fill).end()
                        .open("title").end().text(row.name() + " x " + cell.faultClass().name() + " ("
                                + cell.faultClass().title() + "): " + what
                                + (cell.failingCases() > 0 ? ", " + cell.failingCases() + " failing case(s)" : ""))
                        .close("title").close("rect");
                if (cell.failingCases() > 0) {
                    h.open("text").attr("x", x + CELL_W / 2 - 1).attr("y", y + 14).attr("text-anchor", "middle")
                            .end().text(cell.failingCases()).close("text");
                }
            }
            y += CELL_H;
        }
        h.raw("</svg>");

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
}
