package io.github.tdx4j.sim.quote;

import io.github.tdx4j.sim.SimulatorException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.operator.ContentSigner;

/**
 * A P-256 key pair derived from the platform seed, with deterministic ECDSA-SHA256 signatures (RFC 6979), so that
 * the same seed gives byte-identical certificates, CRLs, collateral and quotes.
 *
 * <p>BouncyCastle's lightweight API does the curve arithmetic and the RFC 6979 signer (the JDK's ECDSA draws its
 * nonce from a SecureRandom); the JDK key objects are for verifiers and certificate builders.
 */
final class SimKey {
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(P256.getCurve(), P256.getG(),
            P256.getN(), P256.getH());

    private final BigInteger d;
    private final ECPoint q;
    private final PublicKey publicKey;
    private final PrivateKey privateKey;

    private SimKey(BigInteger d) {
        this.d = d;
        this.q = P256.getG().multiply(d).normalize();
        try {
            java.security.AlgorithmParameters ap = java.security.AlgorithmParameters.getInstance("EC");
            ap.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
            ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
            KeyFactory kf = KeyFactory.getInstance("EC");
            this.publicKey = kf.generatePublic(new ECPublicKeySpec(new java.security.spec.ECPoint(
                    q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), spec));
            this.privateKey = kf.generatePrivate(new ECPrivateKeySpec(d, spec));
        } catch (GeneralSecurityException e) {
            throw new SimulatorException("the JDK must provide EC keys on P-256", e);
        }
    }

    /** The key named {@code label} of the platform with {@code seed}: d = SHA-256(seed ‖ label) mod (n − 1) + 1. */
    static SimKey derive(long seed, String label) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(("tdx4j-sim " + seed + " " + label).getBytes(StandardCharsets.UTF_8));
            BigInteger raw = new BigInteger(1, md.digest());
            return new SimKey(raw.mod(P256.getN().subtract(BigInteger.ONE)).add(BigInteger.ONE));
        } catch (GeneralSecurityException e) {
            throw new SimulatorException("the JDK must provide SHA-256", e);
        }
    }

    PublicKey publicKey() {
        return publicKey;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    /** The public key as x ‖ y, 32 bytes each, big-endian: the quote's raw key format. */
    byte[] rawPublicKey() {
        byte[] out = new byte[64];
        put32(q.getAffineXCoord().toBigInteger(), out, 0);
        put32(q.getAffineYCoord().toBigInteger(), out, 32);
        return out;
    }

    /** ECDSA-SHA256 over {@code message}, as r ‖ s (32 bytes each, big-endian): the quote's signature format. */
    byte[] signRaw(byte[] message) {
        BigInteger[] rs = sign(message);
        byte[] out = new byte[64];
        put32(rs[0], out, 0);
        put32(rs[1], out, 32);
        return out;
    }

    /** ECDSA-SHA256 over {@code message}, DER-encoded: the X.509 signature format. */
    byte[] signDer(byte[] message) {
        BigInteger[] rs = sign(message);
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(rs[0]));
        v.add(new ASN1Integer(rs[1]));
        try {
            return new DERSequence(v).getEncoded();
        } catch (IOException e) {
            throw new SimulatorException("encoding failed", e);
        }
    }

    private BigInteger[] sign(byte[] message) {
        SHA256Digest digest = new SHA256Digest();
        digest.update(message, 0, message.length);
        byte[] hash = new byte[32];
        digest.doFinal(hash, 0);
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(d, DOMAIN));
        return signer.generateSignature(hash);
    }

    /** A BouncyCastle content signer (ecdsa-with-SHA256) for certificates and CRLs. */
    ContentSigner contentSigner() {
        return new ContentSigner() {
            private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
            }

            @Override
            public OutputStream getOutputStream() {
                return buffer;
            }

            @Override
            public byte[] getSignature() {
                return signDer(buffer.toByteArray());
            }
        };
    }

    private static void put32(BigInteger v, byte[] out, int offset) {
        byte[] b = v.toByteArray();
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, offset + 32 - n, n);
    }
}
