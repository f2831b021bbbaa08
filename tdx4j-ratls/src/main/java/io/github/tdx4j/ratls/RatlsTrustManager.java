package io.github.tdx4j.ratls;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.policy.PolicyViolation;
import io.github.tdx4j.attest.policy.TdPolicy;
import io.github.tdx4j.attest.verify.ErrorCode;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.VerificationResult;
import io.github.tdx4j.ratls.RatlsRefusal.Rule;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.ASN1OctetString;

/**
 * The relying party's side of RA-TLS: a JSSE trust manager that accepts a peer because of the TD it runs in, not
 * because of a CA. For the peer's certificate, in this order:
 *
 * <ol>
 *   <li>validity at the trust manager's clock ({@code CERT_NOT_YET_VALID}, {@code CERT_EXPIRED}) — first, because
 *       without a nonce the validity window is the only freshness bound;</li>
 *   <li>the signature: self-signed, or by the next certificate of the chain ({@code CERT_SIGNATURE});</li>
 *   <li>the evidence extension, in the formats {@link ReadOptions} enables ({@code EVIDENCE_MISSING},
 *       {@code PROFILE_NOT_ENABLED}, {@code EVIDENCE_MALFORMED});</li>
 *   <li>the binding of the certificate's key by the quote ({@code HASH_ALGORITHM}, {@code KEY_BINDING});</li>
 *   <li>in challenge mode, the nonce this connection sent ({@code NONCE_NOT_SENT}, {@code NONCE_MISSING},
 *       {@code NONCE_MISMATCH});</li>
 *   <li>DCAP verification of the quote with the tdx4j verifier and the collateral source
 *       ({@code COLLATERAL_UNAVAILABLE}, {@code QUOTE_VERIFICATION}), or with the peer's endorsements when
 *       {@link Builder#peerEndorsements} is on and the certificate has them ({@code ENDORSEMENTS_MALFORMED},
 *       {@code ENDORSEMENTS_INVALID}, {@code ENDORSEMENTS_EXPIRED});</li>
 *   <li>the {@link TdPolicy} ({@code TD_POLICY}) and the optional {@link PeerCallback} ({@code CALLBACK}).</li>
 * </ol>
 * Every refusal is a {@link RatlsRefusal} whose message names the rule, the expected and the actual value.
 *
 * <p>Accepted peers are cached by SHA-256 of the certificate DER until the certificate or the collateral expires
 * (at most {@link Builder#cacheSize} entries), so a busy client verifies each server certificate once. Validity and
 * the nonce are checked on every handshake, cached or not; the rest is a property of the exact certificate bytes.
 * Refusals are not cached.
 *
 * <p>Trust decisions use only the certificate; host names are not checked (an RA-TLS certificate names no host).
 */
public final class RatlsTrustManager extends X509ExtendedTrustManager {
    private static final HexFormat HEX = HexFormat.of();

    private final QuoteVerifier verifier;
    private final CollateralSource collateral;
    private final TdPolicy policy;
    private final Optional<PeerCallback> callback;
    private final EvidenceReader reader;
    private final boolean requireNonce;
    private final InstantSource clock;
    private final boolean peerEndorsements;
    private final Map<String, Cached> cache;
    /**
     * Verification failures that, with collateral the peer sent, are the collateral's fault and not the quote's:
     * the items' signatures, chains, CRLs and dates, and collateral for another platform.
     */
    private static final Set<ErrorCode> COLLATERAL_FAULTS = EnumSet.of(ErrorCode.MALFORMED_COLLATERAL,
            ErrorCode.COLLATERAL_NOT_YET_VALID, ErrorCode.CRL_INVALID, ErrorCode.TCB_SIGNING_CHAIN_INVALID,
            ErrorCode.TCB_SIGNING_CERT_REVOKED, ErrorCode.TCB_INFO_SIGNATURE_INVALID, ErrorCode.TCB_INFO_MISMATCH,
            ErrorCode.QE_IDENTITY_SIGNATURE_INVALID, ErrorCode.FMSPC_MISMATCH, ErrorCode.PCEID_MISMATCH);

    private record Cached(AttestedPeer peer, Instant until) {
    }

