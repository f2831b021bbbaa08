package io.github.tdx4j.trace.internal;

import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * A trace as SVG sequence diagrams with four lanes (guest, TDX module, VMM, quoting service): one arrow per TDCALL
 * (guest to module), TDVMCALL (guest to the VMM, or to the quoting service for GetQuote) and #VE (module to guest),
 * labelled with the decoded leaf, status and origin, plus a dashed arrow per interrupt the VMM posted; failures
 * coloured by origin; the trace line on hover and, on click, a table of the registers in and out with the scrubbed
 * ones marked ({@link RegisterTable}; shown by the CSS {@code :target} rule, so the page needs no script). Runs of
 * alike groups are folded as in the text trace ({@link Folding}): the first group is drawn, the rest are behind a
 * "N more like this" disclosure.
 */
public final class SequenceDiagram {
    /** The lanes, left to right. */
    public static final List<String> LANES = List.of("guest", "TDX module", "VMM", "quoting service");
    private static final int GUEST = 0;
    private static final int MODULE = 1;
    private static final int VMM = 2;
    private static final int QUOTING = 3;
    private static final int LANE_GAP = 260;
    private static final int LEFT = 60;
    private static final int ROW = 24;
    private static final int TOP = 30;
    /** How far a label's baseline sits above its arrow: clear of the arrowheads and the circle (4 px either side). */
    private static final int LABEL_RISE = 6;

    /** The colour of an interrupt arrow: none of the origins' colours, none of success's. */
    public static final String INTERRUPT_COLOUR = "#1f7a8c";

