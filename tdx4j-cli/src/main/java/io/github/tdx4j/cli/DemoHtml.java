package io.github.tdx4j.cli;

import io.github.tdx4j.trace.internal.Html;
import io.github.tdx4j.trace.internal.SequenceDiagram;
import java.util.List;

/**
 * Draws a {@link DemoRun} as a self-contained page: per demo step its explanation, results and a sequence diagram
 * ({@link SequenceDiagram}: four lanes, one arrow per TDCALL, TDVMCALL, #VE and interrupt, registers on click,
 * repeated calls folded), then the checks, then the hostile chapter ({@link HostileChapterHtml}). The library's
 * {@code TraceRecorder.page} draws any traced run with the same diagram and style.
 */
final class DemoHtml {
    /** The diagram's style, and the hostile chapter's tables and columns. */
    private static final String CSS = SequenceDiagram.CSS + """
            table.side,table.policies{border-collapse:collapse;margin:.5em 0}
            table.side td,table.side th,table.policies td,table.policies th{border:1px solid #ccc;padding:2px 8px;
            text-align:left}
            .cols{display:grid;grid-template-columns:1fr 1fr;gap:1em}.cols>div{min-width:0}
            h3{font-size:1.05em;margin-top:1.4em}h4{font-size:1em;margin:.6em 0 .2em}
            pre.log{background:#fff7e6}
            """;

    private DemoHtml() {
    }

    static String render(DemoRun run) {
        long sharedMask = run.info == null ? 0 : run.info.sharedMask();
        Html h = Html.page("tdx4j demo", CSS);
        SequenceDiagram.Counter ids = new SequenceDiagram.Counter();
        h.element("h1", "tdx4j demo: a TD's life on the simulated TDX platform");
        SequenceDiagram.legend(h);
        for (DemoRun.Step s : run.steps) {
            h.open("section").attr("class", "step").end();
            h.element("h2", s.number() + ". " + s.title());
            h.element("p", s.explanation());
            if (!s.results().isEmpty()) {
                h.element("pre", String.join("\n", s.results()));
            }
            timeline(h, s.timeline(), sharedMask, ids);
            h.raw("</section>");
        }
        if (run.failure != null) {
            h.element("h2", "Stopped");
            h.element("p", run.failure);
        }
        long failed = run.checks.stream().filter(c -> !c.passed()).count();
        h.element("h2", "Checks");
        h.element("p", (run.checks.size() - failed) + " passed, " + failed + " failed");
        if (run.hostile != null) {
            HostileChapterHtml.render(h, run.hostile, ids);
        }
        return h.finish();
    }

    /**
     * Any timeline (calls and #VEs from a {@link io.github.tdx4j.guest.ve.GuestTraceListener}, interrupts) as a page
     * with the demo page's style. {@code sharedMask} is the TD's shared bit (0 if unknown).
     */
    static String tracePage(String title, List<DemoRun.Row> rows, long sharedMask) {
        Html h = Html.page(title, CSS);
        h.element("h1", title);
        timeline(h, rows, sharedMask, new SequenceDiagram.Counter());
        return h.finish();
    }

    /** The hostile chapter alone as a page, with the demo page's style. */
    static String chapterPage(HostileChapter chapter) {
        Html h = Html.page("tdx4j demo: a hostile host", CSS);
        SequenceDiagram.legend(h);
        HostileChapterHtml.render(h, chapter, new SequenceDiagram.Counter());
        return h.finish();
    }

    /** A demo timeline as sequence diagrams, folded. */
    static void timeline(Html h, List<DemoRun.Row> rows, long sharedMask, SequenceDiagram.Counter ids) {
        SequenceDiagram.timeline(h, rows.stream().map(DemoRun.Row::traceRow).toList(), sharedMask, ids);
    }
}
