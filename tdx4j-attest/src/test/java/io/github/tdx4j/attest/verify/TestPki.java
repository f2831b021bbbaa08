package io.github.tdx4j.attest.verify;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.format.PckCertChain;
import io.github.tdx4j.attest.format.QeReportCertificationData;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.QuoteSignatureData;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test PKI shaped like Intel's, made with BouncyCastle: a root CA, a PCK CA, a PCK leaf carrying the SGX extension
 * of a real PCK certificate, a TCB signing certificate, and CRLs. It re-certifies a real quote (new PCK chain, QE
 * report re-signed with the test PCK key; the quote signature and QE report data stay valid because they do not
 * cover the certification data) and re-signs real collateral, so that revocation cases can be tested end to end.
 * Keys come from a seeded generator: the same run every time.
 */
final class TestPki {
    static final Instant NOT_BEFORE = Instant.parse("2024-01-01T00:00:00Z");
    static final Instant NOT_AFTER = Instant.parse("2030-01-01T00:00:00Z");

    final KeyPair rootKeys;
    final KeyPair pckCaKeys;
    final KeyPair pckKeys;
    final KeyPair tcbKeys;
    final X509Certificate root;
    final X509Certificate pckCa;
    final X509Certificate pck;
    final X509Certificate tcbSigning;

    /** Further key pairs (attestation keys, rogue CAs), from their own seeded generator. */
    private final KeyPairGenerator extraKeys;
    private final X509Certificate realPck;

    TestPki(X509Certificate realPck) throws Exception {
        this.realPck = realPck;
        KeyPairGenerator g = seededP256(20260101L);
        extraKeys = seededP256(20260102L);
        rootKeys = g.generateKeyPair();
        pckCaKeys = g.generateKeyPair();
        pckKeys = g.generateKeyPair();
        tcbKeys = g.generateKeyPair();
        // Intel's names, so that Intel's QVL (which checks them) accepts this PKI as well: the PCK CA and leaf names
        // of the real PCK certificate, the root and TCB signing names of Intel's production certificates.
        X500Name rootName = name("Intel SGX Root CA");
        X500Name caName = X500Name.getInstance(realPck.getIssuerX500Principal().getEncoded());
        root = cert(rootName, rootName, BigInteger.ONE, rootKeys, rootKeys, true, null);
        pckCa = cert(rootName, caName, BigInteger.TWO, pckCaKeys, rootKeys, true, null);
        tcbSigning = cert(rootName, name("Intel SGX TCB Signing"), BigInteger.valueOf(3), tcbKeys, rootKeys, false,
                null);
        pck = cert(caName, X500Name.getInstance(realPck.getSubjectX500Principal().getEncoded()),
                BigInteger.valueOf(0x1234), pckKeys, pckCaKeys, false, realPck);
    }

    static X500Name name(String cn) {
        return new X500Name("CN=" + cn + ", O=Intel Corporation, L=Santa Clara, ST=CA, C=US");
    }

