package io.github.tdx4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Sensitivity;
import io.github.tdx4j.call.policy.OriginPolicy;
import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.trace.internal.ScrubbedRegisters;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The hostile chapter of {@code tdx4j demo} as text and as JSON: per step the host's lies, then per policy the
 * outcome, the results, the log and the trace; at the end the steps side by side, one column per policy.
 */
final class HostileChapterOutput {
    private static final String EXPLANATION = "The same guest, now on the campaign's adversarial VMM (and a faulty "
            + "TDX-module seam). The host answers honestly except where the script below makes it lie. The script is "
            + "played twice, once under each origin-policy preset, so what each preset does with the same failures "
            + "can be read side by side. Every failure carries its origin: GUEST_BUG, TDX_MODULE or VMM. A VMM "
            + "failure is never fatal; a TDX-module failure of the TDVMCALL mechanism always is.";

    /** What the reactions in the presets' table mean (io.github.tdx4j.call.policy.Reaction). */
    static final String REACTIONS = "FATAL: the TD stops (the analogue of panic()). WARN_ONCE: one warning per site, "
            + "then the error is returned. RATE_LIMITED: warnings through the kernel's rate limiter (10 per 5 s, then "
            + "\"N callbacks suppressed\"), then the error is returned. ERROR_RETURN: the error is returned, nothing "
            + "is logged.";

    private HostileChapterOutput() {
    }

    /** What the chapter shows and how to read it. */
    static String explanation() {
        return EXPLANATION;
    }

    /** {@code ERROR [VMM]}, {@code HANDLED}, {@code not run}. */
    static String verdict(HostileChapter.StepRun r) {
        if (r.outcome() == null) {
            return "not run";
        }
        return r.outcome() + (r.origin() == null ? "" : " [" + r.origin() + "]");
    }

    /** The preset's reaction for each (origin, sensitivity), as {@code TDX_MODULE/SECURITY_SENSITIVE}. */
    static List<String> cells() {
        List<String> l = new ArrayList<>();
        for (Origin o : Origin.values()) {
            for (Sensitivity s : Sensitivity.values()) {
                l.add(o + "/" + s);
            }
        }
        return l;
    }

    static String reaction(OriginPolicy p, String cell) {
        String[] os = cell.split("/");
        return p.reactionFor(Origin.valueOf(os[0]), Sensitivity.valueOf(os[1])).name();
    }

    /** The stopping step's label, or "-". */
    static String stopped(HostileChapter.PolicyRun r) {
        HostileChapter.StepRun s = r.stoppedAt();
        return s == null ? "-" : HostileChapter.STEPS.get(s.number() - 1).label();
    }

    /** {@code VMM 23, TDX_MODULE 1}: the non-zero failure counts by origin. */
    static String failures(HostileChapter.PolicyRun r) {
        List<String> l = new ArrayList<>();
        for (Origin o : Origin.values()) {
            if (r.failures()[o.ordinal()] != 0) {
                l.add(o + " " + r.failures()[o.ordinal()]);
            }
        }
        return l.isEmpty() ? "none" : String.join(", ", l);
    }

    // ---------------------------------------------------------------- text

    static void text(HostileChapter c, PrintWriter out, boolean full) {
        out.println();
        out.printf("=== %d. A hostile host, under two origin policies ===%n", HostileChapter.NUMBER);
        DemoCommand.wrap(EXPLANATION, 100).forEach(l -> out.println("   " + l));
        out.println("   What each preset does with a failure (origin/sensitivity -> reaction):");
        out.printf("     %-32s", "");
        c.runs.forEach(r -> out.printf(" %-16s", r.policy().name()));
        out.println();
        for (String cell : cells()) {
            out.printf("     %-32s", cell);
            c.runs.forEach(r -> out.printf(" %-16s", reaction(r.policy(), cell)));
            out.println();
        }
        DemoCommand.wrap(REACTIONS, 100).forEach(l -> out.println("   " + l));
        out.println("   The host's tape is empty (every answer honest); each step forces the decisions it lists.");
        for (HostileChapter.StepSpec spec : HostileChapter.STEPS) {
            out.println();
            out.printf("== %s %s ==%n", spec.label(), spec.title());
            DemoCommand.wrap(spec.explanation(), 100).forEach(l -> out.println("   " + l));
            out.println("   the host's lies:");
            spec.lies().forEach(l -> out.println("     " + l.describe()));
            for (HostileChapter.PolicyRun r : c.runs) {
                HostileChapter.StepRun s = r.steps().get(spec.number() - 1);
                out.printf("   -- %s: %s%n", r.policy().name(), verdict(s));
                s.results().forEach(l -> out.println("     " + l));
                if (s.failure() != null) {
                    out.println("     ✗ " + s.failure());
                }
                if (s.outcome() == null) {
                    continue;
                }
                out.println(s.log().isEmpty() ? "     log: nothing" : "     log:");
                s.log().forEach(l -> out.println("       " + l));
                List<String> trace = DemoCommand.traceLines(s.timeline(), full, r.sharedMask());
                if (!trace.isEmpty()) {
                    out.println("     trace:");
                    trace.forEach(t -> out.println("       " + t));
                }
            }
        }
        out.println();
        out.printf("== %d Side by side ==%n", HostileChapter.NUMBER);
        out.printf("   %-52s", "step");
        c.runs.forEach(r -> out.printf(" %-22s", r.policy().name()));
        out.println();
        for (HostileChapter.StepSpec spec : HostileChapter.STEPS) {
            out.printf("   %-52s", spec.label() + " " + spec.title());
            c.runs.forEach(r -> out.printf(" %-22s", verdict(r.steps().get(spec.number() - 1))));
            out.println();
        }
        row(out, "failures reported", c, HostileChapterOutput::failures);
        row(out, "log lines", c, r -> String.valueOf(r.logLines()));
        row(out, "stopped in", c, HostileChapterOutput::stopped);
        long failed = c.checks.stream().filter(k -> !k.passed()).count();
        out.println("   checks:");
        c.checks.forEach(k -> out.println("     " + (k.passed() ? "✓ " : "✗ ") + k.name()));
        out.printf("   %-52s %d passed, %d failed%n", "checks", c.checks.size() - failed, failed);
    }

