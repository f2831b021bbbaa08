package io.github.tdx4j.ratls;

/** The RA-TLS certificate formats tdx4j reads; it writes only {@link #CCC}. */
public enum Profile {
    /**
     * CCC Attestation SIG interoperable RA-TLS: extension {@value RatlsOids#TCG_DICE_CMW}, extnValue = CBOR
     * {@code 60000([quote, claims])}, REPORTDATA[0..32) = SHA-256(claims). Gramine ≥ 1.8, Intel SGX SDK ≥ 2.22,
     * rats-tls, rats-rs, TNG, tdx4j.
     */
    CCC,
    /**
     * The IETF CMW extension {@value RatlsOids#ID_PE_CMW} wrapping the same CBOR evidence in its {@code cbor}
     * OCTET STRING choice.
     */
    CMW,
    /**
     * dstack: extension {@value RatlsOids#DSTACK_TDX_QUOTE} whose extnValue holds an OCTET STRING holding the raw
     * quote; REPORTDATA = SHA-512("ratls-cert:" ‖ SubjectPublicKeyInfo DER) (Dstack-TEE/dstack
     * {@code ra-tls/src/cert.rs}, {@code QuoteContentType::to_report_data}); for a TD quote, the event log
     * extension {@value RatlsOids#DSTACK_EVENT_LOG} must replay to the quote's RTMR3 ({@code DstackEventLog}).
     */
    DSTACK,
    /**
     * Gramine's legacy extension (both encodings of 1.2.840.113741.1337.6) with a raw SGX quote;
     * REPORTDATA[0..32) = SHA-256(SubjectPublicKeyInfo DER) (gramineproject/gramine
     * {@code tools/sgx/ra-tls/ra_tls_attest.c}), or, in early rats-tls certificates under the same OID, SHA-256 of
     * the subjectPublicKey BIT STRING content (for RSA, the PKCS#1 RSAPublicKey DER).
     */
    GRAMINE_LEGACY
}
