package io.github.tdx4j.ratls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.ratls.RatlsRefusal.Rule;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The formats other than the one tdx4j writes, each read only behind its option, on TDX quotes from the simulator
 * and verified end to end by the trust manager (quote, policy) where the format allows.
 */
class ReadProfilesTest {
    private static SimTd td;
    private static AttestedCertificate minted;
    private static KeyPair mintedKeys;

    @BeforeAll
    static void boot() {
        td = SimTd.production();
        minted = new CertificateIssuer(td.attestation(), KeyCurve.P256, "tdx4j RA-TLS", new SecureRandom())
                .issue(Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), Optional.empty());
        mintedKeys = new KeyPair(minted.certificate().getPublicKey(), minted.privateKey());
    }

    private static RatlsTrustManager tm(ReadOptions options) {
        return RatlsTrustManager.builder(td.verifier(), CollateralSource.fixed(td.collateral())).readOptions(options)
                .build();
    }

    private static X509Certificate cert(KeyPair keys, String oid, byte[] value) throws Exception {
        return TestCertificates.selfSigned(keys, oid, value, Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(600));
    }

    private static byte[] cccEvidence() {
        return ASN1OctetString.getInstance(minted.certificate().getExtensionValue(RatlsOids.TCG_DICE_CMW))
                .getOctets();
    }

    @Test
    void cmwExtensionWrappingTheSameCborIsReadWhenEnabled() throws Exception {
        // extnValue = DER of CMW ::= CHOICE { json UTF8String, cbor OCTET STRING }, the cbor choice.
        X509Certificate cmw = cert(mintedKeys, RatlsOids.ID_PE_CMW, new DEROctetString(cccEvidence()).getEncoded());
        assertThatThrownBy(() -> tm(ReadOptions.standard()).verify(new X509Certificate[] {cmw}, Optional.empty()))
                .isInstanceOfSatisfying(RatlsRefusal.class,
                        r -> assertThat(r.rule()).isEqualTo(Rule.PROFILE_NOT_ENABLED));
        AttestedPeer peer = tm(ReadOptions.standard().with(Profile.CMW)).verify(new X509Certificate[] {cmw},
                Optional.empty());
        assertThat(peer.evidence().profile()).isEqualTo(Profile.CMW);
    }

    @Test
    void earlyRatsTlsTagIsAnAliasOnlyWhenEnabled() throws Exception {
        CccEvidence e = CccEvidence.decode(cccEvidence(), false);
        byte[] early = new CccEvidence(CccEvidence.TAG_RATS_TLS_EARLY, e.quote(), e.claims()).encode();
        X509Certificate c = cert(mintedKeys, RatlsOids.TCG_DICE_CMW, early);
        assertThatThrownBy(() -> tm(ReadOptions.standard()).verify(new X509Certificate[] {c}, Optional.empty()))
                .isInstanceOfSatisfying(RatlsRefusal.class, r -> {
                    assertThat(r.rule()).isEqualTo(Rule.EVIDENCE_MALFORMED);
                    assertThat(r.getMessage()).contains("0x1a7501");
                });
        assertThat(tm(ReadOptions.standard().withEarlyRatsTlsTag(true)).verify(new X509Certificate[] {c},
                Optional.empty()).evidence().profile()).isEqualTo(Profile.CCC);
    }

    @Test
    void sha384AndSha512PubkeyHashesAreAcceptedOnlyWhenEnabled() throws Exception {
        for (int alg : new int[] {HashEntry.SHA_384, HashEntry.SHA_512}) {
            KeyPair keys = TestCertificates.p256();
            Claims claims = new Claims(HashEntry.of(alg, keys.getPublic().getEncoded()), Optional.empty());
            byte[] encoded = claims.encode();
            byte[] quote = td.attestation().quote(Claims.reportData(encoded));
            X509Certificate c = cert(keys, RatlsOids.TCG_DICE_CMW, CccEvidence.of(quote, encoded).encode());
            assertThatThrownBy(() -> tm(ReadOptions.standard()).verify(new X509Certificate[] {c}, Optional.empty()))
                    .isInstanceOfSatisfying(RatlsRefusal.class, r -> {
                        assertThat(r.rule()).isEqualTo(Rule.HASH_ALGORITHM);
                        assertThat(r.actual()).isEqualTo(Integer.toString(alg));
                    });
            assertThat(tm(ReadOptions.standard().withSha384And512(true)).verify(new X509Certificate[] {c},
                    Optional.empty()).evidence().claims().orElseThrow().pubkeyHash().algorithm()).isEqualTo(alg);
        }
    }

    /**
     * dstack: extnValue holds an OCTET STRING holding the quote; REPORTDATA = SHA-512("ratls-cert:" ‖ SPKI); the
     * event log extension replays to RTMR3; the certificate is signed by dstack's KMS CA.
     */
    @Test
    void dstackCertificateSignedByItsKmsCaIsVerifiedWithItsEventLog() throws Exception {
        SimTd dstackTd = SimTd.production(); // its own TD: this test extends RTMR3
        // One runtime event, extended as dstack's guest agent does: digest = SHA-384(LE32(type) ":" event ":" payload).
        byte[] payload = "app-id=42".getBytes(StandardCharsets.UTF_8);
        MessageDigest sha384 = MessageDigest.getInstance("SHA-384");
        sha384.update(new byte[] {0x01, 0x00, 0x00, 0x08});
        sha384.update(":compose-hash:".getBytes(StandardCharsets.UTF_8));
        byte[] digest = sha384.digest(payload);
        dstackTd.attestation().extendRtmr(3, digest, "dstack runtime event compose-hash");
        String log = "[{\"imr\":0,\"event_type\":1,\"digest\":\"00\",\"event\":\"boot\",\"event_payload\":\"\"},"
                + "{\"imr\":3,\"event_type\":134217729,\"digest\":\"" + java.util.HexFormat.of().formatHex(digest)
                + "\",\"event\":\"compose-hash\",\"event_payload\":\"" + java.util.HexFormat.of().formatHex(payload)
                + "\"}]";

        KeyPair leafKeys = TestCertificates.p256();
        KeyPair ca = TestCertificates.p256();
        MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
        sha512.update("ratls-cert:".getBytes(StandardCharsets.US_ASCII));
        byte[] quote = dstackTd.attestation().quote(sha512.digest(leafKeys.getPublic().getEncoded()));
        X509Certificate kms = renamed(ca, "CN=dstack KMS CA");
        RatlsTrustManager dstackTm = RatlsTrustManager.builder(dstackTd.verifier(),
                CollateralSource.fixed(dstackTd.collateral())).readOptions(ReadOptions.standard().with(Profile.DSTACK))
                .build();

        X509Certificate good = dstackLeaf(leafKeys, ca, quote, log);
        assertThatThrownBy(() -> tm(ReadOptions.standard()).verify(new X509Certificate[] {good, kms},
                Optional.empty())).isInstanceOfSatisfying(RatlsRefusal.class,
                        r -> assertThat(r.rule()).isEqualTo(Rule.PROFILE_NOT_ENABLED));
        AttestedPeer peer = dstackTm.verify(new X509Certificate[] {good, kms}, Optional.empty());
        assertThat(peer.evidence().profile()).isEqualTo(Profile.DSTACK);

        String quotedRtmr3 = io.github.tdx4j.attest.format.Quote.decode(quote).body().rtmr(3).hex();
        // The event log says something else than what was measured: refused.
        X509Certificate lying = dstackLeaf(leafKeys, ca, quote, log.replace(java.util.HexFormat.of().formatHex(payload),
                "00"));
        assertThatThrownBy(() -> dstackTm.verify(new X509Certificate[] {lying, kms}, Optional.empty()))
                .isInstanceOfSatisfying(RatlsRefusal.class, r -> {
                    assertThat(r.rule()).isEqualTo(Rule.EVENT_LOG);
                    assertThat(r.expected()).isEqualTo(quotedRtmr3);
                });
        // No event log: refused.
        X509Certificate silent = dstackLeaf(leafKeys, ca, quote, null);
        assertThatThrownBy(() -> dstackTm.verify(new X509Certificate[] {silent, kms}, Optional.empty()))
                .isInstanceOfSatisfying(RatlsRefusal.class, r -> assertThat(r.rule()).isEqualTo(Rule.EVENT_LOG));
        // Without the issuer's certificate the signature cannot be checked: refused (by a trust manager that has not
        // cached this very certificate already).
        assertThatThrownBy(() -> tm(ReadOptions.all()).verify(new X509Certificate[] {good}, Optional.empty()))
                .isInstanceOfSatisfying(RatlsRefusal.class, r -> assertThat(r.rule()).isEqualTo(Rule.CERT_SIGNATURE));
    }

    /** A dstack leaf: both extensions wrapped in an extra OCTET STRING, signed by {@code ca}. */
    private static X509Certificate dstackLeaf(KeyPair leafKeys, KeyPair ca, byte[] quote, String log)
            throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=dstack KMS CA"),
                BigInteger.TWO, Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(600)),
                new X500Name("CN=RA-TLS TEMP Cert"), leafKeys.getPublic());
        b.addExtension(new ASN1ObjectIdentifier(RatlsOids.DSTACK_TDX_QUOTE), false,
                new DEROctetString(quote).getEncoded());
        if (log != null) {
            b.addExtension(new ASN1ObjectIdentifier(RatlsOids.DSTACK_EVENT_LOG), false,
                    new DEROctetString(log.getBytes(StandardCharsets.UTF_8)).getEncoded());
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));
    }

    private static X509Certificate renamed(KeyPair keys, String name) throws Exception {
        X500Name n = new X500Name(name);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(n, BigInteger.TEN,
                Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(600)), n,
                keys.getPublic());
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    @Test
    void aFailingCccExtensionIsNotRescuedByALegacyOne() throws Exception {
        // CCC evidence of another key, plus a Gramine-legacy quote that does bind this key: refused on the CCC one.
        KeyPair keys = TestCertificates.p256();
        byte[] legacyQuote = td.attestation().quote(java.util.Arrays.copyOf(
                MessageDigest.getInstance("SHA-256").digest(keys.getPublic().getEncoded()), 64));
        X500Name n = new X500Name("CN=both");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(n, BigInteger.ONE,
                Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(600)), n,
                keys.getPublic());
        b.addExtension(new ASN1ObjectIdentifier(RatlsOids.TCG_DICE_CMW), false, cccEvidence());
        b.addExtension(new ASN1ObjectIdentifier(RatlsOids.GRAMINE_LEGACY_QUOTE), false, legacyQuote);
        X509Certificate c = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        assertThatThrownBy(() -> tm(ReadOptions.all()).verify(new X509Certificate[] {c}, Optional.empty()))
                .isInstanceOfSatisfying(RatlsRefusal.class, r -> assertThat(r.rule()).isEqualTo(Rule.KEY_BINDING));
    }
}
