package io.github.tdx4j.attest.verify;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * ECDSA over NIST P-256 with SHA-256, the only signature scheme of Intel's DCAP attestation: the quote and QE
 * report signatures, every certificate and CRL, the TCB info and QE identity. Keys and signatures are in the raw
 * quote format: x‖y and r‖s, 32 bytes each, big-endian.
 */
abstract sealed class P256 permits P256.BouncyCastle, P256.SunEc {
    static final int COORDINATE = 32;
    static final int KEY_SIZE = 64;
    static final int SIGNATURE_SIZE = 64;

    /** A public key checked to be a point on P-256, prepared for repeated verification. */
    abstract static sealed class Key permits BouncyCastle.BcKey, SunEc.JcaKey {
        private final byte[] xy;

        Key(byte[] xy) {
            this.xy = xy;
        }

        /** Whether both keys are the same point (equal x‖y), whichever engine decoded them. */
        final boolean sameAs(Key other) {
            return Arrays.equals(xy, other.xy);
        }
    }

    static P256 of(CryptoEngine engine) {
        return switch (engine) {
            case BOUNCY_CASTLE -> new BouncyCastle();
            case SUN_EC -> new SunEc();
        };
    }

    /**
     * The key with coordinates x‖y.
     *
     * @throws IllegalArgumentException if {@code xy} is not 64 bytes or not a point on the curve
     */
    abstract Key key(byte[] xy);

    /** Signature verifications done by this instance, counted for tests of the work per call. */
    private final LongAdder verifications = new LongAdder();

    /** Whether {@code rs} (r‖s, 64 bytes) is a valid signature by {@code key} over {@code message[off, off+len)}. */
    final boolean verify(Key key, byte[] message, int off, int len, byte[] rs) {
        verifications.increment();
        return check(key, message, off, len, rs);
    }

    /** The engine's verification, as {@link #verify(Key, byte[], int, int, byte[])}. */
    abstract boolean check(Key key, byte[] message, int off, int len, byte[] rs);

    /** How many times {@link #verify(Key, byte[], int, int, byte[])} was called on this instance. */
    final long verifications() {
        return verifications.sum();
    }

    final boolean verify(Key key, byte[] message, byte[] rs) {
        return verify(key, message, 0, message.length, rs);
    }

    /** The P-256 key of a certificate or CRL signer. */
    final Key key(PublicKey publicKey) {
        return key(coordinates(publicKey));
    }

    /**
     * x‖y of a P-256 public key.
     *
     * @throws IllegalArgumentException if it is not an EC key on a 256-bit curve of P-256's order
     */
    static byte[] coordinates(PublicKey publicKey) {
        if (!(publicKey instanceof ECPublicKey ec)) {
            throw new IllegalArgumentException("not an EC key: " + publicKey.getAlgorithm());
        }
        if (ec.getParams().getCurve().getField().getFieldSize() != 256
                || !ec.getParams().getOrder().equals(BouncyCastle.DOMAIN.getN())) {
            throw new IllegalArgumentException("not a P-256 key");
        }
        byte[] xy = new byte[KEY_SIZE];
        put(ec.getW().getAffineX(), xy, 0);
        put(ec.getW().getAffineY(), xy, COORDINATE);
        return xy;
    }

