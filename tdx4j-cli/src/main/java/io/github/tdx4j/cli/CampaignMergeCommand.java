package io.github.tdx4j.cli;

import com.fasterxml.jackson.core.JacksonException;
import io.github.tdx4j.campaign.CampaignReport;
import io.github.tdx4j.campaign.ShardMerge;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tdx4j campaign merge SHARD.json...}: the report of a whole campaign from the {@code campaign --shard i/n
 * --json} reports of its shards, exactly as the unsharded campaign would print it (but its time, which is the
 * longest shard's). Exit 0 when every oracle count is 0, 2 when one is not, 1 when an input cannot be read, is not a
 * campaign report, or the inputs are not exactly the shards of one campaign (one sentence on stderr).
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Merge the --json reports of the shards of one campaign (--shard i/n, every i once, same seed, "
                + "runs, --replay-every and version) into the report of the unsharded campaign."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  merged; every oracle count is 0", "  1  an input cannot be read or is not a campaign report, "
                + "or the inputs are not the shards of one campaign (different seed, runs, --replay-every, model or "
                + "tdx4j version; a shard twice or missing)", "  2  merged; some oracle count is not 0"})
final class CampaignMergeCommand implements Callable<Integer> {
    /** The largest report read: a report has a fixed size (sites x classes) plus at most 20 failing cases. */
    static final int MAX_REPORT_SIZE = 4 << 20;

    @Parameters(arity = "1..*", paramLabel = "SHARD.json", description = "The shard reports (campaign --json).")
    List<Path> files;

    @Option(names = "--json", description = "Print the merged report as one JSON object instead of the table.")
    boolean json;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the merged JSON report to FILE.")
    Path out;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write the merged campaign's page (as campaign "
            + "--html: aggregates only, so a 10^6-run campaign run in shards gives a small page).")
    Path html;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<ShardMerge.Input> inputs = new ArrayList<>();
        String version = null;
        String versionSource = null;
        for (Path f : files) {
            String name = CliPaths.show(f);
            Map<?, ?> j;
            try {
                j = CampaignCommand.JSON.readValue(CliFiles.read(f, MAX_REPORT_SIZE, "a campaign report"), Map.class);
            } catch (CliFiles.FileFailure e) {
                err.println("tdx4j campaign merge: " + e.getMessage() + ".");
                return Main.USAGE;
            } catch (JacksonException e) {
                err.println("tdx4j campaign merge: " + name + " is not a tdx4j campaign --json report: it is not a "
                        + "JSON object.");
                return Main.USAGE;
            }
            if (j == null || !(j.get("tdx4jVersion") instanceof String v)) {
                err.println("tdx4j campaign merge: " + name + " is not a tdx4j campaign --json report: it has no "
                        + "string field tdx4jVersion.");
                return Main.USAGE;
            }
            if (version != null && !version.equals(v)) {
                err.println("tdx4j campaign merge: " + versionSource + " and " + name + " are not shards of one "
                        + "campaign: their tdx4j version differs (" + version + " and " + v + ").");
                return Main.USAGE;
            }
            version = v;
            versionSource = name;
            try {
                inputs.add(new ShardMerge.Input(name, CampaignReport.fromJson(j)));
            } catch (IllegalArgumentException | ArithmeticException e) {
                String why = e instanceof ArithmeticException ? "a number in it is out of range" : e.getMessage();
                err.println("tdx4j campaign merge: " + name + " is not a tdx4j campaign --json report: " + why + ".");
                return Main.USAGE;
            }
        }
        CampaignReport merged;
        try {
            merged = ShardMerge.merge(inputs);
        } catch (ShardMerge.Refused e) {
            err.println("tdx4j campaign merge: " + e.getMessage());
            return Main.USAGE;
        }
        if (out != null) {
            try {
                CliFiles.write(out, (CampaignCommand.JSON.writeValueAsString(CampaignCommand.toJson(merged, version))
                        + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (CliFiles.FileFailure e) {
                err.println("tdx4j campaign merge: " + e.getMessage() + ".");
                return Main.USAGE;
            }
        }
        if (html != null) {
            String title = "seed 0x" + Long.toHexString(merged.campaign().seed()) + ", merged from "
                    + inputs.size() + " shards";
            try {
                CliFiles.write(html, CampaignHtml.render(CampaignPage.of(merged, title))
                        .getBytes(StandardCharsets.UTF_8));
            } catch (CliFiles.FileFailure e) {
                err.println("tdx4j campaign merge: " + e.getMessage() + ".");
                return Main.USAGE;
            }
        }
        return CampaignCommand.print(o, merged, json, version);
    }
}
