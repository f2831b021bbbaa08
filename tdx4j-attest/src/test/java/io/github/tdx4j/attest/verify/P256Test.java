package io.github.tdx4j.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Both engines of {@link P256} (raw x‖y keys and r‖s signatures, prepared keys reused) against a plain
 * BouncyCastle {@link ECDSASigner} verification and against each other, on the same keys and signatures.
 */
class P256Test {
    private static final BigInteger N = P256.BouncyCastle.DOMAIN.getN();

    private static byte[] xy(ECPublicKeyParameters pub) {
        var q = pub.getQ().normalize();
        byte[] out = new byte[64];
        System.arraycopy(BigIntegers.asUnsignedByteArray(32, q.getAffineXCoord().toBigInteger()), 0, out, 0, 32);
        System.arraycopy(BigIntegers.asUnsignedByteArray(32, q.getAffineYCoord().toBigInteger()), 0, out, 32, 32);
        return out;
    }

    private static byte[] rs(BigInteger r, BigInteger s) {
        byte[] out = new byte[64];
        System.arraycopy(BigIntegers.asUnsignedByteArray(32, r), 0, out, 0, 32);
        System.arraycopy(BigIntegers.asUnsignedByteArray(32, s), 0, out, 32, 32);
        return out;
    }

    private static boolean reference(ECPublicKeyParameters pub, byte[] message, byte[] rs) throws Exception {
        ECDSASigner v = new ECDSASigner();
        v.init(false, pub);
        return v.verifySignature(MessageDigest.getInstance("SHA-256").digest(message),
                new BigInteger(1, Arrays.copyOf(rs, 32)), new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)));
    }

    @Test
    @DisplayName("200 seeded keys and messages: valid, tampered-message, tampered-signature and swapped-key cases agree with ECDSASigner and SunEC")
    void agreesWithBouncyCastleAndSunEc() throws Exception {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(42L);
        ECKeyPairGenerator gen = new ECKeyPairGenerator();
        gen.init(new ECKeyGenerationParameters(P256.BouncyCastle.DOMAIN, random));
        P256 ours = P256.of(CryptoEngine.BOUNCY_CASTLE);
        P256 sun = P256.of(CryptoEngine.SUN_EC);
        ECPublicKeyParameters previous = null;
        for (int i = 0; i < 200; i++) {
            AsymmetricCipherKeyPair kp = gen.generateKeyPair();
            ECPublicKeyParameters pub = (ECPublicKeyParameters) kp.getPublic();
            byte[] message = new byte[1 + random.nextInt(700)];
            random.nextBytes(message);
            ECDSASigner signer = new ECDSASigner();
            signer.init(true, new org.bouncycastle.crypto.params.ParametersWithRandom(kp.getPrivate(), random));
            BigInteger[] sig = signer.generateSignature(MessageDigest.getInstance("SHA-256").digest(message));
            byte[] good = rs(sig[0], sig[1]);
            byte[] badMessage = message.clone();
            badMessage[random.nextInt(badMessage.length)] ^= (byte) (1 << random.nextInt(8));
            byte[] badSig = good.clone();
            badSig[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
            P256.Key k = ours.key(xy(pub));
            P256.Key ks = sun.key(xy(pub));
            String seedCase = "case " + i + " (seed 42)";
            assertThat(ours.verify(k, message, good)).as(seedCase).isTrue().isEqualTo(reference(pub, message, good));
            assertThat(sun.verify(ks, message, good)).as(seedCase).isTrue();
            assertThat(ours.verify(k, badMessage, good)).as(seedCase).isEqualTo(reference(pub, badMessage, good))
                    .isFalse();
            assertThat(ours.verify(k, message, badSig)).as(seedCase).isEqualTo(reference(pub, message, badSig))
                    .isEqualTo(sun.verify(ks, message, badSig));
            if (previous != null) {
                assertThat(ours.verify(ours.key(xy(previous)), message, good)).as(seedCase).isFalse();
            }
            previous = pub;
            // The same key object again (comb table reused) gives the same answers.
            assertThat(ours.verify(k, message, good)).as(seedCase).isTrue();
        }
    }

    @Test
    @DisplayName("r or s of 0, n or above n is invalid (FIPS 186-5 §6.4.2 step 1), also when r = n + the true r")
    void outOfRange() throws Exception {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(7L);
        ECKeyPairGenerator gen = new ECKeyPairGenerator();
        gen.init(new ECKeyGenerationParameters(P256.BouncyCastle.DOMAIN, random));
        AsymmetricCipherKeyPair kp = gen.generateKeyPair();
        byte[] message = "quote".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ECDSASigner signer = new ECDSASigner();
        signer.init(true, kp.getPrivate());
        BigInteger[] sig = signer.generateSignature(MessageDigest.getInstance("SHA-256").digest(message));
        P256 ours = P256.of(CryptoEngine.BOUNCY_CASTLE);
        P256.Key k = ours.key(xy((ECPublicKeyParameters) kp.getPublic()));
        assertThat(ours.verify(k, message, rs(sig[0], sig[1]))).isTrue();
        assertThat(ours.verify(k, message, rs(BigInteger.ZERO, sig[1]))).isFalse();
        assertThat(ours.verify(k, message, rs(sig[0], BigInteger.ZERO))).isFalse();
        assertThat(ours.verify(k, message, rs(N, sig[1]))).isFalse();
        assertThat(ours.verify(k, message, rs(sig[0], N))).isFalse();
        BigInteger rPlusN = sig[0].add(N);
        if (rPlusN.bitLength() <= 256) {
            assertThat(ours.verify(k, message, rs(rPlusN, sig[1]))).isFalse();
        }
        assertThat(ours.verify(k, message, new byte[63])).isFalse();
        assertThat(((ECPrivateKeyParameters) kp.getPrivate()).getD().signum()).isPositive();
    }

    @Test
    @DisplayName("A key off the curve is rejected by both engines")
    void offCurveKey() {
        byte[] xy = new byte[64];
        xy[31] = 1;
        xy[63] = 1;
        assertThatThrownBy(() -> P256.of(CryptoEngine.BOUNCY_CASTLE).key(xy)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> P256.of(CryptoEngine.SUN_EC).key(xy)).isInstanceOf(IllegalArgumentException.class);
    }
}
