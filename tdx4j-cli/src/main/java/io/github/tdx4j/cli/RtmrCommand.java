package io.github.tdx4j.cli;

import io.github.tdx4j.cli.AttestationBackends.Need;
import io.github.tdx4j.cli.AttestationBackends.Ready;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code tdx4j rtmr}: the four RTMRs. */
@Command(name = "rtmr", mixinStandardHelpOptions = true,
        description = {"Print the four runtime measurement registers RTMR0..3 (SHA-384).", ""})
final class RtmrCommand extends AttestationCommand {
    @Override
    Need need() {
        return Need.RTMR_READ;
    }

    @Override
    int run(Ready backend, PrintWriter out) {
        List<byte[]> rtmrs = backend.attestation().rtmrs();
        out.printf("%-8s %s%n", "backend", backend.label());
        for (int i = 0; i < rtmrs.size(); i++) {
            out.printf("%-8s %s%n", "rtmr" + i, HEX.formatHex(rtmrs.get(i)));
        }
        return Main.OK;
    }
}
