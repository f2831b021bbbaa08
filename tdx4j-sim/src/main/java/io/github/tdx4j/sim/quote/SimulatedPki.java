package io.github.tdx4j.sim.quote;

import io.github.tdx4j.sim.SimulatorException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Boolean;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * The simulated Intel PKI of one platform: a root CA named "tdx4j Simulated SGX Root CA" (never Intel's name),
 * a PCK Platform CA, the platform's PCK leaf certificate with the SGX extension, a TCB signing certificate, and the
 * two CRLs. Everything derives from the seed, so a seed gives byte-identical certificates.
 *
 * <p>Profile as Intel's ("SGX PCK Certificate and Certificate Revocation List Profile Specification"): X.509 v3,
 * ECDSA-with-SHA256 on P-256; the PCK leaf's SGX extension (OID 1.2.840.113741.1.13.1) carries PPID, TCB (16
 * component SVNs, PCESVN, CPUSVN), PCE-ID, FMSPC, SGX type Scalable, platform instance id and configuration.
 * Validity: certificates from {@link #NOT_BEFORE} to {@link #NOT_AFTER}.
 */
// Deviation: fixed validity windows (certificates 2025..2049, CRLs and collateral until 2045) instead of Intel's
// 30-day TCB info and CRL cycles, so that simulated collateral does not expire under a test. Intel PCS API v4,
// "Get TDX TCB Info" (nextUpdate).
public final class SimulatedPki {
    /** Start of every certificate's validity and of the CRLs: 2025-01-01T00:00:00Z. */
    public static final Instant NOT_BEFORE = Instant.parse("2025-01-01T00:00:00Z");
    /** End of every certificate's validity: 2049-12-31T23:59:59Z, as Intel's root. */
    public static final Instant NOT_AFTER = Instant.parse("2049-12-31T23:59:59Z");
    /** CRL nextUpdate: 2045-01-01T00:00:00Z. */
    public static final Instant CRL_NEXT_UPDATE = Instant.parse("2045-01-01T00:00:00Z");

    public static final String ROOT_CN = "tdx4j Simulated SGX Root CA";
    public static final String PCK_PLATFORM_CA_CN = "tdx4j Simulated SGX PCK Platform CA";
    public static final String PCK_CN = "tdx4j Simulated SGX PCK Certificate";
    public static final String TCB_SIGNING_CN = "tdx4j Simulated SGX TCB Signing";

    /** FMSPC of the simulated platform (family-model-stepping-platform id): not one Intel assigns. */
    static final byte[] FMSPC = {0x7D, 0x45, 0x00, 0x00, 0x00, 0x00};
    /** PCE-ID 0000, as every Intel platform. */
    static final byte[] PCE_ID = {0, 0};
    /** The SGX TCB component SVNs of the platform (the PCK certificate's TCB). */
    static final int[] SGX_TCB_COMPONENTS = {2, 2, 2, 2, 3, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0};
    /** PCESVN of the platform. */
    static final int PCE_SVN = 11;

    private static final ASN1ObjectIdentifier SGX = new ASN1ObjectIdentifier("1.2.840.113741.1.13.1");

    private final SimKey rootKey;
    private final SimKey platformCaKey;
    private final SimKey pckKey;
    private final SimKey tcbSigningKey;
    private final X509Certificate root;
    private final X509Certificate platformCa;
    private final X509Certificate pck;
    private final X509Certificate tcbSigning;
    private final X509CRL rootCrl;
    private final X509CRL pckCrl;
    private final byte[] ppid;

    /** The PKI of the platform with {@code seed}. */
    public SimulatedPki(long seed) {
        rootKey = SimKey.derive(seed, "root CA");
        platformCaKey = SimKey.derive(seed, "PCK platform CA");
        pckKey = SimKey.derive(seed, "PCK");
        tcbSigningKey = SimKey.derive(seed, "TCB signing");
        ppid = java.util.Arrays.copyOf(sha256("PPID " + seed), 16);
        X500Name rootName = name(ROOT_CN);
        X500Name caName = name(PCK_PLATFORM_CA_CN);
        root = certificate(rootName, rootName, rootKey, rootKey, 1, true, null);
        platformCa = certificate(caName, rootName, platformCaKey, rootKey, 2, true, null);
        pck = certificate(name(PCK_CN), caName, pckKey, platformCaKey, 3, false, sgxExtension(seed));
        tcbSigning = certificate(name(TCB_SIGNING_CN), rootName, tcbSigningKey, rootKey, 4, false, null);
        rootCrl = crl(rootName, rootKey);
        pckCrl = crl(caName, platformCaKey);
    }

    public X509Certificate rootCertificate() {
        return root;
    }

    public X509Certificate pckPlatformCaCertificate() {
        return platformCa;
    }

    public X509Certificate pckCertificate() {
        return pck;
    }

    public X509Certificate tcbSigningCertificate() {
        return tcbSigning;
    }

    public X509CRL rootCaCrl() {
        return rootCrl;
    }

    public X509CRL pckCrl() {
        return pckCrl;
    }

    /** The PCK certificate chain as a quote carries it: PEM leaf ‖ PCK Platform CA ‖ root, then one NUL byte. */
    public byte[] pckChainPem() {
        String pem = pem(pck) + pem(platformCa) + pem(root);
        byte[] b = pem.getBytes(StandardCharsets.US_ASCII);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    /** The root certificate in PEM, for a verifier's trusted root. */
    public String rootPem() {
        return pem(root);
    }

    SimKey pckKey() {
        return pckKey;
    }

    SimKey tcbSigningKey() {
        return tcbSigningKey;
    }

    /** CPUSVN of the platform: the 16 SGX TCB component SVNs as bytes. */
    static byte[] cpuSvn() {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            b[i] = (byte) SGX_TCB_COMPONENTS[i];
        }
        return b;
    }

    static String pem(X509Certificate c) {
        try {
            return pem("CERTIFICATE", c.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new SimulatorException("cryptographic primitive failed", e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static String hex(X509CRL crl) {
        try {
            return HexFormat.of().formatHex(crl.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new SimulatorException("cryptographic primitive failed", e);
        }
    }

    private static X500Name name(String cn) {
        return new X500Name("CN=" + cn + ",O=tdx4j,L=Simulation,C=ZZ");
    }

    private ASN1Encodable sgxExtension(long seed) {
        ASN1EncodableVector tcb = new ASN1EncodableVector();
        for (int i = 0; i < 16; i++) {
            tcb.add(pair(SGX.branch("2").branch(Integer.toString(i + 1)), new ASN1Integer(SGX_TCB_COMPONENTS[i])));
        }
        tcb.add(pair(SGX.branch("2").branch("17"), new ASN1Integer(PCE_SVN)));
        tcb.add(pair(SGX.branch("2").branch("18"), new DEROctetString(cpuSvn())));
        ASN1EncodableVector config = new ASN1EncodableVector();
        config.add(pair(SGX.branch("7").branch("1"), ASN1Boolean.FALSE));
        config.add(pair(SGX.branch("7").branch("2"), ASN1Boolean.TRUE));
        config.add(pair(SGX.branch("7").branch("3"), ASN1Boolean.TRUE));
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(pair(SGX.branch("1"), new DEROctetString(ppid)));
        v.add(pair(SGX.branch("2"), new DERSequence(tcb)));
        v.add(pair(SGX.branch("3"), new DEROctetString(PCE_ID)));
        v.add(pair(SGX.branch("4"), new DEROctetString(FMSPC)));
        v.add(pair(SGX.branch("5"), new ASN1Enumerated(1)));
        v.add(pair(SGX.branch("6"), new DEROctetString(java.util.Arrays.copyOf(sha256("instance " + seed), 16))));
        v.add(pair(SGX.branch("7"), new DERSequence(config)));
        return new DERSequence(v);
    }

    private static DERSequence pair(ASN1ObjectIdentifier oid, ASN1Encodable value) {
        return new DERSequence(new ASN1Encodable[] {oid, value});
    }

    private static X509Certificate certificate(X500Name subject, X500Name issuer, SimKey subjectKey, SimKey issuerKey,
                                               long serial, boolean ca, ASN1Encodable sgxExtension) {
        try {
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(subjectKey.publicKey().getEncoded());
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer, BigInteger.valueOf(serial),
                    Date.from(NOT_BEFORE), Date.from(NOT_AFTER), subject, spki);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(spki));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(
                    SubjectPublicKeyInfo.getInstance(issuerKey.publicKey().getEncoded())));
            b.addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(0) : new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            if (sgxExtension != null) {
                b.addExtension(SGX, false, sgxExtension);
            }
            X509CertificateHolder holder = b.build(issuerKey.contentSigner());
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (IOException e) {
            throw new SimulatorException("encoding failed", e);
        } catch (GeneralSecurityException e) {
            throw new SimulatorException("building a simulated certificate", e);
        }
    }

    private static X509CRL crl(X500Name issuer, SimKey issuerKey) {
        try {
            X509v2CRLBuilder b = new X509v2CRLBuilder(issuer, Date.from(NOT_BEFORE));
            b.setNextUpdate(Date.from(CRL_NEXT_UPDATE));
            b.addExtension(Extension.cRLNumber, false, new ASN1Integer(1));
            b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils()
                    .createAuthorityKeyIdentifier(SubjectPublicKeyInfo.getInstance(issuerKey.publicKey().getEncoded())));
            X509CRLHolder holder = b.build(issuerKey.contentSigner());
            return (X509CRL) CertificateFactory.getInstance("X.509")
                    .generateCRL(new ByteArrayInputStream(holder.getEncoded()));
        } catch (IOException e) {
            throw new SimulatorException("encoding failed", e);
        } catch (GeneralSecurityException e) {
            throw new SimulatorException("building a simulated CRL", e);
        }
    }

    static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new SimulatorException("cryptographic primitive failed", e);
        }
    }

    static byte[] sha256Bytes(byte[]... parts) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new SimulatorException("cryptographic primitive failed", e);
        }
    }

    /** The issuer chain of the TCB info and QE identity: TCB signing ‖ root, PEM. */
    String tcbIssuerChainPem() {
        return pem(tcbSigning) + pem(root);
    }

    /** The issuer chain of the PCK CRL: PCK Platform CA ‖ root, PEM. */
    String pckCrlIssuerChainPem() {
        return pem(platformCa) + pem(root);
    }

    List<X509Certificate> chain() {
        return List.of(pck, platformCa, root);
    }
}
