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
            SgxReportBody qeReport = SgxReportBody.read(payload);
            byte[] qeReportSignature = payload.bytes("qe_report_signature", ECDSA_P256_SIZE);
            int authSize = payload.u16("qe_auth_data_size");
            byte[] qeAuthData = payload.bytes("qe_auth_data", authSize);
            CertificationData inner = read(payload, "qe_certification_data", true);
            payload.expectEnd(field + ".size");
            return new QeReportCertificationData(qeReport, qeReportSignature, qeAuthData, inner);
        }
        byte[] data = payload.rest();
        return type.equals(CertificationDataType.PCK_CERT_CHAIN)
                ? new PckCertChain(data) : new OpaqueCertificationData(type, data);
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
