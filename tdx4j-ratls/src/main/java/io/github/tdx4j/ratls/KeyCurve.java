package io.github.tdx4j.ratls;

/**
 * The curves of RA-TLS certificate keys: ECDSA P-256 (rats-tls, dstack, aTLS) or P-384 (Gramine, the Intel SGX
 * SDK), each with the signature algorithm of its TLS 1.3 scheme (RFC 8446 section 4.2.3, ecdsa_secp256r1_sha256,
 * ecdsa_secp384r1_sha384).
 */
public enum KeyCurve {
    P256("secp256r1", "SHA256withECDSA"),
    P384("secp384r1", "SHA384withECDSA");

    final String jcaCurve;
    final String signatureAlgorithm;

    KeyCurve(String jcaCurve, String signatureAlgorithm) {
        this.jcaCurve = jcaCurve;
        this.signatureAlgorithm = signatureAlgorithm;
    }
}
