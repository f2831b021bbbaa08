package io.github.tdx4j.cli;

import io.github.tdx4j.trace.internal.Html;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Draws a {@link VerifyPage} as one self-contained HTML page (inline CSS and SVG, no script, no network). */
final class VerifyHtml {
    /** How far the time axis reaches either side of the verification time; longer windows are drawn clipped. */
    static final Duration AXIS_REACH = Duration.ofDays(3 * 365);
    private static final int AXIS_WIDTH = 900;
    private static final int LABEL_WIDTH = 230;
    private static final int BAR_HEIGHT = 22;
    /** About how wide "2025-06-19 .. 2025-07-19" is at 12 px. */
    private static final int DATES_WIDTH = 150;

    private static final String CSS = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b;max-width:1200px}
            h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}
            table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
            td.v{font-family:ui-monospace,monospace;word-break:break-all}
            .verdict{padding:.8em 1em;border-radius:6px;font-size:1.1em}
            .ok{background:#e3f5e1;border:1px solid #3b8a34}.bad{background:#fbe4e4;border:1px solid #b3261e}
            tr.matched{background:#e3f5e1;font-weight:600}tr.below{color:#777}
            svg text{font:12px system-ui,sans-serif}
            .note{color:#555}
            """;

    private VerifyHtml() {
    }

    static String render(VerifyPage p) {
        Html h = Html.page("tdx4j verify: " + p.verdict().headline(), CSS);
        h.element("h1", "tdx4j verify");
        h.open("div").attr("class", "verdict " + (p.verdict().verified() ? "ok" : "bad")).attr("id", "verdict").end()
                .open("strong").end().text(p.verdict().headline()).close("strong").raw("<br>")
                .text(p.verdict().detail()).raw("<br>").text("verification time " + p.at()).close("div");

        h.element("h2", "Decoded quote");
        if (p.quote().isEmpty()) {
            h.element("p", "note", "The quote could not be decoded.");
        } else {
            h.open("table").attr("id", "quote").end();
            for (VerifyPage.Row r : p.quote()) {
                h.raw("<tr>").element("th", r.name()).element("td", "v", r.value()).raw("</tr>");
            }
            h.raw("</table>");
        }

        h.element("h2", "PCK certificate chain (from the quote, leaf first)");
        if (p.chain().isEmpty()) {
            h.element("p", "note", "No PCK certificate chain could be read from the quote.");
        } else {
            h.open("table").attr("id", "chain").end()
                    .raw("<tr><th>role</th><th>subject</th><th>issuer</th><th>valid from</th><th>valid until</th></tr>");
            for (VerifyPage.Cert c : p.chain()) {
                h.open("tr").attr("class", "cert").end().element("td", c.role()).element("td", c.subject())
                        .element("td", c.issuer()).element("td", c.notBefore()).element("td", c.notAfter())
                        .raw("</tr>");
            }
            h.raw("</table>");
        }

        h.element("h2", "Collateral validity at the verification time");
        timeAxis(h, p.windows(), p.at());

        h.element("h2", "TCB level");
        if (p.tcb().isEmpty()) {
            h.element("p", "note", "The TCB info or the PCK certificate could not be read, so no level is matched.");
        } else {
            VerifyPage.TcbMatch m = p.tcb().get();
            h.element("p", "Compared: " + m.platform() + ".");
            h.element("p", m.matched() < 0
                    ? "No level is met: the platform is below every level (TCB_NOT_SUPPORTED)."
                    : "Selected: level " + (m.matched() + 1) + ", the first (newest first) that the platform meets on "
                            + "every component; levels above it are listed with the first component that falls short.");
            h.open("table").attr("id", "tcb").end()
                    .raw("<tr><th>#</th><th>TCB date</th><th>status</th><th>advisories</th><th>why not met</th></tr>");
            for (int i = 0; i < m.levels().size(); i++) {
                VerifyPage.Level l = m.levels().get(i);
                String cls = i == m.matched() ? "matched" : l.met() ? "met" : "below";
                String why = l.met() ? (i == m.matched() ? "met: selected" : "met (a newer level was selected)")
                        : l.pckBelow().or(l::teeBelow).orElseThrow();
                h.open("tr").attr("class", "level " + cls).end().element("td", i + 1).element("td", l.tcbDate())
                        .element("td", l.status()).element("td", String.join(", ", l.advisories()))
                        .element("td", why).raw("</tr>");
            }
            h.raw("</table>");
        }

        h.element("h2", "Policy");
        if (p.policy().isEmpty()) {
            h.element("p", "note", "No policy was given: the verdict is the verifier's alone.");
        } else {
            h.open("table").attr("id", "policy").end();
            for (VerifyPage.PolicyCheck c : p.policy()) {
                h.raw("<tr>").element("td", c.name()).element("td", c.passed() ? "pass" : "FAIL")
                        .element("td", c.detail()).raw("</tr>");
            }
            h.raw("</table>");
        }
        return h.finish();
    }

    /** One bar per window on a shared time axis, with the verification time as a vertical line. */
    private static void timeAxis(Html h, List<VerifyPage.Window> windows, Instant at) {
        if (windows.isEmpty()) {
            h.element("p", "note", "No collateral item could be read.");
            return;
        }
        Instant lo = at.minus(AXIS_REACH);
        Instant hi = at.plus(AXIS_REACH);
        Instant first = windows.stream().map(VerifyPage.Window::from).min(Instant::compareTo).orElseThrow();
        Instant last = windows.stream().map(VerifyPage.Window::until).max(Instant::compareTo).orElseThrow();
        Instant start = max(lo, min(first, at).minus(30, ChronoUnit.DAYS));
        Instant stop = min(hi, max(last, at).plus(30, ChronoUnit.DAYS));
        double span = Duration.between(start, stop).toSeconds();
        int width = LABEL_WIDTH + AXIS_WIDTH + 20;
        int height = 40 + windows.size() * (BAR_HEIGHT + 6) + 30;
        h.open("svg").attr("id", "timeline").attr("width", width).attr("height", height)
                .attr("viewBox", "0 0 " + width + " " + height)
                .attr("role", "img").end();
        h.element("title", "Validity windows of the collateral and certificates, with the verification time");
        int y = 30;
        for (VerifyPage.Window w : windows) {
            double x0 = x(w.from(), start, span);
            double x1 = x(w.until(), start, span);
            boolean valid = w.covers(at);
            h.open("text").attr("x", 0).attr("y", y + 15).end().text(w.item()).close("text");
            h.open("rect").attr("class", "window " + (valid ? "valid" : "invalid")).attr("x", fmt(x0)).attr("y", y)
                    .attr("width", fmt(Math.max(2, x1 - x0))).attr("height", BAR_HEIGHT)
                    .attr("fill", valid ? "#8fd18a" : "#f2a19b").attr("stroke", "#555").end()
                    .open("title").end().text(w.item() + ": " + w.from() + " .. " + w.until()
                            + (valid ? " (valid at the verification time)" : " (NOT valid at the verification time)"))
                    .close("title").close("rect");
            if (!w.from().isBefore(start) && !w.until().isAfter(stop)) {
                // A window that ends on the axis has its dates written beside it (right of it, unless that leaves
                // the axis): a window of days on an axis of years is a sliver that no one can read dates from.
                String dates = w.from().toString().substring(0, 10) + " .. " + w.until().toString().substring(0, 10);
                boolean right = x1 + 6 + DATES_WIDTH <= LABEL_WIDTH + AXIS_WIDTH;
                h.open("text").attr("class", "dates").attr("x", fmt(right ? x1 + 6 : x0 - 6)).attr("y", y + 15)
                        .attr("text-anchor", right ? "start" : "end").attr("fill", "#333").end().text(dates)
                        .close("text");
            }
            if (w.from().isBefore(start)) {
                h.open("text").attr("x", fmt(LABEL_WIDTH + 2)).attr("y", y + 15).end().text("\u2190").close("text");
            }
            if (w.until().isAfter(stop)) {
                h.open("text").attr("x", fmt(LABEL_WIDTH + AXIS_WIDTH - 4)).attr("y", y + 15).attr("text-anchor", "end")
                        .end().text("until " + w.until().atZone(java.time.ZoneOffset.UTC).getYear() + " \u2192")
                        .close("text");
            }
            y += BAR_HEIGHT + 6;
        }
        double ax = x(at, start, span);
        h.open("line").attr("id", "now").attr("x1", fmt(ax)).attr("x2", fmt(ax)).attr("y1", 18).attr("y2", y)
                .attr("stroke", "#b3261e").attr("stroke-width", 2).end().close("line");
        h.open("text").attr("x", fmt(ax + 4)).attr("y", 14).attr("fill", "#b3261e").end()
                .text("verification time " + at).close("text");
        h.open("text").attr("x", LABEL_WIDTH).attr("y", y + 18).end().text(start.toString().substring(0, 10))
                .close("text");
        h.open("text").attr("x", LABEL_WIDTH + AXIS_WIDTH).attr("y", y + 18).attr("text-anchor", "end").end()
                .text(stop.toString().substring(0, 10)).close("text");
        h.raw("</svg>");
    }

    private static double x(Instant t, Instant start, double span) {
        double f = Duration.between(start, t).toSeconds() / span;
        return LABEL_WIDTH + Math.max(0, Math.min(1, f)) * AXIS_WIDTH;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
