package io.github.tdx4j.ratls;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.guest.attest.TdAttestation;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Mints RA-TLS certificates in the CCC interoperable format inside a TD: a fresh key pair, claims binding its
 * SubjectPublicKeyInfo (and a nonce in challenge mode), a quote whose REPORTDATA is SHA-256(claims) ‖ 32 zero bytes,
 * and a self-signed X.509 certificate carrying {@code 60000([quote, claims])} in the non-critical extension
 * {@value RatlsOids#TCG_DICE_CMW} (non-critical as the CCC format asks, so that TLS stacks that do not know the
 * extension still parse the certificate).
 *
 * <p>Quote requests are serialized: the TDX quote interface handles one request at a time.
 */
public final class CertificateIssuer {
    private final TdAttestation attestation;
    private final KeyCurve curve;
    private final X500Name subject;
    private final SecureRandom random;
    private final Optional<CollateralSource> endorsements;
    private final AtomicLong endorsementFailures = new AtomicLong();
    private volatile Optional<String> lastEndorsementFailure = Optional.empty();
    private final Object quoteLock = new Object();

    /**
     * @param attestation the TD's attestation service (simulated or Linux)
     * @param curve       the key curve
     * @param subjectCn   the certificate's subject and issuer common name
     * @param random      key and serial randomness
     */
    public CertificateIssuer(TdAttestation attestation, KeyCurve curve, String subjectCn, SecureRandom random) {
        this(attestation, curve, subjectCn, random, Optional.empty());
    }

    /**
     * An issuer that also writes the quote's collateral into each certificate, in the endorsements extension
     * {@value RatlsOids#TCG_DICE_ENDORSEMENT_MANIFEST} ({@link Endorsements}), for relying parties without PCS
     * access. When {@code endorsements} fails for a quote the certificate is issued without the extension (it is
     * optional in the format, and a TD should keep serving while its PCCS is down); {@link #endorsementFailures()}
     * counts those.
     *
     * @param endorsements where the collateral of a fresh quote comes from, typically a caching PCS/PCCS client;
     *                     empty for no endorsements extension
     */
    public CertificateIssuer(TdAttestation attestation, KeyCurve curve, String subjectCn, SecureRandom random,
                             Optional<CollateralSource> endorsements) {
        this.attestation = Objects.requireNonNull(attestation, "attestation");
        this.curve = Objects.requireNonNull(curve, "curve");
        this.subject = new X500Name("CN=" + Objects.requireNonNull(subjectCn, "subjectCn"));
        this.random = Objects.requireNonNull(random, "random");
        this.endorsements = Objects.requireNonNull(endorsements, "endorsements");
    }

    /** Certificates issued without their endorsements because the collateral source failed. */
    public long endorsementFailures() {
        return endorsementFailures.get();
    }

    /** The collateral source's message of the last such failure. */
    public Optional<String> lastEndorsementFailure() {
        return lastEndorsementFailure;
    }

    /**
     * A new certificate valid from {@code notBefore} to {@code notAfter}.
     *
     * @param nonce the challenge to put in the {@code nonce} claim, or empty
     * @throws io.github.tdx4j.guest.attest.AttestationException if the TD cannot produce a quote
     */
    public AttestedCertificate issue(Instant notBefore, Instant notAfter, Optional<byte[]> nonce) {
        KeyPair keys = newKeyPair();
        byte[] spki = keys.getPublic().getEncoded();
        Claims claims = new Claims(HashEntry.of(HashEntry.SHA_256, spki), nonce);
        byte[] encodedClaims = claims.encode();
        byte[] quote;
        synchronized (quoteLock) {
            quote = attestation.quote(Claims.reportData(encodedClaims));
        }
        byte[] evidence = CccEvidence.of(quote, encodedClaims).encode();
        BigInteger serial = new BigInteger(127, random).setBit(126); // positive, 16 bytes, RFC 5280 section 4.1.2.2
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial, Date.from(notBefore),
                    Date.from(notAfter), subject, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(new ASN1ObjectIdentifier(RatlsOids.TCG_DICE_CMW), false, evidence);
            Optional<byte[]> endorsed = endorsementsFor(quote);
            if (endorsed.isPresent()) {
                // Non-critical, like the evidence extension and for the same reason.
                b.addExtension(new ASN1ObjectIdentifier(RatlsOids.TCG_DICE_ENDORSEMENT_MANIFEST), false,
                        endorsed.get());
            }
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(curve.signatureAlgorithm).build(keys.getPrivate())));
            return new AttestedCertificate("ratls-" + HexFormat.of().formatHex(serial.toByteArray()), cert,
                    keys.getPrivate(), claims, quote);
        } catch (CertIOException | OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("building an RA-TLS certificate failed in BouncyCastle: "
                    + e.getMessage(), e);
        }
    }

    private Optional<byte[]> endorsementsFor(byte[] quote) {
        if (endorsements.isEmpty()) {
            return Optional.empty();
        }
        try {
            Collateral c = Objects.requireNonNull(endorsements.get().collateralFor(quote),
                    "the collateral source returned null");
            return Optional.of(Endorsements.of(c).encode());
        } catch (RuntimeException e) {
            endorsementFailures.incrementAndGet();
            lastEndorsementFailure = Optional.of(String.valueOf(e.getMessage()));
            return Optional.empty();
        }
    }

    private KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve.jcaCurve), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make a " + curve + " key: " + e.getMessage(), e);
        }
    }
}
