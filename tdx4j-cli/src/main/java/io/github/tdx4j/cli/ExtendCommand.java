package io.github.tdx4j.cli;

import io.github.tdx4j.cli.AttestationBackends.Need;
import io.github.tdx4j.cli.AttestationBackends.Ready;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.attest.eventlog.RuntimeEvent;
import io.github.tdx4j.attest.eventlog.RuntimeEventLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tdx4j extend}: RTMR[N] := SHA-384(RTMR[N] || digest). */
@Command(name = "extend", mixinStandardHelpOptions = true,
        description = {"Extend an RTMR with a SHA-384 digest (TDG.MR.RTMR.EXTEND through the RTMR sysfs files).",
                "The extend is first recorded in the persistent runtime event log (CEL-JSON, default "
                        + "/run/tdx4j/runtime-events.cel.json-seq), which tdx4j rtmr --replay and tdx4j verify "
                        + "--event-log replay. With --simulated the log is used only when --event-log is given; it "
                        + "then also keeps the simulated TD's RTMRs from one command to the next.", "",
                "Examples:",
                "  tdx4j extend --rtmr 2 --digest $(sha384sum app.jar | cut -d' ' -f1) --description app.jar",
                "  tdx4j extend --simulated --event-log /tmp/td/events.cel.json-seq --rtmr 3 --digest <96 hex>",
                "  tdx4j extend --simulated --rtmr 3 --digest <96 hex digits> --json", ""})
final class ExtendCommand extends AttestationCommand {
    @Option(names = "--rtmr", paramLabel = "N", required = true, description = "RTMR index, 0..3 (applications use 2 or 3).")
    int index;

    @Option(names = "--digest", paramLabel = "HEX", required = true, description = "The 48-byte digest, 96 hex digits.")
    String digestHex;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    Need need() {
        return Need.RTMR_EXTEND;
    }

    @Option(names = "--event-log", paramLabel = "FILE",
            description = "The runtime event log to record the extend in (default on a TD: /run/tdx4j/runtime-events.cel.json-seq; with --simulated: none).")
    Path eventLog;

    @Option(names = "--description", paramLabel = "TEXT", defaultValue = "tdx4j extend",
            description = "What was measured, kept in the event log (default: ${DEFAULT-VALUE}).")
    String description;

    private byte[] digest;

    @Override
    String checkOptions() {
        if (index < 0 || index > 3) {
            return "--rtmr must be 0..3, got " + index;
        }
        digest = parseHex(digestHex, "--digest");
        if (digest.length != 48) {
            return "--digest must be 48 bytes (96 hex digits), got " + digest.length;
        }
        return null;
    }

    @Override
    int run(Ready backend, PrintWriter out) throws IOException {
        Path log = eventLog != null ? eventLog : simulated ? null : RuntimeEventLog.DEFAULT_PATH;
        RuntimeEvent recorded = null;
        if (log == null) {
            backend.attestation().extendRtmr(index, digest, description);
        } else {
            checkLogPath(log);
            if (simulated) {
                RuntimeLog.restoreSimulated(backend.attestation(), log);
            }
            try {
                recorded = RuntimeEventLog.at(log).record(index, digest, description,
                        RuntimeLog.device(backend.attestation(), log, simulated, description));
            } catch (UncheckedIOException e) {
                throw new IOException("cannot record the extend in " + CliPaths.show(log) + " ("
                        + CliFiles.reason(e.getCause()) + ").", e);
            }
        }
        return print(backend, out, recorded, log);
    }

    /**
     * The runtime event log must be a file in a folder (made if missing): a directory, or a path under a file, gets
     * one sentence here rather than the file system's bare "Is a directory" or "File exists".
     */
    private static void checkLogPath(Path log) throws IOException {
        if (Files.isDirectory(log)) {
            throw new IOException("--event-log " + CliPaths.show(log) + " is a directory; name the log file.");
        }
        for (Path p = log.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new IOException("--event-log " + CliPaths.show(log) + " cannot be made: " + CliPaths.show(p)
                            + " is a file, not a folder.");
                }
                return;
            }
        }
    }

    private int print(Ready backend, PrintWriter out, RuntimeEvent recorded, Path log) throws IOException {
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("backend", backend.label());
            root.put("index", index);
            root.put("digest", JsonShapes.hex(digest));
            root.put("rtmrs", JsonShapes.rtmrs(backend.attestation().rtmrs()));
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return Main.OK;
        }
        out.printf("%-8s %s%n", "backend", backend.label());
        if (recorded != null) {
            out.printf("%-8s record %d in %s%n", "logged", recorded.recnum(), log);
        }
        out.printf("%-8s %s%n", "digest", HEX.formatHex(digest));
        out.printf("%-8s %s%n", "rtmr" + index, HEX.formatHex(backend.attestation().rtmrs().get(index)));
        return Main.OK;
    }
}
