package io.github.tdx4j.cli;

import io.github.tdx4j.cli.AttestationBackends.Need;
import io.github.tdx4j.cli.AttestationBackends.Ready;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tdx4j extend}: RTMR[N] := SHA-384(RTMR[N] || digest). */
@Command(name = "extend", mixinStandardHelpOptions = true,
        description = {"Extend an RTMR with a SHA-384 digest (TDG.MR.RTMR.EXTEND through the RTMR sysfs files).",
                "Record what you extend in your event log: a verifier replays it to check the RTMR.", "",
                "Example:",
                "  tdx4j extend --rtmr 2 --digest $(sha384sum app.jar | cut -d' ' -f1)",
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
        backend.attestation().extendRtmr(index, digest, "tdx4j extend");
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
        out.printf("%-8s %s%n", "digest", HEX.formatHex(digest));
        out.printf("%-8s %s%n", "rtmr" + index, HEX.formatHex(backend.attestation().rtmrs().get(index)));
        return Main.OK;
    }
}
