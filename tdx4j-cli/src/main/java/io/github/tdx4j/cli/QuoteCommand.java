package io.github.tdx4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.cli.AttestationBackends.Need;
import io.github.tdx4j.cli.AttestationBackends.Ready;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tdx4j quote}: a TDX quote binding REPORTDATA. */
@Command(name = "quote", mixinStandardHelpOptions = true,
        description = {"Get a TDX quote (configfs-tsm, GetQuote through the host's quote service) binding REPORTDATA.",
                "",
                "Examples:",
                "  tdx4j quote --report-data 00112233 --out quote.dat",
                "  tdx4j quote --simulated --out quote.dat --collateral-out collateral.json --root-out root.pem", ""})
final class QuoteCommand extends AttestationCommand {
    @Option(names = "--report-data", paramLabel = "HEX",
            description = "REPORTDATA in hex, at most 64 bytes, padded with zero bytes (default: 64 zero bytes).")
    String reportDataHex;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the raw quote bytes to FILE.")
    Path out;

    @Option(names = "--collateral-out", paramLabel = "FILE",
            description = "With --simulated: write the simulated platform's QuoteCollateralV3 JSON to FILE.")
    Path collateralOut;

    @Option(names = "--root-out", paramLabel = "FILE",
            description = "With --simulated: write the simulated platform's root CA certificate (PEM) to FILE.")
    Path rootOut;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--event-log", paramLabel = "FILE",
            description = "With --simulated: quote the simulated TD of this runtime event log (its earlier extends are restored first).")
    Path eventLog;

    private byte[] data;

    @Override
    Need need() {
        return Need.QUOTE;
    }

    @Override
    String checkOptions() {
        data = reportData(reportDataHex);
        if (!simulated && eventLog != null) {
            return "--event-log names a simulated TD and needs --simulated; on a TD the quote always carries the "
                    + "current RTMRs";
        }
        if (!simulated && (collateralOut != null || rootOut != null)) {
            return "--collateral-out and --root-out need --simulated: a real platform's collateral comes from "
                    + "Intel PCS or your PCCS";
        }
        return null;
    }

    @Override
    int run(Ready backend, PrintWriter stdout) throws IOException {
        if (simulated && eventLog != null) {
            RuntimeLog.restoreSimulated(backend.attestation(), eventLog);
        }
        byte[] quote = backend.attestation().quote(data);
        // All output files or none: a second file that cannot be written leaves the first one as it was.
        CliFiles.Outputs outputs = new CliFiles.Outputs();
        try {
            if (out != null) {
                outputs.stage(out, quote);
            }
            if (collateralOut != null || rootOut != null) {
                AttestationBackends.PlatformEvidence evidence = backend.platform().orElseThrow(() -> new IOException(
                        "the " + backend.label() + " backend has no collateral or root certificate to write"));
                if (collateralOut != null) {
                    outputs.stage(collateralOut, evidence.collateralJson().getBytes(StandardCharsets.UTF_8));
                }
                if (rootOut != null) {
                    outputs.stage(rootOut, evidence.rootCertificatePem().getBytes(StandardCharsets.US_ASCII));
                }
            }
            outputs.commit();
        } catch (CliFiles.FileFailure e) {
            throw new IOException(e.getMessage() + ".", e);
        } finally {
            outputs.discard();
        }
        // Quote header (Intel TDX DCAP Quote Generation Library, "Quote Format"): version u16 at 0, TEE type u32 at
        // 4 (0x81 = TDX), little-endian; printed for orientation, not verified here.
        ByteBuffer b = ByteBuffer.wrap(quote).order(ByteOrder.LITTLE_ENDIAN);
        boolean hasHeader = quote.length >= 8;
        Integer version = hasHeader ? Short.toUnsignedInt(b.getShort(0)) : null;
        Integer teeType = hasHeader ? b.getInt(4) : null;
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("backend", backend.label());
            root.put("reportData", JsonShapes.hex(data));
            root.put("size", quote.length);
            root.put("version", version);
            root.put("teeType", teeType == null ? null : JsonShapes.u32(teeType));
            if (out != null) {
                root.put("out", CliPaths.show(out));
            } else {
                root.put("quote", JsonShapes.hex(quote));
            }
            stdout.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            stdout.printf("%-11s %s%n", "backend", backend.label());
            stdout.printf("%-11s %s%n", "reportdata", HEX.formatHex(data));
            stdout.printf("%-11s %d bytes, version %s, TEE type %s%n", "quote", quote.length,
                    version == null ? "?" : version, teeType == null ? "?" : String.format("0x%x", teeType));
            if (out != null) {
                stdout.printf("%-11s %s%n", "written to", CliPaths.show(out));
            } else {
                stdout.println(HEX.formatHex(quote));
            }
        }
        return Main.OK;
    }
}
