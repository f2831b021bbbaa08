package io.github.tdx4j.trace.internal;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.trace.TraceEvent;
import java.util.List;

/**
 * The register table an arrow of a sequence diagram links to: for a TDCALL the registers in and out; for a TDVMCALL the
 * registers in, what the VMM returned through the module, and what the guest saw after the call layer scrubbed it,
 * with each scrubbed value marked ({@code <td class="scrubbed">}, see {@link ScrubbedRegisters}); for a #VE its exit;
 * for an interrupt its vector and time. Only registers with a non-zero value (or a scrubbed one) get a row.
 */
public final class RegisterTable {
    private RegisterTable() {
    }

    /** The table of {@code row}, with element id {@code id}, hidden until the page's URL fragment names it. */
    public static void write(Html h, String id, TraceRow row, long sharedMask) {
        h.open("table").attr("class", "regs").attr("id", id).end();
        switch (row) {
            case TraceRow.Call e -> {
                h.element("caption", TraceFormatter.line(e.event(), sharedMask));
                switch (e.event()) {
                    case TraceEvent.Tdcall t -> tdcall(h, t);
                    case TraceEvent.Tdvmcall v -> tdvmcall(h, v);
                    case TraceEvent.Ve ve -> {
                        pair(h, "exit reason", ve.exitReason() + " (" + ve.exitReason().raw() + ")");
                        pair(h, "RIP", hex(ve.rip()));
                        pair(h, "outcome", ve.outcome());
                        pair(h, "origin", ve.origin() == null ? "-" : ve.origin().name());
                    }
                }
            }
            case TraceRow.Interrupt i -> {
                h.element("caption", Folding.line(i, sharedMask));
                pair(h, "vector", hex(i.vector()));
                pair(h, "delivered at", String.format("%.3f ms (simulated)", i.atNanos() / 1e6));
            }
        }
        h.raw("</table>");
    }

    private static void tdcall(Html h, TraceEvent.Tdcall t) {
        h.raw("<tr><th>register</th><th>in</th><th>out</th></tr>");
        for (Gpr g : Gpr.values()) {
            if (Registers.carries(g) && (t.in().get(g) != 0 || t.out().get(g) != 0)) {
                h.raw("<tr>").element("th", g.name()).element("td", hex(t.in().get(g)))
                        .element("td", hex(t.out().get(g))).raw("</tr>");
            }
        }
    }

    private static void tdvmcall(Html h, TraceEvent.Tdvmcall v) {
        List<Gpr> scrubbed = ScrubbedRegisters.of(v);
        Registers seen = ScrubbedRegisters.seen(v);
        h.raw("<tr><th>register</th><th>in</th><th>out (from the VMM, through the module)</th>"
                + "<th>what the call layer returns</th></tr>");
        for (Gpr g : Gpr.values()) {
            if (!Registers.carries(g)) {
                continue;
            }
            long in = v.in().get(g);
            long out = v.out().get(g);
            boolean s = scrubbed.contains(g);
            if (in == 0 && out == 0 && !s) {
                continue;
            }
            h.raw("<tr>").element("th", g.name()).element("td", hex(in));
            if (s) {
                h.element("td", "scrubbed", hex(out));
            } else {
                h.element("td", hex(out));
            }
            // R10 is the status: the call layer reports it apart (it is never a value the caller reads as data).
            h.element("td", g == Gpr.R10 ? "status " + hex(out) : hex(seen.get(g))).raw("</tr>");
        }
    }

    private static void pair(Html h, String name, String value) {
        h.raw("<tr>").element("th", name).element("td", value).raw("</tr>");
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
