package io.github.tdx4j.attest.format;

import static io.github.tdx4j.attest.format.QuoteLayout.REPORT_ATTRIBUTES_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.REPORT_CPU_SVN_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.REPORT_ISV_PROD_ID_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.REPORT_ISV_SVN_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.REPORT_MISC_SELECT_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.REPORT_MR_ENCLAVE_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.REPORT_MR_SIGNER_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.REPORT_REPORT_DATA_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.REPORT_RESERVED1_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.REPORT_RESERVED2_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.REPORT_RESERVED3_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.REPORT_RESERVED4_OFFSET;
import static io.github.tdx4j.attest.format.QuoteLayout.SGX_REPORT_BODY_SIZE;

/**
 * An SGX REPORT body (384 bytes), here the report of the quoting enclave (QE report) that the PCK key signs.
 * Offsets in {@link QuoteLayout#SGX_REPORT_BODY} (Intel SDM Vol. 3D, "REPORT", Table 38-21).
 *
 * <p>The QE binds the attestation key through REPORTDATA = SHA-256(attestation key ‖ QE auth data) ‖ 32 zero
 * bytes. A real TD QE has ISVPRODID 2 and MRSIGNER
 * {@code dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5}.
 *
 * @param cpuSvn     CPUSVN, 16 bytes
 * @param miscSelect MISCSELECT (u32)
 * @param reserved1  28 reserved bytes at 20
 * @param attributes ATTRIBUTES, 16 bytes
 * @param mrEnclave  MRENCLAVE, 32 bytes
 * @param reserved2  32 reserved bytes at 96
 * @param mrSigner   MRSIGNER, 32 bytes
 * @param reserved3  96 reserved bytes at 160
 * @param isvProdId  ISVPRODID (u16)
 * @param isvSvn     ISVSVN (u16)
 * @param reserved4  60 reserved bytes at 260
 * @param reportData REPORTDATA, 64 bytes
 */
public record SgxReportBody(byte[] cpuSvn, long miscSelect, byte[] reserved1, byte[] attributes, byte[] mrEnclave,
        byte[] reserved2, byte[] mrSigner, byte[] reserved3, int isvProdId, int isvSvn, byte[] reserved4,
        byte[] reportData) {

    public SgxReportBody {
        cpuSvn = Values.copy(cpuSvn, 16, "cpuSvn");
        if (miscSelect < 0 || miscSelect > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("miscSelect must be a u32: " + miscSelect);
        }
        reserved1 = Values.copy(reserved1, 28, "reserved1");
        attributes = Values.copy(attributes, 16, "attributes");
        mrEnclave = Values.copy(mrEnclave, 32, "mrEnclave");
        reserved2 = Values.copy(reserved2, 32, "reserved2");
        mrSigner = Values.copy(mrSigner, 32, "mrSigner");
        reserved3 = Values.copy(reserved3, 96, "reserved3");
        QuoteHeader.checkU16(isvProdId, "isvProdId");
        QuoteHeader.checkU16(isvSvn, "isvSvn");
        reserved4 = Values.copy(reserved4, 60, "reserved4");
        reportData = Values.copy(reportData, 64, "reportData");
    }

    static SgxReportBody read(EvidenceReader r) throws MalformedEvidenceException {
        r.require("qe_report", SGX_REPORT_BODY_SIZE);
        return new SgxReportBody(r.bytes("qe_report.cpu_svn", 16), r.u32("qe_report.misc_select"),
                r.bytes("qe_report.reserved1", 28), r.bytes("qe_report.attributes", 16),
                r.bytes("qe_report.mr_enclave", 32), r.bytes("qe_report.reserved2", 32),
                r.bytes("qe_report.mr_signer", 32), r.bytes("qe_report.reserved3", 96),
                r.u16("qe_report.isv_prod_id"), r.u16("qe_report.isv_svn"), r.bytes("qe_report.reserved4", 60),
                r.bytes("qe_report.report_data", 64));
    }

    /** Decodes a 384-byte SGX report body. */
    public static SgxReportBody decode(byte[] bytes) throws MalformedEvidenceException {
        EvidenceReader r = new EvidenceReader(bytes, MalformedEvidenceException.Code.MALFORMED_CERTIFICATION_DATA);
        SgxReportBody body = read(r);
        r.expectEnd("qe_report");
        return body;
    }

    /** The 384 encoded bytes: what the PCK key signs. */
    public byte[] encode() {
        byte[] out = new byte[SGX_REPORT_BODY_SIZE];
        System.arraycopy(cpuSvn, 0, out, REPORT_CPU_SVN_OFFSET, 16);
        Le.put32(out, REPORT_MISC_SELECT_OFFSET, miscSelect);
        System.arraycopy(reserved1, 0, out, REPORT_RESERVED1_OFFSET, 28);
        System.arraycopy(attributes, 0, out, REPORT_ATTRIBUTES_OFFSET, 16);
        System.arraycopy(mrEnclave, 0, out, REPORT_MR_ENCLAVE_OFFSET, 32);
        System.arraycopy(reserved2, 0, out, REPORT_RESERVED2_OFFSET, 32);
        System.arraycopy(mrSigner, 0, out, REPORT_MR_SIGNER_OFFSET, 32);
        System.arraycopy(reserved3, 0, out, REPORT_RESERVED3_OFFSET, 96);
        Le.put16(out, REPORT_ISV_PROD_ID_OFFSET, isvProdId);
        Le.put16(out, REPORT_ISV_SVN_OFFSET, isvSvn);
        System.arraycopy(reserved4, 0, out, REPORT_RESERVED4_OFFSET, 60);
        System.arraycopy(reportData, 0, out, REPORT_REPORT_DATA_OFFSET, 64);
        return out;
    }

    @Override
    public byte[] cpuSvn() {
        return cpuSvn.clone();
    }

    @Override
    public byte[] reserved1() {
        return reserved1.clone();
    }

    @Override
    public byte[] attributes() {
        return attributes.clone();
    }

    @Override
    public byte[] mrEnclave() {
        return mrEnclave.clone();
    }

    @Override
    public byte[] reserved2() {
        return reserved2.clone();
    }

    @Override
    public byte[] mrSigner() {
        return mrSigner.clone();
    }

    @Override
    public byte[] reserved3() {
        return reserved3.clone();
    }

    @Override
    public byte[] reserved4() {
        return reserved4.clone();
    }

    @Override
    public byte[] reportData() {
        return reportData.clone();
    }

    private Object[] parts() {
        return new Object[] {cpuSvn, miscSelect, reserved1, attributes, mrEnclave, reserved2, mrSigner, reserved3,
                isvProdId, isvSvn, reserved4, reportData};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SgxReportBody other && Values.equal(parts(), other.parts());
    }

    @Override
    public int hashCode() {
        return Values.hash(parts());
    }

    @Override
    public String toString() {
        return Values.text("SgxReportBody", "cpuSvn", cpuSvn, "miscSelect", String.format("0x%08x", miscSelect),
                "attributes", attributes, "mrEnclave", mrEnclave, "mrSigner", mrSigner, "isvProdId", isvProdId,
                "isvSvn", isvSvn, "reportData", reportData);
    }
}
