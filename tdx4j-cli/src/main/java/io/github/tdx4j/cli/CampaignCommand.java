package io.github.tdx4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.campaign.Campaign;
import io.github.tdx4j.campaign.CampaignReport;
import io.github.tdx4j.campaign.CampaignRun;
import io.github.tdx4j.campaign.Oracle;
import io.github.tdx4j.campaign.Outcome;
import io.github.tdx4j.campaign.RunResult;
import io.github.tdx4j.campaign.RunSpec;
import io.github.tdx4j.campaign.TapeFile;
import io.github.tdx4j.campaign.Violation;
import io.github.tdx4j.sim.adversary.FaultClass;
import io.github.tdx4j.sim.adversary.InputSite;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tdx4j campaign}: runs the fault campaign of tdx4j-campaign, or replays one saved tape. Exit 0 when every
 * oracle count is 0, 2 otherwise (each failing case written as a tape file whose path is printed), 1 on bad
 * arguments.
 */
@Command(name = "campaign", mixinStandardHelpOptions = true, subcommands = CampaignMergeCommand.class,
        description = {"Run the guest services on the simulator against an adversarial VMM and a faulty TDX module, "
                + "checking every oracle on every run; or replay one saved tape; or merge shard reports "
                + "(campaign merge)."})
final class CampaignCommand implements Callable<Integer> {
    @Option(names = "--runs", paramLabel = "N", description = "Number of runs, at least 1 (default ${DEFAULT-VALUE}).", defaultValue = "10000")
    long runs;

    @Option(names = "--seed", paramLabel = "S", description = "Campaign seed, decimal or 0x-hex (default ${DEFAULT-VALUE}).",
            defaultValue = "0x7d45ca4ba16e")
    String seed;

    @Option(names = "--shard", paramLabel = "i/n", description = "Run only shard i of n, 0 <= i < n (run k belongs "
            + "to shard k mod n); add up the shards' --json reports with campaign merge.")
    String shard;

    @Option(names = "--json", description = "Print one JSON object instead of text (with --sites and --replay too).")
    boolean json;

