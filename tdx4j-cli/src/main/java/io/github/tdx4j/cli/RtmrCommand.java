package io.github.tdx4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.cli.AttestationBackends.Need;
import io.github.tdx4j.cli.AttestationBackends.Ready;
import io.github.tdx4j.attest.eventlog.RuntimeEventLog;
import io.github.tdx4j.attest.eventlog.RuntimeLogReplay;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tdx4j rtmr}: the four RTMRs. */
@Command(name = "rtmr", mixinStandardHelpOptions = true,
        description = {"Print the four runtime measurement registers RTMR0..3 (SHA-384).",
                "With --replay, replay the boot's CC event log (CCEL) and the runtime event log on them: exit 0 when "
                        + "they match (records whose extend never happened are named), 2 when not.", "",
                "Examples:",
                "  tdx4j rtmr --replay",
                "  tdx4j rtmr --simulated --event-log /tmp/td/events.cel.json-seq --replay",
                "  tdx4j rtmr --simulated --json", ""})
final class RtmrCommand extends AttestationCommand {
    @Option(names = "--json", description = "Print the RTMRs as JSON instead of text (not with --replay).")
    boolean json;

    @Option(names = "--replay", description = "Replay the CCEL and the runtime event log against the RTMRs.")
    boolean replay;

    @Option(names = "--event-log", paramLabel = "FILE",
            description = "The runtime event log (default on a TD: /run/tdx4j/runtime-events.cel.json-seq). With --simulated it also names the simulated TD whose extends are restored.")
    Path eventLog;

    @Option(names = "--ccel", paramLabel = "FILE",
            description = "The CCEL log area (default on a TD: /sys/firmware/acpi/tables/data/CCEL when readable; none: boot RTMRs are zero).")
    Path ccel;

    @Override
    String checkOptions() {
        if (replay && json) {
            return "--json prints the RTMRs only; use --replay without --json";
        }
        if (ccel != null && !replay) {
            return "--ccel is read by --replay; add --replay";
        }
        if (eventLog != null && !replay && !simulated) {
            return "--event-log is read by --replay (or names the simulated TD with --simulated); add --replay";
        }
        if (replay && simulated && eventLog == null) {
            return "--replay with --simulated needs --event-log FILE: each command boots a new simulated TD, which "
                    + "the log names";
        }
        return null;
    }

    @Override
    Need need() {
        return Need.RTMR_READ;
    }

    @Override
    int run(Ready backend, PrintWriter out) throws IOException {
        if (simulated && eventLog != null) {
            RuntimeLog.restoreSimulated(backend.attestation(), eventLog);
        }
        List<byte[]> rtmrs = backend.attestation().rtmrs();
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("backend", backend.label());
            root.put("rtmrs", JsonShapes.rtmrs(rtmrs));
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return Main.OK;
        }
        Path log = eventLog != null ? eventLog : RuntimeEventLog.DEFAULT_PATH;
        Path boot = ccel != null ? ccel : !simulated && Files.isReadable(RuntimeLog.CCEL_DATA) ? RuntimeLog.CCEL_DATA
                : null;
        // Both logs are read before anything is printed: a log that cannot be read is one sentence, not half a report.
        RuntimeLogReplay.Result r = replay ? RuntimeLogReplay.replay(RuntimeLog.bootValues(boot),
                RuntimeLog.read(log), rtmrs) : null;
        out.printf("%-8s %s%n", "backend", backend.label());
        for (int i = 0; i < rtmrs.size(); i++) {
            out.printf("%-8s %s%n", "rtmr" + i, HEX.formatHex(rtmrs.get(i)));
        }
        if (r == null) {
            return Main.OK;
        }
        ReplayReport.text(out, r, log, boot);
        return r.matches() ? Main.OK : Main.CHECK_FAILED;
    }
}
