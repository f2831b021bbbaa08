package io.github.tdx4j.linux;

import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.sim.qgs.SimulatedQgsServer;
import io.github.tdx4j.sim.quote.SimulatedQuotingService;
import java.nio.file.Path;

/**
 * The simulator's QGS on a UNIX socket in a test folder, backed by the simulated quoting enclave. The fake kernel's
 * TDREPORTs carry no platform MAC, so this quoting service accepts any well-formed TDREPORT.
 */
final class SimulatedQgs {
    /** One quoting service for all tests: its key generation is the slow part. */
    static final SimulatedQuotingService QUOTING = new SimulatedQuotingService(7, 4, report -> true);

    private SimulatedQgs() {
    }

    static SimulatedQgsServer start(Path dir) {
        return SimulatedQgsServer.start(dir.resolve("qgs.sock"), QUOTING);
    }

    /** A TDREPORT_STRUCT with REPORTTYPE TDX and the given REPORTDATA, enough for the quoting service. */
    static byte[] report(byte[] reportData) {
        byte[] report = new byte[TdReportLayout.SIZE];
        report[TdReportLayout.REPORTTYPE_OFFSET] = TdReportLayout.TYPE_TDX;
        System.arraycopy(reportData, 0, report, TdReportLayout.REPORTDATA_OFFSET, 64);
        return report;
    }
}
