package io.github.tdx4j.ratls;

import java.math.BigInteger;
import java.net.Socket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates a hostile or broken server might present, built directly with BouncyCastle. */
final class TestCertificates {
    private TestCertificates() {
    }

    static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** A self-signed certificate for {@code keys} with {@code extensionValue} under {@code oid}. */
    static X509Certificate selfSigned(KeyPair keys, String oid, byte[] extensionValue, Instant notBefore,
                                      Instant notAfter) throws Exception {
        X500Name name = new X500Name("CN=forged");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(7),
                Date.from(notBefore), Date.from(notAfter), name, keys.getPublic());
        b.addExtension(new ASN1ObjectIdentifier(oid), false, extensionValue);
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    /** {@link #selfSigned} with a second extension {@code oid2} = {@code value2}. */
    static X509Certificate selfSigned(KeyPair keys, String oid, byte[] extensionValue, Instant notBefore,
                                      Instant notAfter, String oid2, byte[] value2) throws Exception {
        X500Name name = new X500Name("CN=forged");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(7),
                Date.from(notBefore), Date.from(notAfter), name, keys.getPublic());
        b.addExtension(new ASN1ObjectIdentifier(oid), false, extensionValue);
        b.addExtension(new ASN1ObjectIdentifier(oid2), false, value2);
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    /** A key manager that always serves one certificate, whatever the handshake asks. */
    static final class Fixed extends X509ExtendedKeyManager {
        private final X509Certificate cert;
        private final PrivateKey key;

        Fixed(X509Certificate cert, PrivateKey key) {
            this.cert = cert;
            this.key = key;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return "EC".equals(keyType) ? "fixed" : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return chooseServerAlias(keyType, issuers, null);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "fixed";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"fixed"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[] {"fixed"};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return new X509Certificate[] {cert};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }
    }

    /** A clock tests move by hand. */
    static final class MutableClock implements InstantSource {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void set(Instant t) {
            now.set(t);
        }
    }
}