    private static void put(BigInteger v, byte[] out, int off) {
        byte[] b = v.toByteArray();
        int len = Math.min(b.length, COORDINATE);
        System.arraycopy(b, b.length - len, out, off + COORDINATE - len, len);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform has SHA-256 (java.security.MessageDigest)", e);
        }
    }

    /**
     * BouncyCastle's {@link ECDSASigner} on its dedicated secp256r1 arithmetic. The prepared key holds
     * BouncyCastle's point, which keeps its window-NAF precomputation, so repeated verifies with the same key object
     * (a platform's PCK key and attestation key, Intel's CA keys, all kept by {@link QuoteVerifier}) cost about a
     * third of the first one. (A fixed-point comb on both points was measured too: slower, 147 against 78 µs,
     * because BouncyCastle's comb table lookups are constant-time scans made for signing.)
     */
    static final class BouncyCastle extends P256 {
        static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
        static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(),
                CURVE.getH());

        static final class BcKey extends Key {
            final ECPublicKeyParameters params;

            BcKey(byte[] xy, ECPublicKeyParameters params) {
                super(xy);
                this.params = params;
            }
        }

        @Override
        Key key(byte[] xy) {
            if (xy.length != KEY_SIZE) {
                throw new IllegalArgumentException("P-256 key must be 64 bytes, is " + xy.length);
            }
            BigInteger x = new BigInteger(1, Arrays.copyOfRange(xy, 0, COORDINATE));
            BigInteger y = new BigInteger(1, Arrays.copyOfRange(xy, COORDINATE, KEY_SIZE));
            // validatePoint rejects coordinates off the curve (and the point at infinity).
            ECPoint q = DOMAIN.getCurve().validatePoint(x, y);
            return new BcKey(xy.clone(), new ECPublicKeyParameters(q, DOMAIN));
        }

        @Override
        boolean check(Key key, byte[] message, int off, int len, byte[] rs) {
            if (rs.length != SIGNATURE_SIZE) {
                return false;
            }
            MessageDigest md = sha256();
            md.update(message, off, len);
            byte[] hash = md.digest();
            ECDSASigner signer = new ECDSASigner();
            signer.init(false, ((BcKey) key).params);
            BigInteger r = new BigInteger(1, Arrays.copyOfRange(rs, 0, COORDINATE));
            BigInteger s = new BigInteger(1, Arrays.copyOfRange(rs, COORDINATE, SIGNATURE_SIZE));
            // ECDSASigner rejects r or s outside [1, n-1] itself (FIPS 186-5 §6.4.2 step 1).
            return signer.verifySignature(hash, r, s);
        }
    }

    /** The JDK's SunEC provider with the raw r‖s signature format. */
    static final class SunEc extends P256 {
        private static final ECParameterSpec SPEC;

        static {
            try {
                AlgorithmParameters p = AlgorithmParameters.getInstance("EC", "SunEC");
                p.init(new ECGenParameterSpec("secp256r1"));
                SPEC = p.getParameterSpec(ECParameterSpec.class);
            } catch (GeneralSecurityException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static final class JcaKey extends Key {
            final PublicKey publicKey;

            JcaKey(byte[] xy, PublicKey publicKey) {
                super(xy);
                this.publicKey = publicKey;
            }
        }

        @Override
        Key key(byte[] xy) {
            if (xy.length != KEY_SIZE) {
                throw new IllegalArgumentException("P-256 key must be 64 bytes, is " + xy.length);
            }
            // Check the point with BouncyCastle's curve: the JDK's KeyFactory does not reject points off the curve.
            new BouncyCastle().key(xy);
            BigInteger x = new BigInteger(1, Arrays.copyOfRange(xy, 0, COORDINATE));
            BigInteger y = new BigInteger(1, Arrays.copyOfRange(xy, COORDINATE, KEY_SIZE));
            try {
                PublicKey k = KeyFactory.getInstance("EC", "SunEC")
                        .generatePublic(new ECPublicKeySpec(new java.security.spec.ECPoint(x, y), SPEC));
                return new JcaKey(xy.clone(), k);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("not a P-256 key: " + e.getMessage(), e);
            }
        }

        @Override
        boolean check(Key key, byte[] message, int off, int len, byte[] rs) {
            if (rs.length != SIGNATURE_SIZE) {
                return false;
            }
            try {
                Signature sig = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
                sig.initVerify(((JcaKey) key).publicKey);
                sig.update(message, off, len);
                return sig.verify(rs);
            } catch (GeneralSecurityException e) {
                // A malformed signature (e.g. r or s zero) is an invalid signature, not an error.
                return false;
            }
        }
    }
}