    private RatlsTrustManager(Builder b) {
        this.verifier = b.verifier;
        this.collateral = b.collateral;
        this.policy = b.policy;
        this.callback = b.callback;
        this.reader = new EvidenceReader(b.readOptions);
        this.requireNonce = b.requireNonce;
        this.clock = b.clock;
        this.peerEndorsements = b.peerEndorsements;
        int max = b.cacheSize;
        this.cache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> e) {
                return size() > max;
            }
        });
    }

    /**
     * @param verifier   the quote verifier, with the trusted root (Intel's, or the simulator's in tests)
     * @param collateral where collateral comes from
     */
    public static Builder builder(QuoteVerifier verifier, CollateralSource collateral) {
        return new Builder(verifier, collateral);
    }

    /**
     * Checks a peer's certificate chain (its first certificate) as described in the class comment.
     *
     * @param nonceSent the nonce this connection sent, if it sent one
     * @return the accepted peer
     * @throws RatlsRefusal naming the first rule the certificate breaks
     */
    public AttestedPeer verify(X509Certificate[] chain, Optional<byte[]> nonceSent) throws RatlsRefusal {
        return check(chain, nonceSent, requireNonce);
    }

    /** {@link #verify} for a client certificate: every rule but the nonce, which only a server can be asked for. */
    public AttestedPeer verifyClient(X509Certificate[] chain) throws RatlsRefusal {
        return check(chain, Optional.empty(), false);
    }

    private AttestedPeer check(X509Certificate[] chain, Optional<byte[]> nonceSent, boolean nonceRequired)
            throws RatlsRefusal {
        if (chain == null || chain.length == 0) {
            throw new RatlsRefusal(Rule.NO_CERTIFICATE, "the peer sent no certificate", "one certificate", "none");
        }
        X509Certificate cert = chain[0];
        Instant now = clock.instant();
        Instant notBefore = cert.getNotBefore().toInstant();
        Instant notAfter = cert.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            throw new RatlsRefusal(Rule.CERT_NOT_YET_VALID, "the certificate is not valid yet",
                    "a time at or after notBefore " + notBefore, "now " + now);
        }
        if (now.isAfter(notAfter)) {
            throw new RatlsRefusal(Rule.CERT_EXPIRED, "the certificate has expired",
                    "a time at or before notAfter " + notAfter, "now " + now);
        }
        // A cached verdict is for these exact DER bytes, so signature, evidence and binding would check the same
        // again; validity (above) and the nonce of this connection are checked every time.
        String key = fingerprint(cert);
        Cached hit = cache.get(key);
        if (hit != null && now.isBefore(hit.until())) {
            checkNonce(hit.peer().evidence(), nonceSent, nonceRequired);
            return hit.peer();
        }
        checkSignature(chain);
        BoundEvidence evidence = reader.read(cert);
        checkNonce(evidence, nonceSent, nonceRequired);
        byte[] quote = evidence.quote();
        Optional<Collateral> fromPeer = peerEndorsements ? endorsements(cert) : Optional.empty();
        Collateral c;
        if (fromPeer.isPresent()) {
            c = fromPeer.get();
        } else {
            try {
                c = Objects.requireNonNull(collateral.collateralFor(quote), "the collateral source returned null");
            } catch (RuntimeException e) {
                throw new RatlsRefusal(Rule.COLLATERAL_UNAVAILABLE, "no collateral for the quote: " + e.getMessage(),
                        "collateral for the quote's platform", "none");
            }
        }
        VerificationResult result = verifier.verify(quote, c, now);
        VerificationResult.Verified verified = switch (result) {
            case VerificationResult.Failed f when fromPeer.isPresent() && COLLATERAL_FAULTS.contains(f.code()) ->
                    throw new RatlsRefusal(Rule.ENDORSEMENTS_INVALID, "the peer's endorsements do not verify against "
                            + "the pinned root: " + f.code() + ": " + f.detail(), "collateral signed under the "
                            + "trusted root, for the quote's platform", f.code().toString());
            case VerificationResult.Failed f -> throw new RatlsRefusal(Rule.QUOTE_VERIFICATION,
                    "the quote does not verify: " + f.code() + ": " + f.detail(), "a genuine quote", f.code().toString());
            case VerificationResult.Verified v -> v;
        };
        if (fromPeer.isPresent() && (verified.collateralExpired() || verified.qveCollateralExpired())) {
            throw new RatlsRefusal(Rule.ENDORSEMENTS_EXPIRED, "the peer's endorsements had expired: "
                    + verified.expiringItem() + " expired at " + verified.collateralExpiry(),
                    "collateral valid at " + now, verified.expiringItem() + " expired at "
                    + verified.collateralExpiry());
        }
        List<PolicyViolation> violations = policy.violations(verified);
        if (!violations.isEmpty()) {
            throw new RatlsRefusal(Rule.TD_POLICY, "the TD breaks the policy: " + violations.stream()
                    .map(PolicyViolation::toString).collect(Collectors.joining("; ")), "no violation",
                    violations.stream().map(v -> v.rule().toString()).collect(Collectors.joining(", ")));
        }
        AttestedPeer peer = new AttestedPeer(cert, evidence, verified, now);
        if (callback.isPresent()) {
            Optional<String> why = callback.get().refusal(peer);
            if (why.isPresent()) {
                throw new RatlsRefusal(Rule.CALLBACK, "the relying party's callback refused the peer: " + why.get(),
                        "acceptance by the callback", why.get());
            }
        }
        Instant until = notAfter.isBefore(verified.collateralExpiry()) ? notAfter : verified.collateralExpiry();
        cache.put(key, new Cached(peer, until));
        return peer;
    }

    /**
     * The collateral in the certificate's endorsements extension, if it has one. The extension is covered by the
     * certificate's signature, so by the key the quote binds; what it says is checked by the verifier like any
     * collateral, against the pinned root and this trust manager's clock.
     */
    private static Optional<Collateral> endorsements(X509Certificate cert) throws RatlsRefusal {
        byte[] ext = cert.getExtensionValue(RatlsOids.TCG_DICE_ENDORSEMENT_MANIFEST);
        if (ext == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Endorsements.decode(ASN1OctetString.getInstance(ext).getOctets()).collateral());
        } catch (EvidenceFormatException | IllegalArgumentException e) {
            throw new RatlsRefusal(Rule.ENDORSEMENTS_MALFORMED, "the endorsements extension "
                    + RatlsOids.TCG_DICE_ENDORSEMENT_MANIFEST + " cannot be read: " + e.getMessage(),
                    "60000([version, 7 collateral items])", "malformed");
        }
    }

    /**
     * The certificate's signature: by its own key (self-signed, as tdx4j and the CCC implementations make them), or
     * by the next certificate of the chain (dstack's certificates are signed by its KMS CA). That issuer is not
     * trusted for anything: the quote vouches for the key; the signature only ties the validity dates to the key.
     */
    private static void checkSignature(X509Certificate[] chain) throws RatlsRefusal {
        X509Certificate cert = chain[0];
        boolean selfSigned = cert.getIssuerX500Principal().equals(cert.getSubjectX500Principal());
        if (!selfSigned && (chain.length < 2
                || !chain[1].getSubjectX500Principal().equals(cert.getIssuerX500Principal()))) {
            throw new RatlsRefusal(Rule.CERT_SIGNATURE, "the certificate is neither self-signed nor followed by its "
                    + "issuer's certificate", "issuer = subject, or the issuer's certificate next in the chain",
                    "issuer " + cert.getIssuerX500Principal().getName());
        }
        try {
            cert.verify(selfSigned ? cert.getPublicKey() : chain[1].getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new RatlsRefusal(Rule.CERT_SIGNATURE, "the certificate's signature does not verify",
                    "a valid " + cert.getSigAlgName() + " signature by " + (selfSigned ? "its own key"
                    : "its issuer's key"), "invalid");
        }
    }

    private static void checkNonce(BoundEvidence evidence, Optional<byte[]> nonceSent, boolean nonceRequired)
            throws RatlsRefusal {
        if (nonceSent.isEmpty()) {
            if (nonceRequired) {
                throw new RatlsRefusal(Rule.NONCE_NOT_SENT, "challenge mode is required but this connection sent "
                        + "no nonce (offer one with ChallengeNonce.offer or Ratls.challengingSocketFactory)",
                        "a nonce in SNI or ALPN", "none");
            }
            return;
        }
        String sent = HEX.formatHex(nonceSent.get());
        Optional<byte[]> claimed = evidence.nonce();
        if (claimed.isEmpty()) {
            throw new RatlsRefusal(Rule.NONCE_MISSING, "the certificate has no nonce claim", sent, "none");
        }
        if (!MessageDigest.isEqual(claimed.get(), nonceSent.get())) {
            throw new RatlsRefusal(Rule.NONCE_MISMATCH, "the certificate's nonce is not the one this connection sent"
                    + " (a replayed or misdirected certificate)", sent, HEX.formatHex(claimed.get()));
        }
    }

    private static String fingerprint(X509Certificate cert) throws RatlsRefusal {
        try {
            return HEX.formatHex(HashEntry.digest(HashEntry.SHA_256, cert.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new RatlsRefusal(Rule.EVIDENCE_MALFORMED, "the certificate cannot be encoded", "DER", "undecodable");
        }
    }

    /** The nonce the local side offered on this connection, read back from its own parameters. */
    private static Optional<byte[]> nonceOf(SSLParameters params) {
        return params == null ? Optional.empty() : ChallengeNonce.sent(params);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws RatlsRefusal {
        if (socket instanceof SSLSocket s) {
            checkServer(chain, nonceOf(s.getSSLParameters()), s.getHandshakeSession());
        } else {
            verify(chain, Optional.empty());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws RatlsRefusal {
        if (engine != null) {
            checkServer(chain, nonceOf(engine.getSSLParameters()), engine.getHandshakeSession());
        } else {
            verify(chain, Optional.empty());
        }
    }

    /**
     * A challenged session must not be resumed: a JDK client that finds a cached session for the host and port
     * sends that session's server name, so an old nonce, even when it cannot resume (JDK 25
     * {@code ServerNameExtension.CHServerNameProducer}), and a resumed session would skip the certificate. An
     * invalidated session is never rejoined ({@code SSLSessionImpl.isRejoinable}).
     */
    private void checkServer(X509Certificate[] chain, Optional<byte[]> nonce, SSLSession handshake)
            throws RatlsRefusal {
        if (nonce.isPresent() && handshake != null) {
            handshake.invalidate();
        }
        verify(chain, nonce);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws RatlsRefusal {
        verify(chain, Optional.empty());
    }

    /** A client in a TD (mutual attestation): no nonce travels from server to client, so none is required. */
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws RatlsRefusal {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws RatlsRefusal {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws RatlsRefusal {
        verifyClient(chain);
    }

    /** No CA is named: RA-TLS peers send self-signed certificates. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    /**
     * Options. Defaults: {@link TdPolicy#strict()}, {@link ReadOptions#standard()}, no nonce required, no callback,
     * the system clock, 1024 cached peers.
     */
    public static final class Builder {
        private final QuoteVerifier verifier;
        private final CollateralSource collateral;
        private TdPolicy policy = TdPolicy.strict();
        private Optional<PeerCallback> callback = Optional.empty();
        private ReadOptions readOptions = ReadOptions.standard();
        private boolean requireNonce;
        private InstantSource clock = InstantSource.system();
        private int cacheSize = 1024;
        private boolean peerEndorsements;

        private Builder(QuoteVerifier verifier, CollateralSource collateral) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            this.collateral = Objects.requireNonNull(collateral, "collateral");
        }

        public Builder policy(TdPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public Builder callback(PeerCallback callback) {
            this.callback = Optional.of(callback);
            return this;
        }

        public Builder readOptions(ReadOptions options) {
            this.readOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Challenge mode: refuse a server unless this connection sent a nonce and the server's certificate carries
         * it. A quote per handshake on the server.
         */
        public Builder requireNonce(boolean require) {
            this.requireNonce = require;
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Verify a peer whose certificate carries endorsements ({@link Endorsements}, extension
         * {@value RatlsOids#TCG_DICE_ENDORSEMENT_MANIFEST}) with that collateral instead of the collateral source's:
         * the offline relying party ({@link CollateralSource#none()}). The peer cannot forge it: every signature
         * is checked against this trust manager's pinned root and every date against its clock, and expired
         * endorsements are refused ({@code ENDORSEMENTS_EXPIRED}) even when the TD policy accepts expired
         * collateral. What the peer can choose is which still-valid collateral to send, so a relying party that
         * needs Intel's newest TCB evaluation keeps its own source and leaves this off. Certificates without the
         * extension still go to the collateral source. Default off.
         */
        public Builder peerEndorsements(boolean use) {
            this.peerEndorsements = use;
            return this;
        }

        public Builder cacheSize(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("cache size must be at least 1: " + entries);
            }
            this.cacheSize = entries;
            return this;
        }

        public RatlsTrustManager build() {
            return new RatlsTrustManager(this);
        }
    }
}
