package io.github.tdx4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.cli.AttestationBackends.Need;
import io.github.tdx4j.cli.AttestationBackends.Ready;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tdx4j rtmr}: the four RTMRs. */
@Command(name = "rtmr", mixinStandardHelpOptions = true,
        description = {"Print the four runtime measurement registers RTMR0..3 (SHA-384).", "",
                "Examples:",
                "  tdx4j rtmr",
                "  tdx4j rtmr --simulated --json", ""})
final class RtmrCommand extends AttestationCommand {
    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    Need need() {
        return Need.RTMR_READ;
    }

    @Override
    int run(Ready backend, PrintWriter out) throws IOException {
        List<byte[]> rtmrs = backend.attestation().rtmrs();
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("backend", backend.label());
            root.put("rtmrs", JsonShapes.rtmrs(rtmrs));
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return Main.OK;
        }
        out.printf("%-8s %s%n", "backend", backend.label());
        for (int i = 0; i < rtmrs.size(); i++) {
            out.printf("%-8s %s%n", "rtmr" + i, HEX.formatHex(rtmrs.get(i)));
        }
        return Main.OK;
    }
}
