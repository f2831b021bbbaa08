package io.github.tdx4j.attest.format;

import static io.github.tdx4j.attest.format.QuoteLayout.ECDSA_P256_SIZE;
import static io.github.tdx4j.attest.format.QuoteLayout.HEADER_SIZE;
import static io.github.tdx4j.attest.format.QuoteLayout.SGX_REPORT_BODY_SIZE;

import io.github.tdx4j.attest.format.MalformedEvidenceException.Code;
import java.util.Arrays;

/**
 * An SGX ECDSA quote, version 3: not TDX evidence, but it shares the QE report and PCK certificate path with TD
 * quotes, so the same verifier code can check it. {@link Quote} decodes TD quotes; this record decodes the v3
 * layout only.
 *
 * <p>Intel DCAP {@code sgx_quote_3.h}: {@code sgx_quote3_t} = header (48) ‖ ISV enclave report body (384) ‖
 * signature_data_len (u32) ‖ {@code sgx_ql_ecdsa_sig_data_t}: signature (64) ‖ attestation key (64) ‖ QE report
 * (384) ‖ QE report signature (64) ‖ QE auth data (u16 size, data) ‖ certification data (type, size, data). After
 * signature and key this is the same sequence as the payload of type-6 certification data in a TD quote, and it is
 * decoded into a {@link QeReportCertificationData}. In the v3 header the field {@link QuoteHeader#teeType()} holds
 * {@code att_key_data_0} (0) and {@link QuoteHeader#reserved()} holds QE SVN and PCE SVN (u16 each). The quote
 * signature covers header ‖ report body, bytes [0, 432).
 *
 * @param header                    the 48-byte header (version 3)
 * @param enclaveReport             the ISV enclave's report body
 * @param signature                 ECDSA P-256 signature r‖s over bytes [0, 432)
 * @param attestationKey            the ECDSA attestation public key x‖y
 * @param qeReportCertificationData QE report, its signature, QE auth data and certification data
 * @param trailingBytes             bytes after the signature data
 */
