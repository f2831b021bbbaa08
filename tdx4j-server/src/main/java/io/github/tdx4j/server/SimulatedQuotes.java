package io.github.tdx4j.server;

import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.ReportMacStruct;
import io.github.tdx4j.attest.format.TdReport;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.quote.QuoteGenerationException;
import io.github.tdx4j.sim.quote.SimulatedQuotingService;

/**
 * Many distinct quotes of the simulated platform that {@code tdx4j quote --simulated} and {@code tdx4j serve
 * --simulated} use (a production TD with {@link SimSettings#strict()}'s seed), for tests, load tests and demos.
 *
 * <p>One TDREPORT is taken from a booted simulated TD with TDG.MR.REPORT; each quote is that report with its own
 * REPORTDATA, signed by a quoting service of the same seed (so the same keys, PCK chain and collateral). That
 * service accepts the edited report without its MAC check: REPORTDATA is covered by the TD report's MAC, which only
 * the simulated TDX module could recompute, and the quote signature, which is what verifiers check, is genuine.
 */
public final class SimulatedQuotes {
    private static final long REPORT_GPA = 0x10_0000;
    private static final long DATA_GPA = 0x10_0400;

    private final TdReport template;
    private final SimulatedQuotingService quoting;

    private SimulatedQuotes(TdReport template, SimulatedQuotingService quoting) {
        this.template = template;
        this.quoting = quoting;
    }

    /** The simulated platform of {@code tdx4j quote --simulated}, with quote version 4 or 5. */
    public static SimulatedQuotes defaultPlatform(int quoteVersion) {
        SimSettings settings = SimSettings.strict();
        SimulatedTd td = SimulatedTd.boot(TdConfig.production(), settings);
        td.memory().write(DATA_GPA, new byte[TdReportLayout.REPORTDATA_SIZE]);
        var result = new TdxCalls(td.transport()).tdcall(TdcallLeaf.TDG_MR_REPORT, REPORT_GPA, DATA_GPA, 0, 0, 0, 0);
        if (result.status().raw() != 0) {
            throw new IllegalStateException("TDG.MR.REPORT failed on the simulated TD: " + result.status());
        }
        try {
            TdReport report = TdReport.decode(td.memory().read(REPORT_GPA, TdReportLayout.SIZE));
            return new SimulatedQuotes(report, new SimulatedQuotingService(settings.seed(), quoteVersion, r -> true));
        } catch (MalformedEvidenceException e) {
            throw new IllegalStateException("the simulated TD's report does not decode", e);
        }
    }

    /** The simulated platform's root CA certificate, PEM. */
    public String rootPem() {
        return quoting.pki().rootPem();
    }

    /** The simulated platform's collateral, QuoteCollateralV3 JSON. */
    public String collateralJson() {
        return quoting.collateral().quoteCollateralV3Json();
    }

    /** A quote whose REPORTDATA is {@code reportData} (64 bytes). */
    public byte[] quote(byte[] reportData) {
        ReportMacStruct m = template.reportMacStruct();
        ReportMacStruct edited = new ReportMacStruct(m.reportType(), m.reserved1(), m.cpuSvn(), m.teeTcbInfoHash(),
                m.teeInfoHash(), reportData, m.reserved2(), m.mac());
        TdReport report = new TdReport(edited, template.teeTcbInfo(), template.reserved(), template.tdInfo());
        try {
            return quoting.getQuote(report.encode());
        } catch (QuoteGenerationException e) {
            throw new IllegalStateException("the simulated quoting service refused a report", e);
        }
    }

    /** Quote number {@code n}: REPORTDATA holds {@code n} big-endian in its first 8 bytes. */
    public byte[] quote(long n) {
        byte[] rd = new byte[TdReportLayout.REPORTDATA_SIZE];
        for (int i = 0; i < 8; i++) {
            rd[i] = (byte) (n >>> (56 - 8 * i));
        }
        return quote(rd);
    }
}
