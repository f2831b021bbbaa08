package io.github.tdx4j.attest.verify;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The trust anchor of quote verification: the root CA that every PCK chain, TCB signing chain and CRL must lead
 * to. By default Intel's production "Intel SGX Root CA" ({@link #intelProduction()}); tests and Intel's sample data
 * use their own root.
 *
 * <p>A chain reaches the anchor when its top certificate has the anchor's subject and public key; the anchor's key
 * then checks the signature of the certificate below it (Intel QvE pins the root's public key the same way,
 * intel/SGXDataCenterAttestationPrimitives {@code QuoteVerification/QvE/Enclave/qve.cpp}).
 */
public final class TrustedRoot {
    /** SHA-256 of the DER of Intel's production root, as published by Intel and checked on load. */
    public static final String INTEL_ROOT_SHA256 = "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";
    private static final String INTEL_ROOT_RESOURCE = "Intel_SGX_Provisioning_Certification_RootCA.der";

    private final X509Certificate certificate;
    private final byte[] encoded;
    private final byte[] publicKey;

    private TrustedRoot(X509Certificate certificate) {
        this.certificate = certificate;
        try {
            this.encoded = certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("root certificate cannot be encoded: " + e.getMessage(), e);
        }
        this.publicKey = certificate.getPublicKey().getEncoded();
    }

    /** Intel's production SGX root CA, from this library's resources (see its README there for provenance). */
    public static TrustedRoot intelProduction() {
        return IntelHolder.INTEL;
    }

    private static final class IntelHolder {
        static final TrustedRoot INTEL = loadIntel();
    }

    /** Reads and checks the resource; package-private so that a test can run it again after the holder has. */
    static TrustedRoot loadIntel() {
        try (InputStream in = TrustedRoot.class.getResourceAsStream(INTEL_ROOT_RESOURCE)) {
            // Runs in IntelHolder's static initializer: a broken jar fails there, once, with this message.
            if (in == null) {
                throw new ExceptionInInitializerError("resource " + INTEL_ROOT_RESOURCE + " is missing from the jar");
            }
            TrustedRoot root = of(in.readAllBytes());
            if (!root.sha256().equals(INTEL_ROOT_SHA256)) {
                throw new ExceptionInInitializerError("resource " + INTEL_ROOT_RESOURCE + " has SHA-256 "
                        + root.sha256() + ", not Intel's " + INTEL_ROOT_SHA256);
            }
            return root;
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The root in {@code certificate}. */
    public static TrustedRoot of(X509Certificate certificate) {
        return new TrustedRoot(Objects.requireNonNull(certificate, "certificate"));
    }

    /**
     * The root in a PEM or DER file's content.
     *
     * @throws IllegalArgumentException if it is not exactly one X.509 certificate
     */
    public static TrustedRoot of(byte[] pemOrDer) {
        List<X509Certificate> certs;
        try {
            certs = X509.chain(pemOrDer, ErrorCode.MALFORMED_COLLATERAL, "root certificate");
        } catch (Refusal f) {
            throw new IllegalArgumentException(f.getMessage(), f);
        }
        if (certs.size() != 1) {
            throw new IllegalArgumentException("a root file must hold exactly one certificate, holds " + certs.size());
        }
        return new TrustedRoot(certs.getFirst());
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 of the certificate's DER, lowercase hex. */
    public String sha256() {
        return HexFormat.of().formatHex(P256.sha256().digest(encoded));
    }

    /** Whether {@code c} is this root: same subject and same public key. */
    boolean isAnchorOf(X509Certificate c) {
        return c.getSubjectX500Principal().equals(certificate.getSubjectX500Principal())
                && MessageDigest.isEqual(c.getPublicKey().getEncoded(), publicKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedRoot r && Arrays.equals(encoded, r.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "TrustedRoot[" + certificate.getSubjectX500Principal().getName() + ", sha256 " + sha256() + "]";
    }
}
