package io.github.tdx4j.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The token-signing PKI of the Intel Trust Authority-compatible face, shaped as Intel's client libraries check it
 * (trustauthority-client {@code verifyToken}: an RSA key whose JWK {@code x5c} holds at least 3 certificates, a leaf,
 * a CA whose CN has "Signing CA" and a CA whose CN has "Root CA"; the CRL at each CA-issued certificate's first
 * CRL distribution point must verify and be current): RSA 3072 keys, a root "tdx4j Attestation Token Root CA", an
 * intermediate "tdx4j Attestation Token Signing CA", the leaf "tdx4j Attestation Token Signer", and the two CRLs
 * (empty), served by the server at {@code /crl/root.crl} and {@code /crl/signing-ca.crl}. Made at start for the
 * server's address; valid for ten years, CRLs for {@link #CRL_LIFETIME}.
 *
 * @param signer      the leaf's key pair (signs tokens and nonces)
 * @param chain       leaf, Signing CA, Root CA
 * @param rootCrl     the Root CA's CRL (covers the Signing CA)
 * @param signingCrl  the Signing CA's CRL (covers the leaf)
 */
record ItaPki(KeyPair signer, List<X509Certificate> chain, X509CRL rootCrl, X509CRL signingCrl) {
    static final String ROOT_CN = "tdx4j Attestation Token Root CA";
    static final String SIGNING_CA_CN = "tdx4j Attestation Token Signing CA";
    static final String LEAF_CN = "tdx4j Attestation Token Signer";
    static final String ROOT_CRL_PATH = "/crl/root.crl";
    static final String SIGNING_CRL_PATH = "/crl/signing-ca.crl";
    static final Duration CRL_LIFETIME = Duration.ofDays(365);

    /** A new PKI whose CRL distribution points are under {@code baseUri} (the server's address). */
    static ItaPki generate(String baseUri, Instant now) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(3072);
            KeyPair root = g.generateKeyPair();
            KeyPair ca = g.generateKeyPair();
            KeyPair leaf = g.generateKeyPair();
            Instant notAfter = now.plus(Duration.ofDays(3650));
            X509Certificate rootCert = cert(ROOT_CN, root, ROOT_CN, root.getPrivate(), 1, true, null, now, notAfter);
            X509Certificate caCert = cert(SIGNING_CA_CN, ca, ROOT_CN, root.getPrivate(), 2, true,
                    baseUri + ROOT_CRL_PATH, now, notAfter);
            X509Certificate leafCert = cert(LEAF_CN, leaf, SIGNING_CA_CN, ca.getPrivate(), 3, false,
                    baseUri + SIGNING_CRL_PATH, now, notAfter);
            return new ItaPki(leaf, List.of(leafCert, caCert, rootCert), crl(ROOT_CN, root.getPrivate(), now),
                    crl(SIGNING_CA_CN, ca.getPrivate(), now));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("making the token-signing PKI failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X509Certificate cert(String cn, KeyPair subject, String issuerCn, PrivateKey issuerKey, long serial,
                                        boolean ca, String crlUri, Instant from, Instant to)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuerCn),
                BigInteger.valueOf(serial), Date.from(from.minusSeconds(3600)), Date.from(to), new X500Name("CN=" + cn),
                subject.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(0) : new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                : KeyUsage.digitalSignature));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subject.getPublic()));
        if (crlUri != null) {
            GeneralNames names = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUri));
            b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                    new DistributionPoint(new DistributionPointName(names), null, null)}));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA384withRSA").build(issuerKey)));
    }

    private static X509CRL crl(String issuerCn, PrivateKey key, Instant now)
            throws GeneralSecurityException, OperatorCreationException {
        X509v2CRLBuilder b = new X509v2CRLBuilder(new X500Name("CN=" + issuerCn), Date.from(now.minusSeconds(60)));
        b.setNextUpdate(Date.from(now.plus(CRL_LIFETIME)));
        return new JcaX509CRLConverter().getCRL(b.build(new JcaContentSignerBuilder("SHA384withRSA").build(key)));
    }
}
