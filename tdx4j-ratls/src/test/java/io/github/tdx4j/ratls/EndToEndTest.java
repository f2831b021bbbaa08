package io.github.tdx4j.ratls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.attest.policy.TdPolicy;
import io.github.tdx4j.ratls.ChallengeNonce.Transport;
import io.github.tdx4j.ratls.RatlsRefusal.Rule;
import io.github.tdx4j.sim.TdConfig;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.ASN1OctetString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real TLS 1.3 on 127.0.0.1: a server in a simulated TD, a client verifying it with the simulator's root. Every
 * forged, stale or unwanted server is refused with its rule in the handshake failure.
 */
class EndToEndTest {
    private static final HexFormat HEX = HexFormat.of();
    private static SimTd td;
    private static SimTd debugTd;
    private static RatlsKeyManager serverKeys;

    @BeforeAll
    static void boot() {
        td = SimTd.production();
        debugTd = SimTd.debug();
        serverKeys = RatlsKeyManager.builder(td.attestation()).build();
    }

    @AfterAll
    static void stop() {
        serverKeys.close();
    }

    private static RatlsTrustManager.Builder trust() {
        return RatlsTrustManager.builder(td.verifier(), CollateralSource.fixed(td.collateral()));
    }

    private static SSLSocket connect(SSLContext client, int port) throws Exception {
        SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Connects and returns the server's greeting. */
    private static String hello(SSLContext client, int port) throws Exception {
        try (SSLSocket s = connect(client, port)) {
            s.startHandshake();
            return LoopbackServer.greeting(s);
        }
    }

    /** Connects, expects the handshake to fail, and returns the refusal that made it fail. */
    private static RatlsRefusal refusal(SSLContext client, int port, Optional<Transport> challenge) throws Exception {
        try (SSLSocket s = connect(client, port)) {
            challenge.ifPresent(t -> Ratls.challenge(s, t, new SecureRandom()));
            try {
                s.startHandshake();
            } catch (SSLHandshakeException e) {
                return refusalIn(e);
            }
        }
        throw new AssertionError("the handshake did not fail");
    }

    static RatlsRefusal refusalIn(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RatlsRefusal r) {
                return r;
            }
        }
        throw new AssertionError("no RatlsRefusal in the failure", t);
    }

    private static SSLContext fixedServer(X509Certificate cert, java.security.PrivateKey key) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(new KeyManager[] {new TestCertificates.Fixed(cert, key)}, null, null);
        return ctx;
    }

    private static byte[] evidenceOf(X509Certificate cert) {
        return ASN1OctetString.getInstance(cert.getExtensionValue(RatlsOids.TCG_DICE_CMW)).getOctets();
    }

    @Test
    void clientAcceptsTheSimulatedTdAndSeesItsMeasurements() throws Exception {
        AtomicReference<AttestedPeer> seen = new AtomicReference<>();
        RatlsTrustManager tm = trust().callback(p -> {
            seen.set(p);
            return Optional.empty();
        }).build();
        try (LoopbackServer server = new LoopbackServer(Ratls.serverContext(serverKeys))) {
            assertThat(hello(Ratls.clientContext(tm), server.port())).isEqualTo("hello\n");
        }
        assertThat(seen.get().tdBody().orElseThrow().mrTd()).isEqualTo(TdConfig.production().mrTd());
        assertThat(seen.get().evidence().profile()).isEqualTo(Profile.CCC);
        assertThat(seen.get().verified().status().jsonName()).isEqualTo("UpToDate");
    }

    @Test
    void tamperedQuoteIsRefusedByQuoteVerification() throws Exception {
        AttestedCertificate real = serverKeys.currentCertificate();
        CccEvidence e = CccEvidence.decode(evidenceOf(real.certificate()), false);
        byte[] quote = e.quote();
        // One bit of MRTD (header 48 bytes, MRTD at body offset 136): REPORTDATA, so the key binding, is untouched.
        quote[48 + 136] ^= 1;
        KeyPair keys = new KeyPair(real.certificate().getPublicKey(), real.privateKey());
        X509Certificate forged = TestCertificates.selfSigned(keys, RatlsOids.TCG_DICE_CMW,
                CccEvidence.of(quote, e.claims()).encode(), Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(600));
        try (LoopbackServer server = new LoopbackServer(fixedServer(forged, real.privateKey()))) {
            RatlsRefusal r = refusal(Ratls.clientContext(trust().build()), server.port(), Optional.empty());
            assertThat(r.rule()).isEqualTo(Rule.QUOTE_VERIFICATION);
        }
    }

    @Test
    void genuineEvidenceOnAnotherKeyIsRefusedForKeyBinding() throws Exception {
        AttestedCertificate real = serverKeys.currentCertificate();
        KeyPair thief = TestCertificates.p256();
        X509Certificate stolen = TestCertificates.selfSigned(thief, RatlsOids.TCG_DICE_CMW,
                evidenceOf(real.certificate()), Instant.now().minusSeconds(60), Instant.now().plusSeconds(600));
        try (LoopbackServer server = new LoopbackServer(fixedServer(stolen, thief.getPrivate()))) {
            RatlsRefusal r = refusal(Ratls.clientContext(trust().build()), server.port(), Optional.empty());
            assertThat(r.rule()).isEqualTo(Rule.KEY_BINDING);
            assertThat(r.getMessage()).contains("pubkey-hash").contains("expected").contains("actual");
        }
    }

    @Test
    void genuineQuoteWithClaimsRewrittenForAnotherKeyIsRefusedByReportData() throws Exception {
        // The thief rewrites the claims to name its own key; the quote's REPORTDATA still hashes the old claims.
        AttestedCertificate real = serverKeys.currentCertificate();
        CccEvidence e = CccEvidence.decode(evidenceOf(real.certificate()), false);
        KeyPair thief = TestCertificates.p256();
        byte[] claims = new Claims(HashEntry.of(HashEntry.SHA_256, thief.getPublic().getEncoded()), Optional.empty())
                .encode();
        X509Certificate forged = TestCertificates.selfSigned(thief, RatlsOids.TCG_DICE_CMW,
                CccEvidence.of(e.quote(), claims).encode(), Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(600));
        try (LoopbackServer server = new LoopbackServer(fixedServer(forged, thief.getPrivate()))) {
            RatlsRefusal r = refusal(Ratls.clientContext(trust().build()), server.port(), Optional.empty());
            assertThat(r.rule()).isEqualTo(Rule.KEY_BINDING);
            assertThat(r.getMessage()).contains("REPORTDATA");
            assertThat(r.expected()).isEqualTo(HEX.formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(claims)));
        }
    }

    @Test
    void expiredCertificateIsRefusedBeforeItsEvidenceIsRead() throws Exception {
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
        try (RatlsKeyManager stale = RatlsKeyManager.builder(td.attestation()).clock(() -> twoHoursAgo).build();
             LoopbackServer server = new LoopbackServer(Ratls.serverContext(stale))) {
            RatlsRefusal r = refusal(Ratls.clientContext(trust().build()), server.port(), Optional.empty());
            assertThat(r.rule()).isEqualTo(Rule.CERT_EXPIRED);
            assertThat(r.expected()).contains(stale.currentCertificate().notAfter().toString());
        }
    }

    @Test
    void wrongMrtdIsRefusedByThePolicyWithBothValues() throws Exception {
        String wanted = "ab".repeat(48);
        RatlsTrustManager tm = trust().policy(TdPolicy.builder().mrTd(wanted).build()).build();
        try (LoopbackServer server = new LoopbackServer(Ratls.serverContext(serverKeys))) {
            RatlsRefusal r = refusal(Ratls.clientContext(tm), server.port(), Optional.empty());
            assertThat(r.rule()).isEqualTo(Rule.TD_POLICY);
            assertThat(r.getMessage()).contains("MRTD_MISMATCH").contains(wanted)
                    .contains(TdConfig.production().mrTd().hex());
        }
    }

    @Test
    void debugTdIsRefusedByTheDefaultPolicy() throws Exception {
        try (RatlsKeyManager debug = RatlsKeyManager.builder(debugTd.attestation()).build();
             LoopbackServer server = new LoopbackServer(Ratls.serverContext(debug))) {
            RatlsRefusal r = refusal(Ratls.clientContext(trust().build()), server.port(), Optional.empty());
            assertThat(r.rule()).isEqualTo(Rule.TD_POLICY);
            assertThat(r.getMessage()).contains("DEBUG_TD");
        }
    }

    @Test
    void callbackRefusalIsExplained() throws Exception {
        RatlsTrustManager tm = trust().callback(p -> Optional.of("not on the allow-list")).build();
        try (LoopbackServer server = new LoopbackServer(Ratls.serverContext(serverKeys))) {
            RatlsRefusal r = refusal(Ratls.clientContext(tm), server.port(), Optional.empty());
            assertThat(r.rule()).isEqualTo(Rule.CALLBACK);
            assertThat(r.getMessage()).contains("not on the allow-list");
        }
    }

    @Test
    void challengeOnSniGetsACertificateWithThatNonce() throws Exception {
        checkChallenge(Transport.SNI, Optional.empty());
    }

    @Test
    void challengeOnAlpnGetsACertificateWithThatNonce() throws Exception {
        checkChallenge(Transport.ALPN, Optional.of(s -> s.setHandshakeApplicationProtocolSelector(
                serverKeys.alpnSelector(List.of("http/1.1")))));
    }

    private static void checkChallenge(Transport transport,
                                       Optional<java.util.function.Consumer<SSLSocket>> prepare) throws Exception {
        RatlsTrustManager tm = trust().requireNonce(true).build();
        long before = serverKeys.issuedCount();
        try (LoopbackServer server = new LoopbackServer(Ratls.serverContext(serverKeys), false, prepare)) {
            SSLContext client = Ratls.clientContext(tm);
            try (SSLSocket s = connect(client, server.port())) {
                byte[] nonce = Ratls.challenge(s, transport, new SecureRandom());
                s.startHandshake();
                assertThat(LoopbackServer.greeting(s)).isEqualTo("hello\n");
                X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
                Claims claims = Claims.decode(CccEvidence.decode(evidenceOf(peer), false).claims());
                assertThat(claims.nonce()).contains(nonce);
            }
        }
        assertThat(serverKeys.issuedCount()).isEqualTo(before + 1);
    }

    @Test
    void challengingSocketFactoryMakesEveryConnectionAFreshQuote() throws Exception {
        RatlsTrustManager tm = trust().requireNonce(true).build();
        long before = serverKeys.issuedCount();
        try (LoopbackServer server = new LoopbackServer(Ratls.serverContext(serverKeys))) {
            var factory = Ratls.challengingSocketFactory(Ratls.clientContext(tm), Transport.SNI);
            for (int i = 0; i < 3; i++) {
                try (SSLSocket s = (SSLSocket) factory.createSocket(InetAddress.getLoopbackAddress(), server.port())) {
                    s.startHandshake();
                    assertThat(LoopbackServer.greeting(s)).isEqualTo("hello\n");
                }
            }
        }
        // Three handshakes, three quotes: no connection was resumed without a fresh certificate.
        assertThat(serverKeys.issuedCount()).isEqualTo(before + 3);
    }

    @Test
    void aChallengedSessionIsNeverResumed() throws Exception {
        // Nonces offered directly (no handshake listener): only the server's refusal to issue a session ticket for a
        // challenged handshake stops the JDK client from resuming, which would skip the new certificate.
        RatlsTrustManager tm = trust().requireNonce(true).build();
        SSLContext client = Ratls.clientContext(tm);
        long before = serverKeys.issuedCount();
        try (LoopbackServer server = new LoopbackServer(Ratls.serverContext(serverKeys))) {
            for (int i = 0; i < 2; i++) {
                try (SSLSocket s = connect(client, server.port())) {
                    byte[] nonce = ChallengeNonce.fresh(new SecureRandom());
                    s.setSSLParameters(ChallengeNonce.offer(s.getSSLParameters(), nonce, Transport.SNI));
                    s.startHandshake();
                    assertThat(LoopbackServer.greeting(s)).isEqualTo("hello\n"); // a ticket would have come by now
                    X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
                    assertThat(Claims.decode(CccEvidence.decode(evidenceOf(peer), false).claims()).nonce())
                            .contains(nonce);
                }
            }
        }
        assertThat(serverKeys.issuedCount()).isEqualTo(before + 2);
    }

    @Test
    void replayedCertificateIsRefusedInChallengeMode() throws Exception {
        // A certificate the genuine TD made for an earlier challenge, replayed with its key by whoever kept it.
        AttestedCertificate earlier = new CertificateIssuer(td.attestation(), KeyCurve.P256, "tdx4j RA-TLS",
                new SecureRandom()).issue(Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600),
                Optional.of(ChallengeNonce.fresh(new SecureRandom())));
        RatlsTrustManager tm = trust().requireNonce(true).build();
        try (LoopbackServer server = new LoopbackServer(fixedServer(earlier.certificate(), earlier.privateKey()))) {
            RatlsRefusal r = refusal(Ratls.clientContext(tm), server.port(), Optional.of(Transport.SNI));
            assertThat(r.rule()).isEqualTo(Rule.NONCE_MISMATCH);
            assertThat(r.actual()).isEqualTo(HEX.formatHex(earlier.claims().nonce().orElseThrow()));
        }
    }

    @Test
    void certificateWithoutTheNonceIsRefusedInChallengeMode() throws Exception {
        RatlsTrustManager tm = trust().requireNonce(true).build();
        try (RatlsKeyManager deaf = RatlsKeyManager.builder(td.attestation()).answerChallenges(false).build();
             LoopbackServer server = new LoopbackServer(Ratls.serverContext(deaf))) {
            RatlsRefusal r = refusal(Ratls.clientContext(tm), server.port(), Optional.of(Transport.SNI));
            assertThat(r.rule()).isEqualTo(Rule.NONCE_MISSING);
            // And a client that forgot to send a nonce learns that it is its own configuration.
            RatlsRefusal notSent = refusal(Ratls.clientContext(tm), server.port(), Optional.empty());
            assertThat(notSent.rule()).isEqualTo(Rule.NONCE_NOT_SENT);
        }
    }

    @Test
    void certificateWithAnotherNonceIsRefused() throws Exception {
        // A server that answers every challenge with its own constant nonce instead of the client's.
        byte[] constant = new byte[32];
        AttestedCertificate wrong = new CertificateIssuer(td.attestation(), KeyCurve.P256, "x", new SecureRandom())
                .issue(Instant.now().minusSeconds(60), Instant.now().plusSeconds(600), Optional.of(constant));
        RatlsTrustManager tm = trust().requireNonce(true).build();
        try (LoopbackServer server = new LoopbackServer(fixedServer(wrong.certificate(), wrong.privateKey()))) {
            RatlsRefusal r = refusal(Ratls.clientContext(tm), server.port(), Optional.of(Transport.ALPN));
            assertThat(r.rule()).isEqualTo(Rule.NONCE_MISMATCH);
            assertThat(r.actual()).isEqualTo("00".repeat(32));
        }
    }

    @Test
    void mutualAttestationVerifiesBothTds() throws Exception {
        AtomicInteger clientsSeen = new AtomicInteger();
        RatlsTrustManager serverTrust = trust().callback(p -> {
            clientsSeen.incrementAndGet();
            return Optional.empty();
        }).build();
        try (RatlsKeyManager clientKeys = RatlsKeyManager.builder(SimTd.production().attestation()).build();
             LoopbackServer server = new LoopbackServer(Ratls.mutualContext(serverKeys, serverTrust), true,
                     Optional.empty())) {
            assertThat(hello(Ratls.mutualContext(clientKeys, trust().build()), server.port())).isEqualTo("hello\n");
            assertThat(clientsSeen.get()).isEqualTo(1);
            assertThat(server.failures).isEmpty();
        }
    }

    @Test
    void mutualServerRefusesADebugClient() throws Exception {
        try (RatlsKeyManager debugClient = RatlsKeyManager.builder(debugTd.attestation()).build();
             LoopbackServer server = new LoopbackServer(Ratls.mutualContext(serverKeys, trust().build()), true,
                     Optional.empty())) {
            try (SSLSocket s = connect(Ratls.mutualContext(debugClient, trust().build()), server.port())) {
                s.startHandshake(); // TLS 1.3: the client finishes first; the server's refusal arrives as an alert
                assertThatThrownBy(() -> LoopbackServer.greeting(s)).isInstanceOf(java.io.IOException.class);
            }
            server.stop();
            assertThat(refusalIn(server.failures.getFirst()).getMessage()).contains("DEBUG_TD");
        }
    }

    @Test
    void verdictsAreCachedByCertificateUntilExpiry() throws Exception {
        AtomicInteger collateralCalls = new AtomicInteger();
        var collateral = td.collateral();
        RatlsTrustManager tm = RatlsTrustManager.builder(td.verifier(), q -> {
            collateralCalls.incrementAndGet();
            return collateral;
        }).build();
        try (LoopbackServer server = new LoopbackServer(Ratls.serverContext(serverKeys))) {
            SSLContext client = Ratls.clientContext(tm);
            for (int i = 0; i < 3; i++) {
                client.getClientSessionContext().setSessionCacheSize(1);
                try (SSLSocket s = connect(client, server.port())) {
                    s.startHandshake();
                    s.getSession().invalidate();
                }
            }
        }
        assertThat(collateralCalls.get()).isEqualTo(1);
    }
}
