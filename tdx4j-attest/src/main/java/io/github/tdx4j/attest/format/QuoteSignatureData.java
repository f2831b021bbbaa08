package io.github.tdx4j.attest.format;

import static io.github.tdx4j.attest.format.QuoteLayout.ECDSA_P256_SIZE;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * The quote's ECDSA-256 signature data ({@code sgx_ecdsa_sig_data_v4_t}), the same in v4 and v5. Layout in
 * {@link QuoteLayout#ECDSA_SIG_DATA_HEADER}.
 *
 * @param signature         ECDSA P-256 signature r‖s (big-endian, 64 bytes) over the signed region of the quote,
 *                          SHA-256
 * @param attestationKey    the ECDSA attestation public key x‖y (big-endian, 64 bytes, no 0x04 prefix)
 * @param certificationData the certification data; type 6 ({@link QeReportCertificationData}) in TD quotes
 */
public record QuoteSignatureData(byte[] signature, byte[] attestationKey, CertificationData certificationData) {
    public QuoteSignatureData {
        signature = Values.copy(signature, ECDSA_P256_SIZE, "signature");
        attestationKey = Values.copy(attestationKey, ECDSA_P256_SIZE, "attestationKey");
        if (certificationData == null) {
            throw new NullPointerException("certificationData");
        }
    }

    static QuoteSignatureData read(EvidenceReader r) throws MalformedEvidenceException {
        byte[] signature = r.bytes("quote_signature", ECDSA_P256_SIZE);
        byte[] key = r.bytes("attestation_key", ECDSA_P256_SIZE);
        CertificationData certificationData = Certifications.read(r, "certification_data", false);
        // Intel's QVL reads the structure and ignores bytes left inside signature_data_len; tdx4j refuses them, so
        // that a quote has one reading (tdx4j-attest/DEVIATIONS.md).
        // Deviation: D4 bytes left over inside signature_data_len make the quote malformed.
        r.expectEnd("signature_data_len");
        return new QuoteSignatureData(signature, key, certificationData);
    }

    /** The encoded signature data, as counted by signature_data_len. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(signature);
        out.writeBytes(attestationKey);
        out.writeBytes(Certifications.encode(certificationData));
        return out.toByteArray();
    }

    /** The QE report certification data (type 6), if that is what this signature data carries. */
    public Optional<QeReportCertificationData> qeReportCertificationData() {
        return certificationData instanceof QeReportCertificationData qe ? Optional.of(qe) : Optional.empty();
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
    public boolean equals(Object o) {
        return o instanceof QuoteSignatureData other && Arrays.equals(signature, other.signature)
                && Arrays.equals(attestationKey, other.attestationKey)
                && certificationData.equals(other.certificationData);
    }

    @Override
    public int hashCode() {
        return Values.hash(new Object[] {signature, attestationKey, certificationData});
    }

    @Override
    public String toString() {
        return Values.text("QuoteSignatureData", "signature", signature, "attestationKey", attestationKey,
                "certificationData", certificationData);
    }
}
