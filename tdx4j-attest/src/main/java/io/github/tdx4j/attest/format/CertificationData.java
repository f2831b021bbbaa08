package io.github.tdx4j.attest.format;

/**
 * Certification data in a quote's signature data: how a verifier links the attestation key to Intel's PKI.
 *
 * <p>Encoded as type (u16), size (u32) and {@code size} bytes of payload ({@link QuoteLayout#CERTIFICATION_DATA_HEADER}).
 * TD quotes carry {@link QeReportCertificationData} (type 6), which nests a {@link PckCertChain} (type 5); any
 * other type is kept as {@link OpaqueCertificationData}.
 */
public sealed interface CertificationData permits QeReportCertificationData, PckCertChain, OpaqueCertificationData {
    /** The certification data type. */
    CertificationDataType type();

    /** The encoded payload, without the 6-byte type and size header. */
    byte[] payload();
}
