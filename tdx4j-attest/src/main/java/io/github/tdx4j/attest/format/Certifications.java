package io.github.tdx4j.attest.format;

import static io.github.tdx4j.attest.format.QuoteLayout.ECDSA_P256_SIZE;

import io.github.tdx4j.attest.format.MalformedEvidenceException.Code;

/** Reads and writes the type‖size‖payload framing of {@link CertificationData}. */
final class Certifications {
    private Certifications() {
    }

    /** Reads one certification data item; {@code nested} is true inside type 6, where type 6 may not recur. */
    static CertificationData read(EvidenceReader r, String field, boolean nested) throws MalformedEvidenceException {
        int typeOffset = r.position();
        CertificationDataType type = new CertificationDataType(r.u16(field + ".type"));
        long size = r.u32(field + ".size");
        EvidenceReader payload = r.slice(field + ".data", size, Code.MALFORMED_CERTIFICATION_DATA);
        if (type.equals(CertificationDataType.QE_REPORT_CERTIFICATION_DATA)) {
            if (nested) {
                throw new MalformedEvidenceException(Code.MALFORMED_CERTIFICATION_DATA, field + ".type",
                        typeOffset, "QE report certification data (type 6) cannot nest inside type 6");
            }
            QeReportCertificationData qe = readQeReportPayload(payload);
            payload.expectEnd(field + ".size");
            return qe;
        }
        byte[] data = payload.rest();
        return type.equals(CertificationDataType.PCK_CERT_CHAIN)
                ? new PckCertChain(data) : new OpaqueCertificationData(type, data);
    }

    /**
     * The payload of type-6 certification data: QE report, its signature, QE auth data (u16 size) and the inner
     * certification data. An SGX quote v3 carries the same sequence directly in its signature data.
     */
    static QeReportCertificationData readQeReportPayload(EvidenceReader r) throws MalformedEvidenceException {
        SgxReportBody qeReport = SgxReportBody.read(r, "qe_report");
        byte[] qeReportSignature = r.bytes("qe_report_signature", ECDSA_P256_SIZE);
        int authSize = r.u16("qe_auth_data_size");
        byte[] qeAuthData = r.bytes("qe_auth_data", authSize);
        CertificationData inner = read(r, "qe_certification_data", true);
        return new QeReportCertificationData(qeReport, qeReportSignature, qeAuthData, inner);
    }

    /** type (u16) ‖ size (u32) ‖ payload. */
    static byte[] encode(CertificationData data) {
        byte[] payload = data.payload();
        byte[] out = new byte[QuoteLayout.CERTIFICATION_DATA_HEADER_SIZE + payload.length];
        Le.put16(out, 0, data.type().raw());
        Le.put32(out, 2, payload.length);
        System.arraycopy(payload, 0, out, QuoteLayout.CERTIFICATION_DATA_HEADER_SIZE, payload.length);
        return out;
    }
}