    static X509Certificate cert(X500Name issuer, X500Name subject, BigInteger serial, KeyPair subjectKeys,
                                        KeyPair issuerKeys, boolean ca, X509Certificate sgxExtensionFrom)
            throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial, Date.from(NOT_BEFORE),
                Date.from(NOT_AFTER), subject, subjectKeys.getPublic());
        // The extensions every certificate of Intel's PKI has, which Intel's QVL requires (X509Constants.h
        // REQUIRED_X509_EXTENSIONS).
        JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
        b.addExtension(Extension.authorityKeyIdentifier, false,
                ids.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
        b.addExtension(Extension.subjectKeyIdentifier, false, ids.createSubjectKeyIdentifier(subjectKeys.getPublic()));
        b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                new DistributionPoint(new DistributionPointName(new GeneralNames(new GeneralName(
                        GeneralName.uniformResourceIdentifier, "https://tdx4j.invalid/crl.der"))), null, null)}));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                : KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (sgxExtensionFrom != null) {
            byte[] wrapped = sgxExtensionFrom.getExtensionValue("1.2.840.113741.1.13.1");
            b.addExtension(new ASN1ObjectIdentifier("1.2.840.113741.1.13.1"), false,
                    ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(wrapped).getOctets()));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(signer(issuerKeys.getPrivate())));
    }

    private static ContentSigner signer(PrivateKey key) throws Exception {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    }

    /** A DER CRL by {@code issuer} listing {@code revoked}, valid from {@link #NOT_BEFORE} to {@link #NOT_AFTER}. */
    byte[] crl(X509Certificate issuer, PrivateKey key, BigInteger... revoked) throws Exception {
        X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
                Date.from(NOT_BEFORE));
        b.setNextUpdate(Date.from(NOT_AFTER));
        // The two extensions Intel's QVL requires of a CRL (X509Constants.cpp CRL_REQUIRED_EXTENSIONS).
        b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.ONE));
        b.addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.getPublicKey()));
        for (BigInteger serial : revoked) {
            b.addCRLEntry(serial, Date.from(NOT_BEFORE), CRLReason.keyCompromise);
        }
        return b.build(signer(key)).getEncoded();
    }

    static String pem(X509Certificate... certs) throws Exception {
        StringBuilder s = new StringBuilder();
        for (X509Certificate c : certs) {
            s.append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(c.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        return s.toString();
    }

    static byte[] signRaw(PrivateKey key, byte[] message) throws GeneralSecurityException {
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initSign(key);
        s.update(message);
        return s.sign();
    }

    /** {@code realQuote} with this PKI's PCK chain and the QE report re-signed by this PKI's PCK key. */
    byte[] recertify(byte[] realQuote) throws Exception {
        Quote q = Quote.decode(realQuote);
        QeReportCertificationData qe = q.signatureData().qeReportCertificationData().orElseThrow();
        byte[] qeSig = signRaw(pckKeys.getPrivate(), qe.qeReport().encode());
        PckCertChain chain = new PckCertChain(pem(pck, pckCa, root).getBytes(StandardCharsets.US_ASCII));
        QeReportCertificationData newQe = new QeReportCertificationData(qe.qeReport(), qeSig, qe.qeAuthData(), chain);
        return q.withSignatureData(new QuoteSignatureData(q.signatureData().signature(),
                q.signatureData().attestationKey(), newQe)).encode();
    }

    /** {@code real} re-signed by this PKI, with the given CRLs. */
    Collateral collateral(Collateral real, byte[] rootCrl, byte[] pckCrl) throws Exception {
        String tcbChain = pem(tcbSigning, root);
        return new Collateral(pem(pckCa, root), rootCrl, pckCrl, tcbChain, real.tcbInfo(),
                signRaw(tcbKeys.getPrivate(), real.tcbInfo().getBytes(StandardCharsets.UTF_8)), tcbChain,
                real.qeIdentity(), signRaw(tcbKeys.getPrivate(), real.qeIdentity().getBytes(StandardCharsets.UTF_8)));
    }

    /** A P-256 key-pair generator whose keys are fixed by {@code seed}, so every run builds the same certificates. */
    static KeyPairGenerator seededP256(long seed) throws GeneralSecurityException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        return g;
    }

    /** A new key pair from this PKI's seeded generator. */
    KeyPair newKeys() {
        return extraKeys.generateKeyPair();
    }

    /** The real PCK certificate this PKI copied its leaf's names and SGX extension from. */
    X509Certificate realPck() {
        return realPck;
    }

    /** {@code realQuote} with {@code chain} (leaf first) as its PCK chain and the QE report signed by {@code qeSigner}. */
    static byte[] recertify(byte[] realQuote, PrivateKey qeSigner, X509Certificate... chain) throws Exception {
        Quote q = Quote.decode(realQuote);
        QeReportCertificationData qe = q.signatureData().qeReportCertificationData().orElseThrow();
        byte[] qeSig = signRaw(qeSigner, qe.qeReport().encode());
        PckCertChain pem = new PckCertChain(pem(chain).getBytes(StandardCharsets.US_ASCII));
        QeReportCertificationData newQe = new QeReportCertificationData(qe.qeReport(), qeSig, qe.qeAuthData(), pem);
        return q.withSignatureData(new QuoteSignatureData(q.signatureData().signature(),
                q.signatureData().attestationKey(), newQe)).encode();
    }

    /**
     * A quote made from {@code realQuote} with its signed region (header and body) edited, then signed anew: a new
     * attestation key, bound by the QE report data (SHA-256 of the key and the QE auth data), the QE report signed by
     * this PKI's PCK key, this PKI's PCK chain, and the quote signature by the new key. Tests use it to reach the
     * checks behind the signatures with header or body values no real quote has.
     */
    byte[] forge(byte[] realQuote, java.util.function.Consumer<byte[]> editSignedRegion) throws Exception {
        byte[] raw = realQuote.clone();
        editSignedRegion.accept(raw);
        Quote q = Quote.decode(raw);
        QeReportCertificationData qe = q.signatureData().qeReportCertificationData().orElseThrow();
        KeyPair attestationKey = newKeys();
        java.security.interfaces.ECPublicKey ak = (java.security.interfaces.ECPublicKey) attestationKey.getPublic();
        byte[] xy = new byte[64];
        byte[] x = ak.getW().getAffineX().toByteArray();
        byte[] y = ak.getW().getAffineY().toByteArray();
        System.arraycopy(x, Math.max(0, x.length - 32), xy, 32 - Math.min(32, x.length), Math.min(32, x.length));
        System.arraycopy(y, Math.max(0, y.length - 32), xy, 64 - Math.min(32, y.length), Math.min(32, y.length));
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(xy);
        sha.update(qe.qeAuthData());
        byte[] report = qe.qeReport().encode();
        System.arraycopy(sha.digest(), 0, report, io.github.tdx4j.attest.format.QuoteLayout.REPORT_REPORT_DATA_OFFSET,
                32);
        QeReportCertificationData newQe = new QeReportCertificationData(
                io.github.tdx4j.attest.format.SgxReportBody.decode(report), signRaw(pckKeys.getPrivate(), report),
                qe.qeAuthData(), new PckCertChain(pem(pck, pckCa, root).getBytes(StandardCharsets.US_ASCII)));
        Quote unsigned = q.withSignatureData(new QuoteSignatureData(new byte[64], xy, newQe));
        byte[] signature = signRaw(attestationKey.getPrivate(),
                java.util.Arrays.copyOf(unsigned.encode(), q.signedLength()));
        return q.withSignatureData(new QuoteSignatureData(signature, xy, newQe)).encode();
    }

    TrustedRoot trustedRoot() {
        return TrustedRoot.of(root);
    }

}
