package io.github.tdx4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.cli.AttestationBackends.Need;
import io.github.tdx4j.cli.AttestationBackends.Ready;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

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
    int run(Ready backend, PrintWriter out) throws IOException {
        byte[] report = backend.attestation().report(data);
        if (json) {
            ByteBuffer b = ByteBuffer.wrap(report).order(ByteOrder.LITTLE_ENDIAN);
            int type = TdReportLayout.REPORTTYPE_OFFSET;
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("backend", backend.label());
            root.put("reportData", JsonShapes.hex(data));
            Map<String, Object> reportType = new LinkedHashMap<>();
            reportType.put("type", String.format("0x%02x", report[type] & 0xFF));
            reportType.put("subtype", report[type + 1] & 0xFF);
            reportType.put("version", report[type + 2] & 0xFF);
            root.put("reportType", reportType);
            root.put("teeTcbSvn", field(report, TdReportLayout.TEE_TCB_SVN_OFFSET, 16));
            root.put("mrSeam", field(report, TdReportLayout.MRSEAM_OFFSET, 48));
            root.put("tdAttributes", JsonShapes.tdAttributes(new TdAttributes(
                    b.getLong(TdReportLayout.ATTRIBUTES_OFFSET))));
            root.put("xfam", JsonShapes.u64(b.getLong(TdReportLayout.XFAM_OFFSET)));
            root.put("mrTd", field(report, TdReportLayout.MRTD_OFFSET, 48));
            root.put("mrConfigId", field(report, TdReportLayout.MRCONFIGID_OFFSET, 48));
            root.put("mrOwner", field(report, TdReportLayout.MROWNER_OFFSET, 48));
            root.put("mrOwnerConfig", field(report, TdReportLayout.MROWNERCONFIG_OFFSET, 48));
            List<String> rtmrs = new ArrayList<>();
            for (int i = 0; i < TdReportLayout.RTMR_COUNT; i++) {
                rtmrs.add(field(report, TdReportLayout.rtmrOffset(i), TdReportLayout.MEASUREMENT_SIZE));
            }
            root.put("rtmrs", rtmrs);
            root.put("tdReport", JsonShapes.hex(report));
            out.println(JSON.writeValueAsString(root));
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
