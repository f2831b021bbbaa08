package io.github.tdx4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.attest.json.VerificationJson;
import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.trace.internal.Folding;
import io.github.tdx4j.trace.internal.TraceFormatter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tdx4j demo}: a TD's life on the simulated platform, every TDCALL, TDVMCALL and #VE shown. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Boot a simulated TD and walk through what a TDX guest does: accept memory, print through "
                + "the UART (port I/O via #VE), CPUID, an MSR, MMIO, share a buffer with MapGPA, halt and wake, "
                + "extend RTMR 2, get a TDREPORT and a quote. Prints every TDCALL, TDVMCALL and #VE.", "",
                "Exit code 2 if one of the demo's own checks fails."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print one JSON document instead of text.")
    boolean json;

    @Option(names = "--full", description = "Print every trace line (by default repeated groups are folded).")
    boolean full;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML page: a sequence "
            + "diagram per step (guest, TDX module, VMM, quoting service), one arrow per call, registers on hover.")
    Path html;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DemoRun run = DemoRun.run();
        PrintWriter out = spec.commandLine().getOut();
        if (html != null) {
            try {
                CliFiles.write(html, DemoHtml.render(run).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (CliFiles.FileFailure e) {
                spec.commandLine().getErr().println("tdx4j demo: " + e.getMessage() + ".");
                return Main.USAGE;
            }
        }
        if (json) {
            out.println(json(run));
        } else {
            text(run, out);
        }
        out.flush();
        return run.passed() ? Main.OK : Main.CHECK_FAILED;
    }

    // ---------------------------------------------------------------- text

    private void text(DemoRun run, PrintWriter out) {
        out.println("tdx4j demo: a TD on the simulated TDX platform (TDX module 1.5 + KVM/QEMU model)");
        out.println("Legend:");
        out.println("  TDCALL    the guest calls the TDX module; the module's status comes back in RAX");
        out.println("  TDVMCALL  the guest calls the host VMM through the module (TDG.VP.VMCALL); the VMM's status "
                + "comes back in R10");
        out.println("  #VE       an instruction the TD may not run natively; the guest's #VE handler emulates it, and "
                + "the calls it made are indented under it");
        out.println("  [ORIGIN]  whose fault a failure is: GUEST_BUG, TDX_MODULE or VMM");
        if (!full) {
            out.println("  One line per call; runs of " + Folding.FOLD_AT
                    + " or more alike groups are folded into \"... and N "
                    + "more like this\" (--full prints every line, --json every event).");
        }
        for (DemoRun.Step s : run.steps) {
            out.println();
            out.printf("== %d. %s ==%n", s.number(), s.title());
            for (String line : wrap(s.explanation(), 100)) {
                out.println("   " + line);
            }
            for (String r : s.results()) {
                out.println("   " + r);
            }
            List<String> trace = traceLines(s.events(), full, run.info == null ? 0 : run.info.sharedMask());
            if (!trace.isEmpty()) {
                out.println("   trace:");
                trace.forEach(t -> out.println("     " + t));
            }
        }
        out.println();
        out.println("== Summary ==");
        summary(run).forEach((k, v) -> out.printf("   %-22s %s%n", k, v));
        if (!run.warnings.isEmpty()) {
            out.println("   warnings:");
            run.warnings.forEach(w -> out.println("     " + w));
        }
        if (run.failure != null) {
            out.println("   stopped: " + run.failure);
        }
        long failed = run.checks.stream().filter(c -> !c.passed()).count();
        out.printf("   checks                 %d passed, %d failed%n", run.checks.size() - failed, failed);
        if (run.hostile != null) {
            HostileChapterOutput.text(run.hostile, out, full);
        }
    }

    /**
     * The trace of a step: a top-level event with the calls nested under it indented; runs of alike groups (same
     * leaves, statuses and origins) folded into one line with a count unless {@code full} ({@link Folding}).
     */
    static List<String> traceLines(List<? extends DemoRun.Row> events, boolean full, long sharedMask) {
        return Folding.lines(events.stream().map(DemoRun.Row::traceRow).toList(), full, sharedMask);
    }

    private static Map<String, String> summary(DemoRun run) {
        Map<String, Long> count = new TreeMap<>();
        for (DemoRun.Entry e : run.events) {
            count.merge(e.event().kind().name(), 1L, Long::sum);
        }
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("TDCALLs", count.getOrDefault("TDCALL", 0L) + byLeaf(run, TraceEvent.Kind.TDCALL));
        m.put("TDVMCALLs", count.getOrDefault("TDVMCALL", 0L) + byLeaf(run, TraceEvent.Kind.TDVMCALL));
        m.put("#VEs", count.getOrDefault("VE", 0L) + byLeaf(run, TraceEvent.Kind.VE));
        m.put("failed calls", String.valueOf(run.events.stream().filter(e -> e.event().origin() != null).count()));
        m.put("console bytes", String.valueOf(run.console.length()));
        m.put("quote bytes", String.valueOf(run.quote.length));
        m.put("simulated time", String.format("%.3f ms", run.simulatedNanos / 1e6));
        m.put("wall time", String.format("%.0f ms", run.wallNanos / 1e6));
        return m;
    }

    /** The summary as numbers: per kind of event the count and the count per leaf; sizes; times. */
    private static Map<String, Object> summaryJson(DemoRun run) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (TraceEvent.Kind kind : TraceEvent.Kind.values()) {
            Map<String, Long> byLeaf = new TreeMap<>();
            run.events.stream().filter(e -> e.event().kind() == kind)
                    .forEach(e -> byLeaf.merge(e.event().leaf(), 1L, Long::sum));
            Map<String, Object> k = new java.util.LinkedHashMap<>();
            k.put("count", byLeaf.values().stream().mapToLong(Long::longValue).sum());
            k.put("byLeaf", byLeaf);
            m.put(JsonShapes.camelCase(kind.name()), k);
        }
        m.put("failedCalls", run.events.stream().filter(e -> e.event().origin() != null).count());
        m.put("consoleBytes", run.console.length());
        m.put("quoteBytes", run.quote.length);
        m.put("simulatedMillis", run.simulatedNanos / 1e6);
        m.put("wallMillis", run.wallNanos / 1e6);
        return m;
    }

    /** {@code " (Instruction.IO 72, MapGPA 3)"}: the events of {@code kind} by leaf, most frequent first. */
    private static String byLeaf(DemoRun run, TraceEvent.Kind kind) {
        Map<String, Long> n = new java.util.HashMap<>();
        run.events.stream().filter(e -> e.event().kind() == kind).forEach(e -> n.merge(e.event().leaf(), 1L,
                Long::sum));
        if (n.isEmpty()) {
            return "";
        }
        return n.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(java.util.stream.Collectors.joining(", ", " (", ")"));
    }

    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() + word.length() + 1 > width && !line.isEmpty()) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(word);
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    // ---------------------------------------------------------------- JSON

    static String json(DemoRun run) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        HexFormat hex = HexFormat.of();
        ObjectNode root = mapper.createObjectNode();
        root.put("console", run.console);
        long sharedMask = run.info == null ? 0 : run.info.sharedMask();
        ArrayNode events = root.putArray("events");
        for (DemoRun.Entry e : run.events) {
            ObjectNode o = events.addObject();
            event(o, e.event(), sharedMask);
            o.put("nested", e.nested());
            o.put("step", e.step());
        }
        ArrayNode rtmrs = root.putArray("rtmrs");
        run.rtmrs.forEach(r -> rtmrs.add(hex.formatHex(r)));
        root.put("reportData", hex.formatHex(run.reportData));
        root.put("tdReport", hex.formatHex(run.tdReport));
        root.put("quote", hex.formatHex(run.quote));
        root.put("tcbStatus", run.tcbStatus);
        if (run.decodedQuote != null) {
            root.set("quoteFields", VerificationJson.tdQuoteFields(run.decodedQuote));
        } else {
            root.putNull("quoteFields");
        }
        if (run.info != null) {
            ObjectNode td = root.putObject("td");
            td.put("gpaWidth", run.info.gpaWidth());
            td.put("sharedMask", JsonShapes.u64(run.info.sharedMask()));
            td.set("tdAttributes", mapper.valueToTree(JsonShapes.tdAttributes(run.info.attributes())));
            td.put("septVeDisabled", run.info.septVeDisabled());
            td.put("reduceVe", run.info.reduceVe());
        }
        ArrayNode steps = root.putArray("steps");
        for (DemoRun.Step s : run.steps) {
            ObjectNode o = steps.addObject();
            o.put("number", s.number());
            o.put("title", s.title());
            o.put("explanation", s.explanation());
            ArrayNode r = o.putArray("results");
            s.results().forEach(r::add);
        }
        root.set("summary", mapper.valueToTree(summaryJson(run)));
        ArrayNode checks = root.putArray("checks");
        for (DemoRun.Check c : run.checks) {
            checks.addObject().put("name", c.name()).put("passed", c.passed());
        }
        ArrayNode warnings = root.putArray("warnings");
        run.warnings.forEach(warnings::add);
        root.put("failure", Objects.toString(run.failure, null));
        if (run.hostile != null) {
            root.set("hostile", HostileChapterOutput.json(run.hostile, mapper));
        }
        return mapper.writeValueAsString(root);
    }

    /** An event's kind, leaf, status, origin, #VE exit reason and RIP, and decoded detail, in that order. */
    static void event(ObjectNode o, TraceEvent ev, long sharedMask) {
        o.put("kind", ev.kind().name());
        o.put("leaf", ev.leaf());
        o.put("status", ev.status());
        o.put("origin", ev.origin() == null ? null : ev.origin().name());
        if (ev instanceof TraceEvent.Ve ve) {
            o.put("exitReason", ve.exitReason().raw());
            o.put("rip", JsonShapes.u64(ve.rip()));
        }
        o.put("detail", switch (ev) {
            case TraceEvent.Tdcall t -> TraceFormatter.tdcallArgs(t);
            case TraceEvent.Tdvmcall v -> TraceFormatter.vmcallArgs(v, sharedMask);
            case TraceEvent.Ve ve -> "RIP=0x" + Long.toHexString(ve.rip());
        });
    }
}
