package io.github.tdx4j.cli;

import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.trace.TraceEvent;
import java.util.List;

/**
 * Draws a {@link DemoRun} as a self-contained page: per demo step a sequence diagram in SVG with four lanes (guest,
 * TDX module, VMM, quoting service) and one arrow per TDCALL, TDVMCALL and #VE, labelled with the decoded leaf,
 * status and origin; failures coloured by origin; the registers in and out on hover. Runs of alike groups are folded
 * as in the text trace: the first group is drawn, the rest are behind a "N more like this" disclosure.
 */
final class DemoHtml {
    /** The lanes, left to right. */
    static final List<String> LANES = List.of("guest", "TDX module", "VMM", "quoting service");
    private static final int GUEST = 0;
    private static final int MODULE = 1;
    private static final int VMM = 2;
    private static final int QUOTING = 3;
    private static final int LANE_GAP = 260;
    private static final int LEFT = 60;
    private static final int ROW = 24;
    private static final int TOP = 30;

    private static final String CSS = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b;max-width:1200px}
            h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}
            svg text{font:12px system-ui,sans-serif}svg text.lane{font-weight:600}
            g.arrow:hover text{font-weight:700}g.arrow:hover line{stroke-width:3}
            .key span{display:inline-block;width:14px;height:4px;vertical-align:middle;margin:0 4px 0 12px}
            details{margin:.3em 0 .3em 2em}summary{cursor:pointer;color:#444}
            pre{background:#f6f6f6;padding:.5em}
            """;

    private DemoHtml() {
    }

    /** The colour of an arrow: black when nothing failed, else one colour per origin. */
    static String colour(Origin origin) {
        if (origin == null) {
            return "#333333";
        }
        return switch (origin) {
            case GUEST_BUG -> "#7b3fb3";
            case TDX_MODULE -> "#b3261e";
            case VMM -> "#d9822b";
        };
    }

    static String render(DemoRun run) {
        long sharedMask = run.info == null ? 0 : run.info.sharedMask();
        Html h = Html.page("tdx4j demo", CSS);
        h.element("h1", "tdx4j demo: a TD's life on the simulated TDX platform");
        h.element("p", "One arrow per TDCALL (guest to TDX module; status in RAX), TDVMCALL (guest to the VMM through "
                + "the module; the VMM's status in R10) and #VE (the module to the guest's handler). Hover an arrow "
                + "for its registers in and out.");
        h.raw("<p class=\"key\">").text("failure origin:");
        for (Origin o : Origin.values()) {
            h.raw("<span style=\"background:" + colour(o) + "\"></span>").text(o.name());
        }
        h.raw("</p>");
        for (DemoRun.Step s : run.steps) {
            h.open("section").attr("class", "step").end();
            h.element("h2", s.number() + ". " + s.title());
            h.element("p", s.explanation());
            for (String r : s.results()) {
                h.element("pre", r);
            }
            List<List<DemoRun.Entry>> groups = DemoCommand.groups(s.events());
            // groups drawn so far in one diagram [start, i); a fold ends it, shows its first group, and hides the rest
            int start = 0;
            int i = 0;
            while (i < groups.size()) {
                int j = i + 1;
                while (j < groups.size() && DemoCommand.signature(groups.get(j)).equals(DemoCommand.signature(groups.get(i)))) {
                    j++;
                }
                if (j - i < DemoCommand.FOLD_AT) {
                    i++;
                    continue;
                }
                diagram(h, groups.subList(start, i + 1), sharedMask);
                h.raw("<details>").element("summary", "... and " + (j - i - 1) + " more like this");
                diagram(h, groups.subList(i + 1, j), sharedMask);
                h.raw("</details>");
                start = j;
                i = j;
            }
            if (start < groups.size()) {
                diagram(h, groups.subList(start, groups.size()), sharedMask);
            }
            h.raw("</section>");
        }
        if (run.failure != null) {
            h.element("h2", "Stopped");
            h.element("p", run.failure);
        }
        long failed = run.checks.stream().filter(c -> !c.passed()).count();
        h.element("h2", "Checks");
        h.element("p", (run.checks.size() - failed) + " passed, " + failed + " failed");
        return h.finish();
    }

    private static void diagram(Html h, List<List<DemoRun.Entry>> groups, long sharedMask) {
        int events = groups.stream().mapToInt(List::size).sum();
        int width = LEFT * 2 + LANE_GAP * (LANES.size() - 1);
        int height = TOP + events * ROW + 10;
        h.open("svg").attr("class", "sequence").attr("width", width).attr("height", height)
                .attr("viewBox", "0 0 " + width + " " + height).end();
        for (int l = 0; l < LANES.size(); l++) {
            int x = laneX(l);
            h.open("text").attr("class", "lane").attr("x", x).attr("y", 14).attr("text-anchor", "middle").end()
                    .text(LANES.get(l)).close("text");
            h.open("line").attr("x1", x).attr("x2", x).attr("y1", 20).attr("y2", height).attr("stroke", "#bbb")
                    .attr("stroke-dasharray", "4 3").end().close("line");
        }
        int y = TOP + ROW / 2;
        for (List<DemoRun.Entry> g : groups) {
            for (DemoRun.Entry e : g) {
                arrow(h, e, y, sharedMask);
                y += ROW;
            }
        }
        h.raw("</svg>");
    }

    private static void arrow(Html h, DemoRun.Entry entry, int y, long sharedMask) {
        TraceEvent e = entry.event();
        int from;
        int to;
        switch (e) {
            case TraceEvent.Tdcall t -> {
                from = GUEST;
                to = MODULE;
            }
            case TraceEvent.Tdvmcall v -> {
                from = GUEST;
                to = v.in().r10() == 0 && new TdvmcallSubFunction(v.in().r11()).equals(TdvmcallSubFunction.GET_QUOTE)
                        ? QUOTING : VMM;
            }
            case TraceEvent.Ve ve -> {
                from = MODULE;
                to = GUEST;
            }
        }
        String colour = colour(e.origin());
        int x1 = laneX(from) + (entry.nested() && from == GUEST ? 12 : 0);
        int x2 = laneX(to);
        int dir = x2 > x1 ? 1 : -1;
        String label = e.kind() + " " + e.leaf() + " -> " + e.status() + (e.origin() == null ? "" : " [" + e.origin() + "]");
        h.open("g").attr("class", "arrow").attr("data-kind", e.kind().name())
                .attr("data-origin", e.origin() == null ? "" : e.origin().name()).end();
        h.open("title").end().text(TraceFormatter.line(e, sharedMask) + "\n" + registers(e)).close("title");
        h.open("line").attr("x1", x1).attr("x2", x2 - dir * 6).attr("y1", y).attr("y2", y).attr("stroke", colour)
                .attr("stroke-width", e.origin() == null ? 1.5 : 2.5).end().close("line");
        h.open("polygon").attr("points", x2 + "," + y + " " + (x2 - dir * 8) + "," + (y - 4) + " " + (x2 - dir * 8)
                + "," + (y + 4)).attr("fill", colour).end().close("polygon");
        h.open("text").attr("x", Math.min(x1, x2) + 6).attr("y", y - 4).attr("fill", colour).end().text(label)
                .close("text");
        h.raw("</g>");
    }

    /** The registers a hover shows: in and out for calls, the exit for a #VE. */
    static String registers(TraceEvent e) {
        return switch (e) {
            case TraceEvent.Tdcall t -> "in:  " + regs(t.in()) + "\nout: " + regs(t.out());
            case TraceEvent.Tdvmcall v -> "in:  " + regs(v.in()) + "\nout: " + regs(v.out());
            case TraceEvent.Ve ve -> "exit reason " + ve.exitReason() + ", RIP " + Long.toHexString(ve.rip())
                    + ", outcome " + ve.outcome();
        };
    }

    private static String regs(Registers r) {
        return String.format("RAX=%#x RCX=%#x RDX=%#x R8=%#x R9=%#x R10=%#x R11=%#x R12=%#x R13=%#x R14=%#x R15=%#x",
                r.rax(), r.rcx(), r.rdx(), r.r8(), r.r9(), r.r10(), r.r11(), r.r12(), r.r13(), r.r14(), r.r15());
    }

    private static int laneX(int lane) {
        return LEFT + lane * LANE_GAP;
    }
}
