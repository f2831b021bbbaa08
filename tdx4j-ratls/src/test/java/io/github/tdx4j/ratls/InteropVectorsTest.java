package io.github.tdx4j.ratls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.ratls.RatlsRefusal.Rule;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * tdx4j reads the public sample certificates of other RA-TLS implementations (vectors/ratls/README.md) and confirms
 * that their evidence binds their key. Their quotes are SGX; appraising them would need 2021–2024 collateral.
 */
class InteropVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    static X509Certificate load(String file) throws Exception {
        Path p = Path.of(System.getProperty("tdx4j.vectors"), "ratls", file);
        try (InputStream in = Files.newInputStream(p)) {
            // The first PEM block; the CCC files have a text dump after it.
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "ccc-interoperable-ra-tls/gramine-cert.pem, 5a5a5b2d177433048e9d62409d1acc4ec526c06e294d09e69a36cff9369e4851",
            "ccc-interoperable-ra-tls/intel-sgxsdk-cert.pem, f306ed602985371e3b485102db1fcdd4f4738329ce58b2f8d1c5d2cc79752026",
            "ccc-interoperable-ra-tls/rats-tls-cert.pem, 72c0b70c2092741a4cfda0c2465487faf132998617b0aad53118aa5d6e180006",
            "rats-rs/demo-sgx-cert.pem, 8d5e52bb08b179b25505ec4097756d2a01f91697c225d7a2c87726fc522ca4ca"})
    void cccSamplesParseAndBindTheirKey(String file, String pubkeyHash) throws Exception {
        X509Certificate cert = load(file);
        BoundEvidence e = new EvidenceReader(ReadOptions.standard()).read(cert);
        assertThat(e.profile()).isEqualTo(Profile.CCC);
        Claims claims = e.claims().orElseThrow();
        assertThat(claims.pubkeyHash().algorithm()).isEqualTo(HashEntry.SHA_256);
        assertThat(HEX.formatHex(claims.pubkeyHash().value())).isEqualTo(pubkeyHash);
        assertThat(HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded())))
                .isEqualTo(pubkeyHash);
        assertThat(e.quote()[0]).as("SGX quote v3").isEqualTo((byte) 3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ccc-interoperable-ra-tls/gramine-cert.pem", "ccc-interoperable-ra-tls/rats-tls-cert.pem",
            "rats-rs/demo-sgx-cert.pem"})
    void theirEvidenceOnAnotherKeyFailsTheBinding(String file) throws Exception {
        X509Certificate cert = load(file);
        byte[] value = ASN1OctetString.getInstance(cert.getExtensionValue(RatlsOids.TCG_DICE_CMW)).getOctets();
        KeyPair other = TestCertificates.p256();
        X509Certificate moved = TestCertificates.selfSigned(other, RatlsOids.TCG_DICE_CMW, value,
                cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        assertThatThrownBy(() -> new EvidenceReader(ReadOptions.standard()).read(moved))
                .isInstanceOfSatisfying(RatlsRefusal.class, r -> assertThat(r.rule()).isEqualTo(Rule.KEY_BINDING));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"rats-tls/rats-tls-cert-sample.pem", "rats-tls/rats-tls-cert-openssl-sample.pem"})
    void gramineLegacySamplesAreReadOnlyWhenEnabled(String file) throws Exception {
        X509Certificate cert = load(file);
        assertThatThrownBy(() -> new EvidenceReader(ReadOptions.standard()).read(cert))
                .isInstanceOfSatisfying(RatlsRefusal.class,
                        r -> assertThat(r.rule()).isEqualTo(Rule.PROFILE_NOT_ENABLED));
        BoundEvidence e = new EvidenceReader(ReadOptions.standard().with(Profile.GRAMINE_LEGACY)).read(cert);
        assertThat(e.profile()).isEqualTo(Profile.GRAMINE_LEGACY);
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        // Early rats-tls hashed the PKCS#1 RSAPublicKey (the SPKI's BIT STRING content), not the whole SPKI.
        byte[] rsaPublicKey = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(
                cert.getPublicKey().getEncoded()).getPublicKeyData().getOctets();
        byte[] reportData = EvidenceReader.reportData(e.quote());
        assertThat(java.util.Arrays.copyOf(reportData, 32))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(rsaPublicKey));
    }

    /** Gramine's own certificates carry the legacy quote under its mis-encoded OID; read that encoding too. */
    @Test
    void gramineMisencodedLegacyOidIsRead() throws Exception {
        X509Certificate gramine = load("ccc-interoperable-ra-tls/gramine-cert.pem");
        byte[] legacy = gramine.getExtensionValue(RatlsOids.GRAMINE_LEGACY_QUOTE_MISENCODED);
        assertThat(legacy).as("the sample has the mis-encoded OID").isNotNull();
        byte[] quote = ASN1OctetString.getInstance(legacy).getOctets();
        // The same public key and quote, without the CCC extension (signed by another key: the reader reads only).
        X509Certificate onlyLegacy = withKey(gramine.getPublicKey(), RatlsOids.GRAMINE_LEGACY_QUOTE_MISENCODED, quote);
        BoundEvidence e = new EvidenceReader(ReadOptions.standard().with(Profile.GRAMINE_LEGACY)).read(onlyLegacy);
        assertThat(e.profile()).isEqualTo(Profile.GRAMINE_LEGACY);
        // And the CCC extension, when present, decides first.
        assertThat(new EvidenceReader(ReadOptions.all()).read(gramine).profile()).isEqualTo(Profile.CCC);
    }

    static X509Certificate withKey(PublicKey key, String oid, byte[] value) throws Exception {
        KeyPair signer = TestCertificates.p256();
        X500Name name = new X500Name("CN=moved");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                new Date(0), new Date(4_000_000_000_000L), name, key);
        b.addExtension(new ASN1ObjectIdentifier(oid), false, value);
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}
