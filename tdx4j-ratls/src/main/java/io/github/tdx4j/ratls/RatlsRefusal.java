package io.github.tdx4j.ratls;

import java.security.cert.CertificateException;
import java.util.Objects;

/**
 * An RA-TLS certificate was refused. The message names the rule, what was expected and what the certificate had;
 * JSSE turns it into a TLS alert and the handshake fails with it as the cause.
 */
public final class RatlsRefusal extends CertificateException {
    private static final long serialVersionUID = 1L;

    /** The rules of {@link RatlsTrustManager}, in the order they are checked. A closed set we produce. */
    public enum Rule {
        /** The peer sent no certificate. */
        NO_CERTIFICATE,
        /** The certificate is not valid yet at the relying party's time. */
        CERT_NOT_YET_VALID,
        /** The certificate has expired at the relying party's time: the freshness bound without a nonce. */
        CERT_EXPIRED,
        /** The certificate is not self-signed, or its self-signature does not verify. */
        CERT_SIGNATURE,
        /** The certificate carries no evidence in any format the relying party reads. */
        EVIDENCE_MISSING,
        /** The certificate carries evidence in a format the relying party did not enable. */
        PROFILE_NOT_ENABLED,
        /** The evidence cannot be read (CBOR, claims, quote). */
        EVIDENCE_MALFORMED,
        /** The {@code pubkey-hash} algorithm is not accepted. */
        HASH_ALGORITHM,
        /** The quote's REPORTDATA or the {@code pubkey-hash} claim does not bind the certificate's public key. */
        KEY_BINDING,
        /** dstack: the certificate's event log is missing, unreadable, or does not replay to the quote's RTMR3. */
        EVENT_LOG,
        /** Challenge mode: the relying party sent no nonce on this connection (a configuration error). */
        NONCE_NOT_SENT,
        /** Challenge mode: the certificate has no {@code nonce} claim. */
        NONCE_MISSING,
        /** Challenge mode: the {@code nonce} claim is not the nonce sent on this connection. */
        NONCE_MISMATCH,
        /** The peer's endorsements extension (used with {@code peerEndorsements}) cannot be read. */
        ENDORSEMENTS_MALFORMED,
        /** No collateral could be obtained to verify the quote. */
        COLLATERAL_UNAVAILABLE,
        /**
         * The peer's endorsements do not check out against the relying party's pinned root: a signature, chain, CRL
         * or platform of the collateral the peer sent is wrong (tampered, or made for another platform or root).
         */
        ENDORSEMENTS_INVALID,
        /** DCAP quote verification failed (signature, chain, revocation, identities). */
        QUOTE_VERIFICATION,
        /**
         * The peer's endorsements had expired at the relying party's clock: refused whatever the TD policy says about
         * expired collateral, because a peer could otherwise keep presenting collateral from before a TCB recovery.
         */
        ENDORSEMENTS_EXPIRED,
        /** The quote verified but the TD breaks the relying party's TD policy. */
        TD_POLICY,
        /** The relying party's own callback refused the peer. */
        CALLBACK
    }

    private final Rule rule;
    private final String expected;
    private final String actual;

    public RatlsRefusal(Rule rule, String detail, String expected, String actual) {
        super("RA-TLS refused: " + Objects.requireNonNull(rule, "rule") + ": " + detail + " (expected "
                + expected + ", actual " + actual + ")");
        this.rule = rule;
        this.expected = expected;
        this.actual = actual;
    }

    public Rule rule() {
        return rule;
    }

    /** What the rule wanted. */
    public String expected() {
        return expected;
    }

    /** What the certificate had. */
    public String actual() {
        return actual;
    }
}