public record SgxQuote(QuoteHeader header, SgxReportBody enclaveReport, byte[] signature, byte[] attestationKey,
        QeReportCertificationData qeReportCertificationData, byte[] trailingBytes) {
    /** Quote version 3. */
    public static final int VERSION_3 = 3;
    /** Offset of signature_data_len, also the length of the signed region: 432. */
    public static final int SIGNATURE_DATA_LEN_OFFSET = HEADER_SIZE + SGX_REPORT_BODY_SIZE;

    public SgxQuote {
        if (header == null || enclaveReport == null || qeReportCertificationData == null) {
            throw new NullPointerException("header, enclaveReport and qeReportCertificationData must not be null");
        }
        if (header.version() != VERSION_3) {
            throw new IllegalArgumentException("an SGX quote here is version 3: " + header.version());
        }
        signature = Values.copy(signature, ECDSA_P256_SIZE, "signature");
        attestationKey = Values.copy(attestationKey, ECDSA_P256_SIZE, "attestationKey");
        trailingBytes = Values.copyAtMost(trailingBytes, Integer.MAX_VALUE, "trailingBytes");
    }

    /**
     * Decodes an SGX ECDSA quote v3.
     *
     * @throws MalformedEvidenceException {@link Code#UNSUPPORTED_QUOTE} if the version is not 3 or the key type not
     *                                    P-256; {@link Code#MALFORMED_QUOTE} or
     *                                    {@link Code#MALFORMED_CERTIFICATION_DATA} naming the field and offset
     */
    public static SgxQuote decode(byte[] bytes) throws MalformedEvidenceException {
        EvidenceReader r = new EvidenceReader(bytes, Code.MALFORMED_QUOTE);
        QuoteHeader header = QuoteHeader.read(r);
        if (header.version() != VERSION_3) {
            throw new MalformedEvidenceException(Code.UNSUPPORTED_QUOTE, "version", QuoteLayout.VERSION_OFFSET,
                    "is " + header.version() + "; an SGX ECDSA quote is version 3");
        }
        if (header.attestationKeyType() != QuoteHeader.ATT_KEY_TYPE_ECDSA_P256) {
            throw new MalformedEvidenceException(Code.UNSUPPORTED_QUOTE, "att_key_type",
                    QuoteLayout.ATT_KEY_TYPE_OFFSET,
                    "is " + header.attestationKeyType() + "; only 2 (ECDSA-256 with P-256) is decoded");
        }
        SgxReportBody report = SgxReportBody.read(r, "isv_enclave_report");
        long length = r.u32("signature_data_len");
        EvidenceReader s = r.slice("signature_data", length, Code.MALFORMED_QUOTE);
        byte[] signature = s.bytes("quote_signature", ECDSA_P256_SIZE);
        byte[] key = s.bytes("attestation_key", ECDSA_P256_SIZE);
        QeReportCertificationData qe = Certifications.readQeReportPayload(s);
        // Deviation: D4 as for TD quotes (QuoteSignatureData): no bytes left over inside signature_data_len.
        s.expectEnd("signature_data_len");
        return new SgxQuote(header, report, signature, key, qe, r.rest());
    }

    /** The bytes the quote signature covers: header ‖ ISV enclave report body (432 bytes). */
    public byte[] signedBytes() {
        byte[] out = new byte[SIGNATURE_DATA_LEN_OFFSET];
        header.write(out, 0);
        System.arraycopy(enclaveReport.encode(), 0, out, HEADER_SIZE, SGX_REPORT_BODY_SIZE);
        return out;
    }

    /** The encoded quote; byte-identical to what {@link #decode(byte[])} accepted. */
    public byte[] encode() {
        byte[] qe = qeReportCertificationData.payload();
        int signatureLength = 2 * ECDSA_P256_SIZE + qe.length;
        byte[] out = new byte[SIGNATURE_DATA_LEN_OFFSET + 4 + signatureLength + trailingBytes.length];
        System.arraycopy(signedBytes(), 0, out, 0, SIGNATURE_DATA_LEN_OFFSET);
        Le.put32(out, SIGNATURE_DATA_LEN_OFFSET, signatureLength);
        int at = SIGNATURE_DATA_LEN_OFFSET + 4;
        System.arraycopy(signature, 0, out, at, ECDSA_P256_SIZE);
        System.arraycopy(attestationKey, 0, out, at + ECDSA_P256_SIZE, ECDSA_P256_SIZE);
        System.arraycopy(qe, 0, out, at + 2 * ECDSA_P256_SIZE, qe.length);
        System.arraycopy(trailingBytes, 0, out, at + signatureLength, trailingBytes.length);
        return out;
    }

    /** The QE SVN from the v3 header (u16 at offset 8). */
    public int qeSvn() {
        byte[] r = header.reserved();
        return (r[0] & 0xFF) | (r[1] & 0xFF) << 8;
    }

    /** The PCE SVN from the v3 header (u16 at offset 10). */
    public int pceSvn() {
        byte[] r = header.reserved();
        return (r[2] & 0xFF) | (r[3] & 0xFF) << 8;
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public byte[] attestationKey() {
        return attestationKey.clone();
    }

    @Override
    public byte[] trailingBytes() {
        return trailingBytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SgxQuote other && header.equals(other.header) && enclaveReport.equals(other.enclaveReport)
                && Arrays.equals(signature, other.signature) && Arrays.equals(attestationKey, other.attestationKey)
                && qeReportCertificationData.equals(other.qeReportCertificationData)
                && Arrays.equals(trailingBytes, other.trailingBytes);
    }

    @Override
    public int hashCode() {
        return Values.hash(new Object[] {header, enclaveReport, signature, attestationKey, qeReportCertificationData,
                trailingBytes});
    }

    @Override
    public String toString() {
        return Values.text("SgxQuote", "header", header, "enclaveReport", enclaveReport, "signature", signature,
                "attestationKey", attestationKey, "qeReportCertificationData", qeReportCertificationData,
                "trailingBytes", trailingBytes);
    }
}
