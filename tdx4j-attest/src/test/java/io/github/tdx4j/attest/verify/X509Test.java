package io.github.tdx4j.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The certificate and CRL primitives of the verifier: chains with trailing padding, signatures only in Intel's
 * algorithm (ecdsa-with-SHA256), and the DER ECDSA signature with each integer at its 32-byte bound.
 */
class X509Test {
    private static final X500Name NAME = new X500Name("CN=Test CA");
    private static KeyPair keys;
    private static P256 p256;

    @BeforeAll
    static void setUp() throws Exception {
        KeyPairGenerator g = TestPki.seededP256(20261207L);
        keys = g.generateKeyPair();
        p256 = P256.of(CryptoEngine.BOUNCY_CASTLE);
    }

    private static X509Certificate selfSigned(String algorithm) throws Exception {
        var b = new JcaX509v3CertificateBuilder(NAME, BigInteger.ONE, new Date(0), new Date(4_102_444_800_000L), NAME,
                keys.getPublic());
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm)
                .build(keys.getPrivate())));
    }

    private static X509CRL crl(String algorithm) throws Exception {
        var b = new X509v2CRLBuilder(NAME, new Date(0));
        b.setNextUpdate(new Date(4_102_444_800_000L));
        byte[] der = b.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())).getEncoded();
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new java.io.ByteArrayInputStream(der));
    }

    private static byte[] ecdsaSig(BigInteger r, BigInteger s) throws Exception {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(r));
        v.add(new ASN1Integer(s));
        return new DERSequence(v).getEncoded("DER");
    }

    private static String pem(X509Certificate c) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    @Test
    @DisplayName("A certificate or CRL signed with ecdsa-with-SHA256 verifies; the same key with SHA-384 is refused")
    void onlyEcdsaWithSha256() throws Exception {
        P256.Key key = p256.key(keys.getPublic());
        assertThat(X509.signedBy(p256, selfSigned("SHA256withECDSA"), key)).isTrue();
        assertThat(X509.signedBy(p256, selfSigned("SHA384withECDSA"), key)).isFalse();
        assertThat(X509.signedBy(p256, crl("SHA256withECDSA"), key)).isTrue();
        assertThat(X509.signedBy(p256, crl("SHA384withECDSA"), key)).isFalse();
    }

    @Test
    @DisplayName("A chain may end in NULs, CR, LF and spaces (go-tdx-guest's v5 sample ends in a NUL); padding alone is empty")
    void trailingPadding() throws Exception {
        String pem = pem(selfSigned("SHA256withECDSA"));
        for (String tail : new String[] {"\0", "\r", "\n", " ", "\0\r\n \0"}) {
            assertThat(X509.chain((pem + tail).getBytes(StandardCharsets.US_ASCII), ErrorCode.PCK_CHAIN_INVALID, "c"))
                    .as("tail %s", Arrays.toString(tail.getBytes(StandardCharsets.US_ASCII))).hasSize(1);
        }
        for (byte[] empty : new byte[][] {new byte[0], {0}, {'\n', '\r', ' ', 0}}) {
            assertThatThrownBy(() -> X509.chain(empty, ErrorCode.PCK_CHAIN_INVALID, "the chain"))
                    .isInstanceOfSatisfying(Refusal.class, r -> {
                        assertThat(r.code).isEqualTo(ErrorCode.PCK_CHAIN_INVALID);
                        assertThat(r.getMessage()).isEqualTo("the chain is empty");
                    });
        }
    }

    @Test
    @DisplayName("rawSignature: r and s of exactly 256 bits fill 32 bytes each; 257 bits or zero give null")
    void rawSignatureBounds() throws Exception {
        BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
        byte[] rs = X509.rawSignature(ecdsaSig(max, BigInteger.ONE));
        assertThat(rs).hasSize(64);
        assertThat(Arrays.copyOfRange(rs, 0, 32)).containsOnly(0xFF);
        assertThat(rs[63]).isEqualTo((byte) 1);
        assertThat(Arrays.copyOfRange(rs, 32, 63)).containsOnly(0);
        assertThat(X509.rawSignature(ecdsaSig(max.add(BigInteger.ONE), BigInteger.ONE))).as("257 bits").isNull();
        assertThat(X509.rawSignature(ecdsaSig(BigInteger.ZERO, BigInteger.ONE))).as("r = 0").isNull();
        assertThat(X509.rawSignature(new byte[] {0x30, 0x00})).as("no integers").isNull();
        assertThat(X509.rawSignature(new byte[] {1, 2, 3})).as("not DER").isNull();
    }
}
