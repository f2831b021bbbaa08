/**
 * Attested TLS (RA-TLS) for JSSE: X.509 certificates that carry a TDX quote binding their public key (the CCC
 * Attestation SIG interoperable format), a key manager that mints them inside a TD and a trust manager that
 * verifies them with the tdx4j DCAP verifier and a TD policy.
 */
module io.github.tdx4j.ratls {
    requires transitive io.github.tdx4j.attest;
    requires transitive io.github.tdx4j.guest;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.util;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.dataformat.cbor;
    requires com.fasterxml.jackson.databind;

    exports io.github.tdx4j.ratls;
}