    @Option(names = "--replay", paramLabel = "TAPE", description = "Replay one tape file and print its trace.")
    Path replay;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory for failing tapes (default ${DEFAULT-VALUE}).",
            defaultValue = "campaign-failures")
    Path out;

    @Option(names = "--replay-every", paramLabel = "N", description = "Replay every n-th run to check determinism "
            + "(default ${DEFAULT-VALUE}; failing runs are always replayed).", defaultValue = "16")
    int replayEvery;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML page: a heat map of "
            + "input site x fault class, the outcome totals, the oracles and each failing case with its replay command "
            + "(aggregates only: its size does not grow with --runs).")
    Path html;

    @Option(names = "--sites", description = "Print the input sites with their seam and fault classes, and stop.")
    boolean sites;

    @Option(names = "--quiet", description = "No progress on stderr (e.g. in a pod whose log is collected as the "
            + "JSON report).")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Set by {@link Main#commandLine(AttestationBackends, CliEnvironment)}: the clock and terminal for progress. */
    CliEnvironment env = CliEnvironment.EMBEDDED;

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (sites) {
            if (json) {
                o.println(JSON.writeValueAsString(sitesJson()));
            } else {
                printSites(o, null);
            }
            return Main.OK;
        }
        if (replay != null) {
            return replay(o, err);
        }
        long s;
        int shardIndex = 0;
        int shardCount = 1;
        try {
            s = seed.startsWith("0x") || seed.startsWith("0X") ? Long.parseUnsignedLong(seed.substring(2), 16)
                    : Long.parseLong(seed);
        } catch (NumberFormatException e) {
            err.println("tdx4j campaign: --seed must be a decimal or 0x-hex 64-bit number, not \"" + seed + "\".");
            return Main.USAGE;
        }
        if (shard != null) {
            String[] p = shard.split("/");
            try {
                shardIndex = Integer.parseInt(p[0]);
                shardCount = p.length == 2 ? Integer.parseInt(p[1]) : -1;
            } catch (NumberFormatException e) {
                shardCount = -1;
            }
            if (shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount) {
                err.println("tdx4j campaign: --shard must be i/n with 0 <= i < n, not \"" + shard + "\".");
                return Main.USAGE;
            }
        }
        if (runs < 1 || replayEvery < 1) {
            err.println("tdx4j campaign: --runs must be at least 1 (zero runs check nothing) and --replay-every at "
                    + "least 1.");
            return Main.USAGE;
        }
        long total = runs / shardCount + (shardIndex < runs % shardCount ? 1 : 0);
        if (total == 0) {
            err.println("tdx4j campaign: shard " + shardIndex + "/" + shardCount + " of " + runs + " runs has no run "
                    + "(run k belongs to shard k mod n); zero runs check nothing.");
            return Main.USAGE;
        }
        Campaign campaign = new Campaign(runs, s, shardIndex, shardCount, replayEvery, out);
        Progress progress = new Progress(err, env.stderrTerminal(), env.nanoClock(), total, "runs");
        CampaignReport report = campaign.execute(quiet ? n -> { } : progress::update);
        if (!quiet) {
            progress.finish();
        }
        if (html != null) {
            String title = "seed 0x" + Long.toHexString(s) + ", shard " + shardIndex + "/" + shardCount;
            try {
                CliFiles.write(html, CampaignHtml.render(CampaignPage.of(report, title))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (CliFiles.FileFailure e) {
                err.println("tdx4j campaign: " + e.getMessage() + ".");
                return Main.USAGE;
            }
        }
        return print(o, report, json, Main.Version.number());
    }

    /**
     * Prints {@code report} as JSON ({@link #toJson}) or as the table with the failing tapes; returns the exit code:
     * 0 when every oracle count is 0, else 2.
     */
    static int print(PrintWriter o, CampaignReport report, boolean json, String version) throws IOException {
        if (json) {
            o.println(JSON.writeValueAsString(toJson(report, version)));
        } else {
            printTable(o, report);
        }
        for (CampaignReport.Failure f : report.failures()) {
            if (f.saved() != null && !json) {
                String shown = CliPaths.show(f.saved());
                o.println("failing tape: " + shown + "  (tdx4j campaign --replay " + shown + ")");
            }
        }
        return report.passed() ? Main.OK : Main.CHECK_FAILED;
    }

    /** The JSON object of {@code campaign --json}: the report and the tdx4j {@code version} that ran it. */
    static Map<String, Object> toJson(CampaignReport report, String version) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("tdx4jVersion", version);
        j.putAll(report.toJson());
        return j;
    }

    private int replay(PrintWriter o, PrintWriter err) throws IOException {
        TapeFile t;
        try {
            t = TapeFile.parse(CliPaths.show(replay), CliFiles.read(replay, TapeFile.MAX_SIZE, "a tape file"));
        } catch (CliFiles.FileFailure | IllegalArgumentException e) {
            err.println("tdx4j campaign: " + e.getMessage() + ".");
            return Main.USAGE;
        }
        if (t.version() != CampaignRun.MODEL_VERSION) {
            err.println("tdx4j campaign: the tape was recorded with model version " + t.version() + "; this is "
                    + "version " + CampaignRun.MODEL_VERSION + ", so it would not replay the same run.");
            return Main.USAGE;
        }
        RunResult r = CampaignRun.run(RunSpec.of(t.seed(), t.tape()).withText());
        RunResult again = CampaignRun.run(RunSpec.of(t.seed(), t.tape()).withText());
        boolean mismatch = r.traceHash() != again.traceHash();
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("modelVersion", t.version());
            j.put("seed", "0x" + Long.toHexString(t.seed()));
            j.put("tape", t.tape().toString());
            j.put("operations", r.operations());
            j.put("trace", r.trace());
            j.put("traceHash", String.format("0x%016x", r.traceHash()));
            j.put("replayedTraceHash", String.format("0x%016x", again.traceHash()));
            List<Map<String, Object>> violations = new ArrayList<>();
            for (Violation v : r.violations()) {
                violations.add(violation(v.oracle().name(), v.toString()));
            }
            if (mismatch) {
                violations.add(violation(Oracle.REPLAY_MISMATCH.name(), "two replays gave different traces"));
            }
            j.put("passed", violations.isEmpty());
            j.put("violations", violations);
            o.println(JSON.writeValueAsString(j));
            return violations.isEmpty() ? Main.OK : Main.CHECK_FAILED;
        }
        o.println("replay of seed 0x" + Long.toHexString(t.seed()) + " tape " + t.tape() + " (model version "
                + t.version() + ")");
        o.println("operations: " + String.join(", ", r.operations()));
        r.trace().forEach(line -> o.println("  " + line));
        o.printf("trace hash 0x%016x, replayed 0x%016x%n", r.traceHash(), again.traceHash());
        if (r.passed() && !mismatch) {
            o.println("every oracle holds");
            return Main.OK;
        }
        r.violations().forEach(v -> o.println("VIOLATION " + v));
        if (mismatch) {
            o.println("VIOLATION REPLAY_MISMATCH: two replays gave different traces");
        }
        return Main.CHECK_FAILED;
    }

    private static Map<String, Object> violation(String oracle, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("oracle", oracle);
        m.put("detail", detail);
        return m;
    }

    /** {@code --sites --json}: the input sites with their seam, fault classes and description. */
    private static Map<String, Object> sitesJson() {
        Map<String, Object> sites = new LinkedHashMap<>();
        for (InputSite s : InputSite.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seam", s.seam().name());
            e.put("classes", s.classes().stream().map(Enum::name).toList());
            e.put("description", s.description());
            sites.put(s.name(), e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("modelVersion", CampaignRun.MODEL_VERSION);
        m.put("inputSites", InputSite.values().length);
        m.put("sites", sites);
        return m;
    }

    private static void printTable(PrintWriter o, CampaignReport r) {
        o.printf("tdx4j campaign: %d runs, seed 0x%x, shard %d/%d, model version %d%n", r.runs(), r.campaign().seed(),
                r.campaign().shard(), r.campaign().shards(), r.modelVersion());
        o.printf("%.1f s, %.0f runs/s%n%n", r.elapsedNanos() / 1e9, r.runsPerSecond());
        o.printf("%-22s %12s%n", "oracle", "failing runs");
        for (Oracle oracle : Oracle.values()) {
            o.printf("%-22s %12d%n", oracle.jsonName(), r.count(oracle));
        }
        o.printf("%n%-10s %12s %12s %12s %12s%n", "outcome", "no origin", "GUEST_BUG", "TDX_MODULE", "VMM");
        for (Outcome oc : Outcome.values()) {
            o.printf("%-10s %12d %12d %12d %12d%n", oc.name().toLowerCase(Locale.ROOT),
                    r.outcomes(oc, null), r.outcomes(oc, Origin.GUEST_BUG), r.outcomes(oc, Origin.TDX_MODULE),
                    r.outcomes(oc, Origin.VMM));
        }
        o.println();
        printSites(o, r);
        o.println(r.passed() ? "\nall oracles hold" : "\nORACLE FAILURES: " + r.failures().size() + " case(s) saved");
    }

    /** The input-site list from the registry; with a report, the runs that reached each site and the classes hit. */
    private static void printSites(PrintWriter o, CampaignReport r) {
        if (r == null) {
            o.printf("%-26s %-11s %-8s %s%n", "input site (" + InputSite.values().length + ")", "seam", "classes",
                    "what");
        } else {
            o.printf("%-26s %-11s %10s %-12s %s%n", "input site (" + InputSite.values().length + ")", "seam", "runs",
                    "classes hit", "what");
        }
        for (InputSite s : InputSite.values()) {
            String classes = (r == null ? s.classes() : r.siteClasses(s)).stream().map(FaultClass::name)
                    .collect(Collectors.joining(""));
            if (r == null) {
                o.printf("%-26s %-11s %-8s %s%n", s.name(), s.seam().name(), classes, s.description());
            } else {
                o.printf("%-26s %-11s %10d %-12s %s%n", s.name(), s.seam().name(), r.siteRuns(s), classes,
                        s.description());
            }
        }
    }
}
