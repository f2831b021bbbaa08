package io.github.tdx4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.cli.AttestationBackends.Need;
import io.github.tdx4j.cli.AttestationBackends.Ready;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tdx4j report}: a TDREPORT_STRUCT binding REPORTDATA, decoded. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Get a TDREPORT (TDG.MR.REPORT through /dev/tdx_guest) binding REPORTDATA and decode it.", "",
                "Examples:",
                "  tdx4j report --report-data 00112233",
                "  tdx4j report --simulated --json", ""})
final class ReportCommand extends AttestationCommand {
    @Option(names = "--report-data", paramLabel = "HEX",
            description = "REPORTDATA in hex, at most 64 bytes, padded with zero bytes (default: 64 zero bytes).")
    String reportDataHex;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    private byte[] data;

    @Override
    Need need() {
        return Need.REPORT;
    }

    @Override
    String checkOptions() {
        data = reportData(reportDataHex);
        return null;
    }

    @Override
    int run(Ready backend, PrintWriter out) {
        byte[] report = backend.attestation().report(data);
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            root.put("backend", backend.label());
            root.put("reportData", HEX.formatHex(data));
            for (String[] f : fields(report)) {
                root.put(f[0], f[1]);
            }
            ArrayNode rtmrs = root.putArray("rtmr");
            for (int i = 0; i < TdReportLayout.RTMR_COUNT; i++) {
                rtmrs.add(field(report, TdReportLayout.rtmrOffset(i), TdReportLayout.MEASUREMENT_SIZE));
            }
            root.put("tdreport", HEX.formatHex(report));
            out.println(root.toPrettyString());
        } else {
            out.printf("%-14s %s%n", "backend", backend.label());
            out.printf("%-14s %s%n", "reportdata", HEX.formatHex(data));
            for (String[] f : fields(report)) {
                out.printf("%-14s %s%n", f[0], f[1]);
            }
            for (int i = 0; i < TdReportLayout.RTMR_COUNT; i++) {
                out.printf("%-14s %s%n", "rtmr" + i,
                        field(report, TdReportLayout.rtmrOffset(i), TdReportLayout.MEASUREMENT_SIZE));
            }
            out.printf("%-14s %s%n", "tdreport", HEX.formatHex(report));
        }
        return Main.OK;
    }

    /** The TDREPORT_STRUCT fields a user checks, by TdReportLayout's offsets. */
    private static String[][] fields(byte[] r) {
        ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
        int type = TdReportLayout.REPORTTYPE_OFFSET;
        return new String[][] {
            {"reportType", String.format("type 0x%02x subtype %d version %d", r[type] & 0xFF, r[type + 1] & 0xFF,
                    r[type + 2] & 0xFF)},
            {"teeTcbSvn", field(r, TdReportLayout.TEE_TCB_SVN_OFFSET, 16)},
            {"mrSeam", field(r, TdReportLayout.MRSEAM_OFFSET, 48)},
            {"tdAttributes", new TdAttributes(b.getLong(TdReportLayout.ATTRIBUTES_OFFSET)).toString()},
            {"xfam", String.format("0x%016x", b.getLong(TdReportLayout.XFAM_OFFSET))},
            {"mrTd", field(r, TdReportLayout.MRTD_OFFSET, 48)},
            {"mrConfigId", field(r, TdReportLayout.MRCONFIGID_OFFSET, 48)},
            {"mrOwner", field(r, TdReportLayout.MROWNER_OFFSET, 48)},
            {"mrOwnerConfig", field(r, TdReportLayout.MROWNERCONFIG_OFFSET, 48)},
        };
    }

    private static String field(byte[] r, int offset, int size) {
        return HEX.formatHex(Arrays.copyOfRange(r, offset, offset + size));
    }
}
