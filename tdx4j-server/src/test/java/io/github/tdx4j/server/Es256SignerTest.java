package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The EAR token's ES256 signatures (RFC 7518, section 3.4: R and S as 32-byte big-endian integers), checked by
 * verifiers that are not the signer's: the JDK's SunEC and nimbus's ECDSAVerifier.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Es256SignerTest {
    private static final HexFormat HEX = HexFormat.of();

    private static KeyPair p256(String seed) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), seeded(seed));
        return g.generateKeyPair();
    }

    /** A SecureRandom that repeats its output for a seed: SHA1PRNG seeded before its first use. */
    private static SecureRandom seeded(String seed) throws Exception {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(seed.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    /**
     * RFC 7518 section 3.4: the signature is R || S, 64 bytes, each left-padded to 32. One signature in 128 has an R or
     * S below 2^248; signing goes on (seeded, so the same signatures each run) until one such has been verified, so an
     * encoding that drops the leading zero byte fails here every time.
     */
    @Test
    void rfc7518Section34_signatureIsRThenSPaddedTo32Bytes_verifiedBySunEc() throws Exception {
        KeyPair pair = p256("es256-signer-test");
        Es256Signer signer = new Es256Signer((ECPrivateKey) pair.getPrivate(), seeded("nonces"));
        JWSHeader header = new JWSHeader(JWSAlgorithm.ES256);
        Signature sunEc = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
        int shortOnes = 0;
        int signed = 0;
        while (shortOnes == 0 && signed < 5_000) {
            byte[] input = ("eyJhbGciOiJFUzI1NiJ9." + signed).getBytes(StandardCharsets.US_ASCII);
            byte[] sig = signer.sign(header, input).decode();
            signed++;
            assertThat(sig).as("signature %d", signed).hasSize(64);
            sunEc.initVerify(pair.getPublic());
            sunEc.update(input);
            assertThat(sunEc.verify(sig)).as("SunEC verifies signature %d: %s", signed, HEX.formatHex(sig)).isTrue();
            if (sig[0] == 0 || sig[32] == 0) {
                shortOnes++;
            }
        }
        assertThat(shortOnes).as("a signature with a short R or S among %d", signed).isPositive();
    }

    @Test
    void aJwsSignedByItVerifiesWithNimbus() throws Exception {
        KeyPair pair = p256("nimbus");
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("{\"ear.status\":\"affirming\"}"));
        jws.sign(new Es256Signer((ECPrivateKey) pair.getPrivate(), new SecureRandom()));
        JWSObject back = JWSObject.parse(jws.serialize());
        assertThat(back.verify(new ECDSAVerifier((ECPublicKey) pair.getPublic()))).isTrue();
        KeyPair other = p256("another key");
        assertThat(back.verify(new ECDSAVerifier((ECPublicKey) other.getPublic())))
                .as("the signature is bound to the key").isFalse();
    }

    @Test
    void twoSignaturesOfOneInputDiffer_eachNonceIsFresh() throws Exception {
        KeyPair pair = p256("nonce");
        Es256Signer signer = new Es256Signer((ECPrivateKey) pair.getPrivate(), new SecureRandom());
        byte[] input = "a.b".getBytes(StandardCharsets.US_ASCII);
        JWSHeader header = new JWSHeader(JWSAlgorithm.ES256);
        assertThat(signer.sign(header, input).decode()).isNotEqualTo(signer.sign(header, input).decode());
    }

    @Test
    void joseSignature_padsEachHalfOnTheLeft() {
        byte[] out = Es256Signer.joseSignature(BigInteger.valueOf(0x0102), BigInteger.valueOf(0x03));
        assertThat(HEX.formatHex(out)).isEqualTo("0".repeat(60) + "0102" + "0".repeat(62) + "03");
    }

    @Test
    void aKeyOfAnotherCurveIsRefused() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        ECPrivateKey p384 = (ECPrivateKey) g.generateKeyPair().getPrivate();
        assertThatThrownBy(() -> new Es256Signer(p384, new SecureRandom()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a P-256 key");
    }

    @Test
    void aHeaderNamingAnotherAlgorithmIsRefused() throws Exception {
        Es256Signer signer = new Es256Signer((ECPrivateKey) p256("alg").getPrivate(), new SecureRandom());
        assertThatThrownBy(() -> signer.sign(new JWSHeader(JWSAlgorithm.ES384), new byte[1]))
                .isInstanceOf(JOSEException.class).hasMessageContaining("ES384");
    }
}
