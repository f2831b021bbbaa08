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
import io.github.tdx4j.sim.adversary.FaultClass;
import io.github.tdx4j.sim.adversary.InputSite;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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
@Command(name = "campaign", mixinStandardHelpOptions = true,
        description = {"Run the guest services on the simulator against an adversarial VMM and a faulty TDX module, "
                + "checking every oracle on every run; or replay one saved tape."})
final class CampaignCommand implements Callable<Integer> {
    @Option(names = "--runs", description = "Number of runs (default ${DEFAULT-VALUE}).", defaultValue = "10000")
    long runs;

    @Option(names = "--seed", description = "Campaign seed, decimal or 0x-hex (default ${DEFAULT-VALUE}).",
            defaultValue = "0x7d45ca4ba16e")
    String seed;

    @Option(names = "--shard", description = "Run only shard i of n (run k belongs to shard k mod n), as i/n.")
    String shard;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Option(names = "--replay", description = "Replay one tape file and print its trace.")
    Path replay;

    @Option(names = "--out", description = "Directory for failing tapes (default ${DEFAULT-VALUE}).",
            defaultValue = "campaign-failures")
    Path out;

    @Option(names = "--replay-every", description = "Replay every n-th run to check determinism "
            + "(default ${DEFAULT-VALUE}; failing runs are always replayed).", defaultValue = "16")
    int replayEvery;

    @Option(names = "--sites", description = "Print the input sites with their seam and fault classes, and stop.")
    boolean sites;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (sites) {
            printSites(o, null);
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
            err.println("tdx4j: --seed must be a decimal or 0x-hex 64-bit number, not \"" + seed + "\".");
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
                err.println("tdx4j: --shard must be i/n with 0 <= i < n, not \"" + shard + "\".");
                return Main.USAGE;
            }
        }
        if (runs < 0 || replayEvery < 1) {
            err.println("tdx4j: --runs must be >= 0 and --replay-every >= 1.");
            return Main.USAGE;
        }
        Campaign campaign = new Campaign(runs, s, shardIndex, shardCount, replayEvery, out);
        boolean terminal = !json && System.console() != null && System.console().isTerminal();
        long total = (runs + shardCount - 1 - shardIndex) / shardCount;
        CampaignReport report = campaign.execute(n -> {
            if (terminal) {
                progress(o, n, total);
            }
        });
        if (terminal) {
            o.print("\r" + " ".repeat(60) + "\r");
        }
        if (json) {
            o.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(report.toJson()));
        } else {
            printTable(o, report, s, shardIndex, shardCount);
        }
        for (CampaignReport.Failure f : report.failures()) {
            if (f.saved() != null && !json) {
                o.println("failing tape: " + f.saved() + "  (tdx4j campaign --replay " + f.saved() + ")");
            }
        }
        return report.passed() ? Main.OK : Main.CHECK_FAILED;
    }

    private static synchronized void progress(PrintWriter o, long n, long total) {
        int width = 40;
        int filled = total == 0 ? width : (int) (width * n / total);
        o.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + n + "/" + total);
        o.flush();
    }

    private int replay(PrintWriter o, PrintWriter err) throws IOException {
        if (!Files.isReadable(replay)) {
            err.println("tdx4j: cannot read tape file " + replay + ".");
            return Main.USAGE;
        }
        TapeFile t;
        try {
            t = TapeFile.read(replay);
        } catch (IllegalArgumentException e) {
            err.println("tdx4j: " + e.getMessage());
            return Main.USAGE;
        }
        if (t.version() != CampaignRun.MODEL_VERSION) {
            err.println("tdx4j: the tape was recorded with model version " + t.version() + "; this is version "
                    + CampaignRun.MODEL_VERSION + ", so it would not replay the same run.");
            return Main.USAGE;
        }
        RunResult r = CampaignRun.run(RunSpec.of(t.seed(), t.tape()).withText());
        RunResult again = CampaignRun.run(RunSpec.of(t.seed(), t.tape()).withText());
        o.println("replay of seed 0x" + Long.toHexString(t.seed()) + " tape " + t.tape() + " (model version "
                + t.version() + ")");
        o.println("operations: " + String.join(", ", r.operations()));
        r.trace().forEach(line -> o.println("  " + line));
        o.printf("trace hash 0x%016x, replayed 0x%016x%n", r.traceHash(), again.traceHash());
        boolean mismatch = r.traceHash() != again.traceHash();
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

    private static void printTable(PrintWriter o, CampaignReport r, long seed, int shard, int shards) {
        o.printf("tdx4j campaign: %d runs, seed 0x%x, shard %d/%d, model version %d%n", r.runs(), seed, shard, shards,
                CampaignRun.MODEL_VERSION);
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