    /** The style of a page with sequence diagrams: text, the arrows, the key, the disclosures, the register tables. */
    public static final String CSS = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b;max-width:1200px}
            h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}
            svg text{font:12px system-ui,sans-serif}svg text.lane{font-weight:600}
            g.arrow:hover text{font-weight:700}g.arrow:hover line{stroke-width:3}
            g.arrow text{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
            .key span{display:inline-block;width:14px;height:4px;vertical-align:middle;margin:0 4px 0 12px}
            details{margin:.3em 0 .3em 2em}summary{cursor:pointer;color:#444}
            pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap}
            svg a{cursor:pointer}
            table.regs{display:none;border-collapse:collapse;margin:.3em 0 .8em 2em;font:12px ui-monospace,monospace}
            table.regs:target{display:table}table.regs caption{text-align:left;font-weight:600;padding:.2em 0}
            table.regs td,table.regs th{border:1px solid #ddd;padding:1px 6px;text-align:right}
            td.scrubbed,em.scrubbed{background:#fde2e1;text-decoration:line-through;font-style:normal}
            em.scrubbed{margin:0 4px 0 12px}
            td.scrubbed::after{content:"scrubbed";display:inline-block;margin-left:4px;color:#b3261e;font-size:10px}
            """;

    private SequenceDiagram() {
    }

    /** The colour of an arrow: black when nothing failed, else one colour per origin. */
    public static String colour(Origin origin) {
        if (origin == null) {
            return "#333333";
        }
        return switch (origin) {
            case GUEST_BUG -> "#7b3fb3";
            case TDX_MODULE -> "#b3261e";
            case VMM -> "#d9822b";
        };
    }

    /** What the arrows are, how to read them, and the key of colours and marks. */
    public static void legend(Html h) {
        h.element("p", "One arrow per TDCALL (guest to TDX module; status in RAX), TDVMCALL (guest to the VMM through "
                + "the module, marked by a circle on the module's lane; the VMM's status in R10) and #VE (the module to "
                + "the guest's handler, then the calls the handler made, indented); a dashed arrow per interrupt the "
                + "VMM posted. Each label is the leaf, \"->\" and the status the call came back with. Hover an arrow "
                + "for its trace line; click it for its registers in and out, with the VMM-written values the call "
                + "layer scrubbed (the guest never saw them) marked.");
        h.raw("<p class=\"key\">").text("failure origin ([ORIGIN] at the end of a failed call's label, in its colour):");
        for (Origin o : Origin.values()) {
            h.raw("<span style=\"background:" + colour(o) + "\"></span>").text(o.name());
        }
        h.raw("<span class=\"irq\" style=\"background:" + INTERRUPT_COLOUR + "\"></span>").text("interrupt");
        h.raw("<em class=\"scrubbed\">").text("0x1234").raw("</em>").text(" scrubbed register");
        h.raw("</p>");
    }

    /** Numbers for element ids, unique within a page. */
    public static final class Counter {
        private int next;

        /** The next unused number. */
        public int next() {
            return next++;
        }
    }

    /**
     * A timeline as sequence diagrams: groups drawn so far in one diagram are {@code [start, i)}; a run of
     * {@link Folding#FOLD_AT} or more alike groups ends it, shows its first group, and hides the rest behind a
     * "N more like this" disclosure. {@code sharedMask} is the TD's shared bit (0 if unknown).
     */
    public static void timeline(Html h, List<? extends TraceRow> rows, long sharedMask, Counter ids) {
        List<List<TraceRow>> groups = Folding.groups(rows);
        int start = 0;
        int i = 0;
        while (i < groups.size()) {
            int j = i + 1;
            while (j < groups.size() && Folding.signature(groups.get(j)).equals(Folding.signature(groups.get(i)))) {
                j++;
            }
            if (j - i < Folding.FOLD_AT) {
                i++;
                continue;
            }
            diagram(h, groups.subList(start, i + 1), sharedMask, ids);
            h.raw("<details>").element("summary", "... and " + (j - i - 1) + " more like this");
            diagram(h, groups.subList(i + 1, j), sharedMask, ids);
            h.raw("</details>");
            start = j;
            i = j;
        }
        if (start < groups.size()) {
            diagram(h, groups.subList(start, groups.size()), sharedMask, ids);
        }
    }

    /** One SVG sequence diagram, then the register tables its arrows link to (shown one at a time by :target). */
    private static void diagram(Html h, List<List<TraceRow>> groups, long sharedMask, Counter ids) {
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
        List<Integer> tables = new ArrayList<>();
        for (List<TraceRow> g : groups) {
            for (TraceRow r : g) {
                int id = ids.next();
                tables.add(id);
                h.open("a").attr("href", "#regs-" + id).end();
                switch (r) {
                    case TraceRow.Call c -> arrow(h, c, y, sharedMask);
                    case TraceRow.Interrupt irq -> interrupt(h, irq, y);
                }
                h.raw("</a>");
                y += ROW;
            }
        }
        h.raw("</svg>");
        int k = 0;
        for (List<TraceRow> g : groups) {
            for (TraceRow r : g) {
                RegisterTable.write(h, "regs-" + tables.get(k++), r, sharedMask);
            }
        }
    }

    private static void interrupt(Html h, TraceRow.Interrupt irq, int y) {
        int x1 = laneX(VMM);
        int x2 = laneX(GUEST);
        String label = "interrupt vector " + String.format("%#x", irq.vector()) + " (posted by the VMM)";
        h.open("g").attr("class", "arrow interrupt").attr("data-kind", "INTERRUPT").end();
        h.open("title").end().text(Folding.line(irq, 0)).close("title");
        h.open("line").attr("x1", x1).attr("x2", x2 + 6).attr("y1", y).attr("y2", y).attr("stroke", INTERRUPT_COLOUR)
                .attr("stroke-width", 2).attr("stroke-dasharray", "7 4").end().close("line");
        h.open("polygon").attr("points", x2 + "," + y + " " + (x2 + 8) + "," + (y - 4) + " " + (x2 + 8) + ","
                + (y + 4)).attr("fill", INTERRUPT_COLOUR).end().close("polygon");
        h.open("text").attr("x", x2 + 12).attr("y", y - LABEL_RISE).attr("fill", INTERRUPT_COLOUR).end().text(label)
                .close("text");
        h.raw("</g>");
    }

    private static void arrow(Html h, TraceRow.Call call, int y, long sharedMask) {
        TraceEvent e = call.event();
        int from;
        int to;
        switch (e) {
            case TraceEvent.Tdcall t -> {
                from = GUEST;
                to = MODULE;
            }
            case TraceEvent.Tdvmcall v -> {
                from = GUEST;
                // RAX != 0: the module failed TDG.VP.VMCALL itself, so the call never reached the VMM
                to = v.out().rax() != 0 ? MODULE
                        : v.in().r10() == 0 && new TdvmcallSubFunction(v.in().r11()).equals(TdvmcallSubFunction.GET_QUOTE)
                        ? QUOTING : VMM;
            }
            case TraceEvent.Ve ve -> {
                from = MODULE;
                to = GUEST;
            }
        }
        String colour = colour(e.origin());
        int x1 = laneX(from) + (call.nested() && from == GUEST ? 12 : 0);
        int x2 = laneX(to);
        int dir = x2 > x1 ? 1 : -1;
        String label = kindName(e) + " " + e.leaf() + " -> " + e.status()
                + (e.origin() == null ? "" : " [" + e.origin() + "]");
        h.open("g").attr("class", "arrow").attr("data-kind", e.kind().name())
                .attr("data-origin", e.origin() == null ? "" : e.origin().name()).end();
        String scrubbed = e instanceof TraceEvent.Tdvmcall v && !ScrubbedRegisters.of(v).isEmpty()
                ? "\nscrubbed (the guest never saw them): " + ScrubbedRegisters.of(v) : "";
        h.open("title").end().text(TraceFormatter.line(e, sharedMask) + "\n" + registers(e) + scrubbed)
                .close("title");
        h.open("line").attr("x1", x1).attr("x2", x2 - dir * 6).attr("y1", y).attr("y2", y).attr("stroke", colour)
                .attr("stroke-width", e.origin() == null ? 1.5 : 2.5).end().close("line");
        h.open("polygon").attr("points", x2 + "," + y + " " + (x2 - dir * 8) + "," + (y - 4) + " " + (x2 - dir * 8)
                + "," + (y + 4)).attr("fill", colour).end().close("polygon");
        if (e instanceof TraceEvent.Tdvmcall && to != MODULE) {
            // TDG.VP.VMCALL is a TDCALL: the module passes the call on to the VMM (and its answer back), so the arrow
            // goes through the module's lane, marked where it crosses it.
            h.open("circle").attr("class", "through").attr("cx", laneX(MODULE)).attr("cy", y).attr("r", 3.5)
                    .attr("fill", "#ffffff").attr("stroke", colour).attr("stroke-width", 1.5).end().close("circle");
        }
        h.open("text").attr("x", Math.min(x1, x2) + 6).attr("y", y - LABEL_RISE).attr("fill", colour).end().text(label)
                .close("text");
        h.raw("</g>");
    }

    /** The kind as the legend names it: TDCALL, TDVMCALL, #VE. */
    private static String kindName(TraceEvent e) {
        return switch (e.kind()) {
            case TDCALL -> "TDCALL";
            case TDVMCALL -> "TDVMCALL";
            case VE -> "#VE";
        };
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
