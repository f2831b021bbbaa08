package io.github.tdx4j.attest.format;

import static io.github.tdx4j.abi.TdReportLayout.MEASUREMENT_SIZE;
import static io.github.tdx4j.abi.TdReportLayout.REPORTDATA_SIZE;
import static io.github.tdx4j.abi.TdReportLayout.RTMR_COUNT;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_MRSIGNER_SEAM_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_MR_CONFIG_ID_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_MR_OWNER_CONFIG_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_MR_OWNER_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_MR_SEAM_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_MR_SERVICETD_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_MR_TD_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_REPORT_DATA_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_RTMR0_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_SEAM_ATTRIBUTES_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_TD_ATTRIBUTES_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_TEE_TCB_SVN_2_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_TEE_TCB_SVN_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_XFAM_OFFSET;

import io.github.tdx4j.abi.TdAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The TD quote body: the TDREPORT fields the quote signs. 584 bytes for TDX 1.0 ({@code sgx_report2_body_t}), 648
 * for TDX 1.5 ({@code sgx_report2_body_v1_5_t}, which appends TEE_TCB_SVN_2 and MRSERVICETD). Offsets in
 * {@link QuoteLayout#TD_QUOTE_BODY_V5}.
 *
 * <p>For a TDX 1.0 body, {@code teeTcbSvn2} is an empty array and {@code mrServiceTd} is empty: the fields do not
 * exist.
 *
 * @param tdx15          whether this is the 648-byte TDX 1.5 body
 * @param teeTcbSvn      TEE_TCB_SVN, 16 bytes ([0] module minor SVN, [1] module major version, [2] microcode SVN)
 * @param mrSeam         MRSEAM, 48 bytes
 * @param mrSignerSeam   MRSIGNERSEAM, 48 bytes
 * @param seamAttributes SEAMATTRIBUTES (u64)
 * @param tdAttributes   TDATTRIBUTES
 * @param xfam           XFAM (u64)
 * @param mrTd           MRTD, 48 bytes
 * @param mrConfigId     MRCONFIGID, 48 bytes
 * @param mrOwner        MROWNER, 48 bytes
 * @param mrOwnerConfig  MROWNERCONFIG, 48 bytes
 * @param rtmrs          RTMR0..3, 48 bytes each
 * @param reportData     REPORTDATA, 64 bytes
 * @param teeTcbSvn2     TEE_TCB_SVN_2, 16 bytes (TDX 1.5), else empty
 * @param mrServiceTd    MRSERVICETD (TDX 1.5), else empty
 */
public record TdQuoteBody(boolean tdx15, byte[] teeTcbSvn, Measurement mrSeam, Measurement mrSignerSeam,
        long seamAttributes, TdAttributes tdAttributes, long xfam, Measurement mrTd, Measurement mrConfigId,
        Measurement mrOwner, Measurement mrOwnerConfig, List<Measurement> rtmrs, byte[] reportData, byte[] teeTcbSvn2,
        Optional<Measurement> mrServiceTd) {
    static final int SVN_SIZE = 16;

    public TdQuoteBody {
        if (tdAttributes == null) {
            throw new NullPointerException("tdAttributes");
        }
        teeTcbSvn = Values.copy(teeTcbSvn, SVN_SIZE, "teeTcbSvn");
        Objects.requireNonNull(mrSeam, "mrSeam");
        Objects.requireNonNull(mrSignerSeam, "mrSignerSeam");
        Objects.requireNonNull(mrTd, "mrTd");
        Objects.requireNonNull(mrConfigId, "mrConfigId");
        Objects.requireNonNull(mrOwner, "mrOwner");
        Objects.requireNonNull(mrOwnerConfig, "mrOwnerConfig");
        rtmrs = Values.measurements(rtmrs, RTMR_COUNT, "rtmrs");
        reportData = Values.copy(reportData, REPORTDATA_SIZE, "reportData");
        teeTcbSvn2 = Values.copy(teeTcbSvn2, tdx15 ? SVN_SIZE : 0, "teeTcbSvn2");
        if (Objects.requireNonNull(mrServiceTd, "mrServiceTd").isPresent() != tdx15) {
            throw new IllegalArgumentException("mrServiceTd must be present exactly in a TDX 1.5 body");
        }
    }

    /**
     * The body a quoting enclave makes from {@code report}: the fields in the order of the TD quote body, TDX 1.5
     * fields only if {@code tdx15}.
     */
    public static TdQuoteBody fromReport(TdReport report, boolean tdx15) {
        TeeTcbInfo tcb = report.teeTcbInfo();
        TdInfo td = report.tdInfo();
        return new TdQuoteBody(tdx15, tcb.teeTcbSvn(), tcb.mrSeam(), tcb.mrSignerSeam(), tcb.attributes(),
                td.attributes(), td.xfam(), td.mrTd(), td.mrConfigId(), td.mrOwner(), td.mrOwnerConfig(), td.rtmrs(),
                report.reportData(), tdx15 ? tcb.teeTcbSvn2() : new byte[0],
                tdx15 ? Optional.of(td.servTdHash()) : Optional.empty());
    }

    /** The encoded size: 584 or 648. */
    public int size() {
        return tdx15 ? QuoteLayout.TDX15_BODY_SIZE : QuoteLayout.TDX10_BODY_SIZE;
    }

    /** Reads a body of {@link #size()} bytes; the caller has checked that they are there. */
    static TdQuoteBody read(EvidenceReader r, boolean tdx15) throws MalformedEvidenceException {
        r.require("td_quote_body", tdx15 ? QuoteLayout.TDX15_BODY_SIZE : QuoteLayout.TDX10_BODY_SIZE);
        byte[] svn = r.bytes("tee_tcb_svn", SVN_SIZE);
        Measurement mrSeam = Measurement.of(r.bytes("mr_seam", MEASUREMENT_SIZE));
        Measurement mrSignerSeam = Measurement.of(r.bytes("mrsigner_seam", MEASUREMENT_SIZE));
        long seamAttributes = r.u64("seam_attributes");
        TdAttributes attributes = new TdAttributes(r.u64("td_attributes"));
        long xfam = r.u64("xfam");
        Measurement mrTd = Measurement.of(r.bytes("mr_td", MEASUREMENT_SIZE));
        Measurement mrConfigId = Measurement.of(r.bytes("mr_config_id", MEASUREMENT_SIZE));
        Measurement mrOwner = Measurement.of(r.bytes("mr_owner", MEASUREMENT_SIZE));
        Measurement mrOwnerConfig = Measurement.of(r.bytes("mr_owner_config", MEASUREMENT_SIZE));
        List<Measurement> rtmrs = new ArrayList<>(RTMR_COUNT);
        for (int i = 0; i < RTMR_COUNT; i++) {
            rtmrs.add(Measurement.of(r.bytes("rt_mr" + i, MEASUREMENT_SIZE)));
        }
        byte[] reportData = r.bytes("report_data", REPORTDATA_SIZE);
        byte[] svn2 = tdx15 ? r.bytes("tee_tcb_svn_2", SVN_SIZE) : new byte[0];
        Optional<Measurement> mrServiceTd = tdx15
                ? Optional.of(Measurement.of(r.bytes("mr_servicetd", MEASUREMENT_SIZE))) : Optional.empty();
        return new TdQuoteBody(tdx15, svn, mrSeam, mrSignerSeam, seamAttributes, attributes, xfam, mrTd, mrConfigId,
                mrOwner, mrOwnerConfig, rtmrs, reportData, svn2, mrServiceTd);
    }

    void write(byte[] out, int off) {
        System.arraycopy(teeTcbSvn, 0, out, off + BODY_TEE_TCB_SVN_OFFSET, SVN_SIZE);
        mrSeam.copyTo(out, off + BODY_MR_SEAM_OFFSET);
        mrSignerSeam.copyTo(out, off + BODY_MRSIGNER_SEAM_OFFSET);
        Le.put64(out, off + BODY_SEAM_ATTRIBUTES_OFFSET, seamAttributes);
        Le.put64(out, off + BODY_TD_ATTRIBUTES_OFFSET, tdAttributes.raw());
        Le.put64(out, off + BODY_XFAM_OFFSET, xfam);
        mrTd.copyTo(out, off + BODY_MR_TD_OFFSET);
        mrConfigId.copyTo(out, off + BODY_MR_CONFIG_ID_OFFSET);
        mrOwner.copyTo(out, off + BODY_MR_OWNER_OFFSET);
        mrOwnerConfig.copyTo(out, off + BODY_MR_OWNER_CONFIG_OFFSET);
        for (int i = 0; i < RTMR_COUNT; i++) {
            rtmrs.get(i).copyTo(out, off + BODY_RTMR0_OFFSET + i * MEASUREMENT_SIZE);
        }
        System.arraycopy(reportData, 0, out, off + BODY_REPORT_DATA_OFFSET, REPORTDATA_SIZE);
        if (tdx15) {
            System.arraycopy(teeTcbSvn2, 0, out, off + BODY_TEE_TCB_SVN_2_OFFSET, SVN_SIZE);
            mrServiceTd.orElseThrow().copyTo(out, off + BODY_MR_SERVICETD_OFFSET);
        }
    }

    /** The encoded body, {@link #size()} bytes. */
    public byte[] encode() {
        byte[] out = new byte[size()];
        write(out, 0);
        return out;
    }

    @Override
    public byte[] teeTcbSvn() {
        return teeTcbSvn.clone();
    }

    /** RTMR {@code index} (0..3). */
    public Measurement rtmr(int index) {
        return rtmrs.get(index);
    }

    @Override
    public byte[] reportData() {
        return reportData.clone();
    }

    @Override
    public byte[] teeTcbSvn2() {
        return teeTcbSvn2.clone();
    }

    private Object[] parts() {
        return new Object[] {tdx15, teeTcbSvn, mrSeam, mrSignerSeam, seamAttributes, tdAttributes, xfam, mrTd,
                mrConfigId, mrOwner, mrOwnerConfig, rtmrs, reportData, teeTcbSvn2, mrServiceTd};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TdQuoteBody other && Values.equal(parts(), other.parts());
    }

    @Override
    public int hashCode() {
        return Values.hash(parts());
    }

    @Override
    public String toString() {
        return Values.text("TdQuoteBody", "tdx15", tdx15, "teeTcbSvn", teeTcbSvn, "mrSeam", mrSeam,
                "mrSignerSeam", mrSignerSeam, "seamAttributes", String.format("0x%016x", seamAttributes),
                "tdAttributes", tdAttributes, "xfam", String.format("0x%016x", xfam), "mrTd", mrTd,
                "mrConfigId", mrConfigId, "mrOwner", mrOwner, "mrOwnerConfig", mrOwnerConfig, "rtmrs", rtmrs,
                "reportData", reportData, "teeTcbSvn2", teeTcbSvn2, "mrServiceTd", mrServiceTd.map(Measurement::hex).orElse(""));
    }
}