    private static void row(PrintWriter out, String name, HostileChapter c,
                            java.util.function.Function<HostileChapter.PolicyRun, String> value) {
        out.printf("   %-52s", name);
        c.runs.forEach(r -> out.printf(" %-22s", value.apply(r)));
        out.println();
    }

    // ---------------------------------------------------------------- JSON

    static ObjectNode json(HostileChapter c, ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("number", HostileChapter.NUMBER);
        root.put("explanation", EXPLANATION);
        root.put("tape", HostileChapter.TAPE.toString());
        ArrayNode policies = root.putArray("policies");
        for (HostileChapter.PolicyRun r : c.runs) {
            ObjectNode p = policies.addObject();
            p.put("name", r.policy().name());
            ObjectNode reactions = p.putObject("reactions");
            cells().forEach(cell -> reactions.put(cell, reaction(r.policy(), cell)));
            ObjectNode failures = p.putObject("failures");
            for (Origin o : Origin.values()) {
                failures.put(o.name(), r.failures()[o.ordinal()]);
            }
            p.put("logLines", r.logLines());
            HostileChapter.StepRun s = r.stoppedAt();
            p.put("stoppedIn", s == null ? null : HostileChapter.STEPS.get(s.number() - 1).label());
            p.put("simulatedMillis", r.simulatedNanos() / 1e6);
            p.put("traceHash", JsonShapes.u64(r.traceHash()));
        }
        ArrayNode steps = root.putArray("steps");
        for (HostileChapter.StepSpec spec : HostileChapter.STEPS) {
            ObjectNode o = steps.addObject();
            o.put("label", spec.label());
            o.put("title", spec.title());
            o.put("explanation", spec.explanation());
            ArrayNode lies = o.putArray("lies");
            for (HostileChapter.Lie l : spec.lies()) {
                lies.addObject().put("site", l.site().name()).put("seam", l.site().seam().name())
                        .put("fault", l.fault().name()).put("value", JsonShapes.u64(l.value())).put("times", l.times());
            }
            ArrayNode runs = o.putArray("runs");
            for (HostileChapter.PolicyRun r : c.runs) {
                HostileChapter.StepRun s = r.steps().get(spec.number() - 1);
                ObjectNode j = runs.addObject();
                j.put("policy", r.policy().name());
                j.put("outcome", s.outcome() == null ? null : s.outcome().name());
                j.put("origin", s.origin() == null ? null : s.origin().name());
                j.put("failure", s.failure());
                ArrayNode results = j.putArray("results");
                s.results().forEach(results::add);
                ArrayNode log = j.putArray("log");
                s.log().forEach(log::add);
                ArrayNode events = j.putArray("events");
                for (DemoRun.Row row : s.timeline()) {
                    ObjectNode e = events.addObject();
                    switch (row) {
                        case DemoRun.Entry en -> {
                            DemoCommand.event(e, en.event(), r.sharedMask());
                            if (en.event() instanceof TraceEvent.Tdvmcall v) {
                                ArrayNode scrubbed = e.putArray("scrubbed");
                                ScrubbedRegisters.of(v).stream().map(Gpr::name).forEach(scrubbed::add);
                            }
                        }
                        case DemoRun.Interrupt i -> {
                            e.put("kind", "INTERRUPT");
                            e.put("leaf", String.format("vector %#x", i.vector()));
                            e.put("status", "delivered");
                            e.putNull("origin");
                            e.put("detail", "posted by the VMM, delivered to the guest's handler");
                            e.put("vector", i.vector());
                        }
                    }
                    e.put("nested", row.nested());
                }
            }
        }
        ArrayNode checks = root.putArray("checks");
        c.checks.forEach(k -> checks.addObject().put("name", k.name()).put("passed", k.passed()));
        return root;
    }
}
