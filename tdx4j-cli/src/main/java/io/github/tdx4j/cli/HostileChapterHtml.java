package io.github.tdx4j.cli;

import io.github.tdx4j.campaign.Outcome;
import io.github.tdx4j.trace.internal.Html;
import io.github.tdx4j.trace.internal.SequenceDiagram;

/**
 * The hostile chapter of the demo page: the presets' reaction table, the steps side by side (one column per
 * policy, each outcome in its origin's colour), then per step the host's lies, each policy's results and log next to
 * each other, and each policy's sequence diagram.
 */
final class HostileChapterHtml {
    private HostileChapterHtml() {
    }

    static void render(Html h, HostileChapter c, SequenceDiagram.Counter ids) {
        h.open("section").attr("class", "chapter").attr("id", "hostile").end();
        h.element("h2", HostileChapter.NUMBER + ". A hostile host, under two origin policies");
        h.element("p", HostileChapterOutput.explanation());
        h.element("h3", "What each preset does with a failure");
        h.raw("<table class=\"policies\"><tr>").element("th", "origin / sensitivity");
        c.runs.forEach(r -> h.element("th", r.policy().name()));
        h.raw("</tr>");
        for (String cell : HostileChapterOutput.cells()) {
            h.raw("<tr>").element("td", cell);
            c.runs.forEach(r -> h.element("td", HostileChapterOutput.reaction(r.policy(), cell)));
            h.raw("</tr>");
        }
        h.raw("</table>");
        h.element("p", HostileChapterOutput.REACTIONS);
        h.element("h3", "Side by side");
        h.raw("<table class=\"side\"><tr>").element("th", "step");
        c.runs.forEach(r -> h.element("th", r.policy().name()));
        h.raw("</tr>");
        for (HostileChapter.StepSpec spec : HostileChapter.STEPS) {
            h.raw("<tr>").element("td", spec.label() + " " + spec.title());
            c.runs.forEach(r -> verdictCell(h, r.steps().get(spec.number() - 1)));
            h.raw("</tr>");
        }
        h.raw("<tr>").element("td", "failures reported");
        c.runs.forEach(r -> h.element("td", HostileChapterOutput.failures(r)));
        h.raw("</tr><tr>").element("td", "log lines");
        c.runs.forEach(r -> h.element("td", r.logLines()));
        h.raw("</tr><tr>").element("td", "stopped in");
        c.runs.forEach(r -> h.element("td", HostileChapterOutput.stopped(r)));
        h.raw("</tr></table>");
        h.element("p", "The host's tape is empty (every answer honest); each step forces the decisions it lists.");
        for (HostileChapter.StepSpec spec : HostileChapter.STEPS) {
            h.open("section").attr("class", "hstep").end();
            h.element("h3", spec.label() + " " + spec.title());
            h.element("p", spec.explanation());
            h.element("h4", "the host's lies");
            h.raw("<ul>");
            spec.lies().forEach(l -> h.element("li", l.describe()));
            h.raw("</ul><div class=\"cols\">");
            for (HostileChapter.PolicyRun r : c.runs) {
                HostileChapter.StepRun s = r.steps().get(spec.number() - 1);
                h.raw("<div>").open("h4").end().text(r.policy().name() + ": ");
                h.open("span").attr("class", "verdict").attr("style", "color:" + SequenceDiagram.colour(s.origin())).end()
                        .text(HostileChapterOutput.verdict(s)).close("span").close("h4");
                StringBuilder results = new StringBuilder();
                s.results().forEach(l -> results.append(l).append('\n'));
                if (s.failure() != null) {
                    results.append("✗ ").append(s.failure());
                }
                h.element("pre", results.toString().strip());
                if (s.outcome() != null) {
                    h.element("pre", "log", s.log().isEmpty() ? "log: nothing" : "log:\n" + String.join("\n", s.log()));
                }
                h.raw("</div>");
            }
            h.raw("</div>");
            for (HostileChapter.PolicyRun r : c.runs) {
                HostileChapter.StepRun s = r.steps().get(spec.number() - 1);
                if (s.outcome() != null) {
                    h.element("h4", "trace under " + r.policy().name());
                    DemoHtml.timeline(h, s.timeline(), r.sharedMask(), ids);
                }
            }
            h.raw("</section>");
        }
        long failed = c.checks.stream().filter(k -> !k.passed()).count();
        h.element("h3", "Checks of this chapter");
        h.raw("<ul>");
        c.checks.forEach(k -> h.element("li", (k.passed() ? "✓ " : "✗ ") + k.name()));
        h.raw("</ul>");
        h.element("p", (c.checks.size() - failed) + " passed, " + failed + " failed");
        h.raw("</section>");
    }

    private static void verdictCell(Html h, HostileChapter.StepRun s) {
        String style = s.outcome() == null ? "color:#888"
                : "color:" + SequenceDiagram.colour(s.origin()) + (s.outcome() == Outcome.FATAL ? ";font-weight:700" : "");
        h.open("td").attr("class", "verdict").attr("style", style).end().text(HostileChapterOutput.verdict(s))
                .close("td");
    }
}
