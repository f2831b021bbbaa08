package io.github.tdx4j.attest.verify;

/**
 * Why a quote failed verification: a stable code for programs ({@link #name()} is the UPPER_SNAKE code printed by
 * {@code tdx4j verify --json}), with the Intel QVL status it corresponds to where there is one
 * (intel/SGX-TDX-DCAP-QuoteVerificationLibrary {@code Src/AttestationLibrary/include/SgxEcdsaAttestation/AttestationLibraryTypes.h}).
 * A closed set we produce.
 */
public enum ErrorCode {
    /** The quote cannot be parsed: truncated, inconsistent sizes, bad certification data (STATUS_UNSUPPORTED_QUOTE_FORMAT). */
    MALFORMED_QUOTE,
    /**
     * A well-formed quote of a kind this verifier does not handle: version, key type, TEE type, QE vendor,
     * certification data type, an attestation key that is not a P-256 point (STATUS_UNSUPPORTED_QUOTE_FORMAT).
     */
    UNSUPPORTED_QUOTE,
    /** The collateral cannot be parsed (JSON shape, PEM, DER, hex). */
    MALFORMED_COLLATERAL,
    /** Some collateral item (CRL, TCB info, QE identity, certificate) is not valid yet at the verification time. */
    COLLATERAL_NOT_YET_VALID,
    /** The PCK certificate chain in the quote is not a chain to the trusted root (STATUS_SGX_PCK_INVALID, STATUS_SGX_INTERMEDIATE_CA_INVALID_ISSUER, ...). */
    PCK_CHAIN_INVALID,
    /** The PCK certificate is listed in the PCK CRL (STATUS_PCK_REVOKED). */
    PCK_REVOKED,
    /** The PCK CA certificate is listed in the root CA CRL (STATUS_SGX_INTERMEDIATE_CA_REVOKED). */
    INTERMEDIATE_CA_REVOKED,
    /** A CRL is not signed by its issuer, or the PCK CRL is not from the PCK certificate's CA (STATUS_SGX_CRL_INVALID_SIGNATURE, STATUS_SGX_PCK_CERT_CHAIN_UNTRUSTED). */
    CRL_INVALID,
    /** The chain that signed the TCB info or QE identity does not lead to the trusted root (STATUS_SGX_TCB_SIGNING_CERT_INVALID). */
    TCB_SIGNING_CHAIN_INVALID,
    /** The TCB signing certificate is listed in the root CA CRL (STATUS_SGX_TCB_SIGNING_CERT_REVOKED). */
    TCB_SIGNING_CERT_REVOKED,
    /** The TCB info signature does not verify over its exact text (STATUS_TCB_INFO_INVALID_SIGNATURE). */
    TCB_INFO_SIGNATURE_INVALID,
    /** The TCB info is for another TEE or version than the quote (STATUS_TCB_INFO_MISMATCH). */
    TCB_INFO_MISMATCH,
    /** The QE identity signature does not verify over its exact text (STATUS_SGX_ENCLAVE_IDENTITY_INVALID_SIGNATURE). */
    QE_IDENTITY_SIGNATURE_INVALID,
    /** The QE report does not match the QE identity (MRSIGNER, ISVPRODID, masked MISCSELECT or ATTRIBUTES, id/version) (STATUS_QE_IDENTITY_MISMATCH, STATUS_SGX_ENCLAVE_REPORT_*_MISMATCH). */
    QE_IDENTITY_MISMATCH,
    /** The PCK certificate's FMSPC differs from the TCB info's (STATUS_TCB_INFO_MISMATCH, 4.1.2.4.10). */
    FMSPC_MISMATCH,
    /** The PCK certificate's PCE-ID differs from the TCB info's (STATUS_TCB_INFO_MISMATCH, 4.1.2.4.10). */
    PCEID_MISMATCH,
    /** The TDX module identity (TDX_%02X, MRSIGNERSEAM, SEAMATTRIBUTES) is not in the TCB info (STATUS_TDX_MODULE_MISMATCH). */
    TDX_MODULE_MISMATCH,
    /** The QE report signature does not verify with the PCK key (STATUS_INVALID_QE_REPORT_SIGNATURE). */
    INVALID_QE_REPORT_SIGNATURE,
    /** The QE report data does not bind the attestation key and QE auth data (STATUS_INVALID_QE_REPORT_DATA). */
    INVALID_QE_REPORT_DATA,
    /** The quote signature does not verify with the attestation key (STATUS_INVALID_QUOTE_SIGNATURE). */
    INVALID_QUOTE_SIGNATURE,
    /** No TCB level of the TCB info (or QE identity, or module identity) matches the platform (STATUS_TCB_NOT_SUPPORTED). */
    TCB_NOT_SUPPORTED
}
