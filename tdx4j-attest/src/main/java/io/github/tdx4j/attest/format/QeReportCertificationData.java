package io.github.tdx4j.attest.format;

import static io.github.tdx4j.attest.format.QuoteLayout.ECDSA_P256_SIZE;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * Certification data type 6 ({@code sgx_qe_report_certification_data_t}): the quoting enclave's report, its
 * signature by the PCK key, the QE auth data and the inner certification data (normally the PCK chain, type 5).
 * Layout in {@link QuoteLayout#QE_REPORT_CERTIFICATION_DATA_HEADER}.
 *
 * @param qeReport          the QE report (384-byte SGX report body)
 * @param qeReportSignature ECDSA P-256 signature r‖s (big-endian, 64 bytes) by the PCK leaf key over the 384-byte
 *                          QE report
 * @param qeAuthData        QE authentication data (32 bytes in every real quote; 0 in Intel's sample), up to 65535
 * @param certificationData the inner certification data
 */
public record QeReportCertificationData(SgxReportBody qeReport, byte[] qeReportSignature, byte[] qeAuthData,
        CertificationData certificationData) implements CertificationData {

    public QeReportCertificationData {
        if (qeReport == null || certificationData == null) {
            throw new NullPointerException("qeReport and certificationData must not be null");
        }
        qeReportSignature = Values.copy(qeReportSignature, ECDSA_P256_SIZE, "qeReportSignature");
        qeAuthData = Values.copyAtMost(qeAuthData, 0xFFFF, "qeAuthData");
        if (certificationData instanceof QeReportCertificationData) {
            throw new IllegalArgumentException("QE report certification data cannot nest another one");
        }
    }

    @Override
    public CertificationDataType type() {
        return CertificationDataType.QE_REPORT_CERTIFICATION_DATA;
    }

    @Override
    public byte[] payload() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(qeReport.encode());
        out.writeBytes(qeReportSignature);
        byte[] size = new byte[2];
        Le.put16(size, 0, qeAuthData.length);
        out.writeBytes(size);
        out.writeBytes(qeAuthData);
        out.writeBytes(Certifications.encode(certificationData));
        return out.toByteArray();
    }

    /** The inner PCK certificate chain, if the inner certification data is type 5. */
    public Optional<PckCertChain> pckCertChain() {
        return certificationData instanceof PckCertChain chain ? Optional.of(chain) : Optional.empty();
    }

    @Override
    public byte[] qeReportSignature() {
        return qeReportSignature.clone();
    }

    @Override
    public byte[] qeAuthData() {
        return qeAuthData.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QeReportCertificationData other && qeReport.equals(other.qeReport)
                && Arrays.equals(qeReportSignature, other.qeReportSignature)
                && Arrays.equals(qeAuthData, other.qeAuthData) && certificationData.equals(other.certificationData);
    }

    @Override
    public int hashCode() {
        return Values.hash(new Object[] {qeReport, qeReportSignature, qeAuthData, certificationData});
    }

    @Override
    public String toString() {
        return Values.text("QeReportCertificationData", "qeReport", qeReport, "qeReportSignature",
                qeReportSignature, "qeAuthData", qeAuthData, "certificationData", certificationData);
    }
}
