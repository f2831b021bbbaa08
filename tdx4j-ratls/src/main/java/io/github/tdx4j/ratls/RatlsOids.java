package io.github.tdx4j.ratls;

/**
 * The X.509 extension object identifiers of the RA-TLS evidence formats tdx4j writes or reads, in dotted form.
 */
public final class RatlsOids {
    /**
     * {@code tcg-dice-conceptual-message-wrapper}: the evidence extension of the CCC Attestation SIG interoperable
     * RA-TLS format (CCC-Attestation/interoperable-ra-tls, "Interoperable RA-TLS certificate evidence formats";
     * TCG "DICE Attestation Architecture"). tdx4j writes it, non-critical.
     */
    public static final String TCG_DICE_CMW = "2.23.133.5.4.9";
    /** {@code tcg-dice-endorsement-manifest}: optional endorsements (collateral) in the same format. */
    public static final String TCG_DICE_ENDORSEMENT_MANIFEST = "2.23.133.5.4.2";
    /**
     * {@code id-pe-cmw} (id-pe 35): the IETF conceptual message wrapper extension, IETF RATS
     * draft-ietf-rats-msg-wrap-23 section "CMW Extension to X.509"; extnValue = DER
     * {@code CMW ::= CHOICE { json UTF8String, cbor OCTET STRING }}.
     */
    public static final String ID_PE_CMW = "1.3.6.1.5.5.7.1.35";
    /** dstack RA-TLS: the raw TDX quote (Dstack-TEE/dstack {@code ra-tls/src/oids.rs}, PHALA_RATLS_TDX_QUOTE). */
    public static final String DSTACK_TDX_QUOTE = "1.3.6.1.4.1.62397.1.1";
    /** dstack RA-TLS: the event log, JSON (PHALA_RATLS_EVENT_LOG). */
    public static final String DSTACK_EVENT_LOG = "1.3.6.1.4.1.62397.1.2";
    /** Gramine's legacy extension for a raw SGX quote, correctly encoded (as old rats-tls certificates have it). */
    public static final String GRAMINE_LEGACY_QUOTE = "1.2.840.113741.1337.6";
    /**
     * The same Gramine OID as Gramine itself encodes it: its constant includes the DER tag and length bytes
     * ({@code 06 09 2A 86 48 ...}), which parsers read as this identifier (gramineproject/gramine
     * {@code tools/sgx/ra-tls/ra_tls.h}; kept by Gramine for compatibility).
     */
    public static final String GRAMINE_LEGACY_QUOTE_MISENCODED = "0.6.9.42.840.113741.1337.6";

    private RatlsOids() {
    }
}
