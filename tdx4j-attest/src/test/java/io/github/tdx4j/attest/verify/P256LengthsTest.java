package io.github.tdx4j.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both crypto engines on signatures of the wrong length: r‖s is exactly 64 bytes, anything else is no signature. */
class P256LengthsTest {
    @ParameterizedTest
    @EnumSource(CryptoEngine.class)
    @DisplayName("A valid r‖s verifies; the same bytes one shorter or one longer do not")
    void signatureIsExactly64Bytes(CryptoEngine engine) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        var keys = g.generateKeyPair();
        byte[] message = "quote".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initSign(keys.getPrivate());
        s.update(message);
        byte[] rs = s.sign();
        P256 p256 = P256.of(engine);
        P256.Key key = p256.key(keys.getPublic());
        assertThat(p256.verify(key, message, rs)).isTrue();
        assertThat(p256.verify(key, message, Arrays.copyOf(rs, 63))).isFalse();
        assertThat(p256.verify(key, message, Arrays.copyOf(rs, 65))).isFalse();
        assertThat(p256.verify(key, message, new byte[64])).as("r = s = 0").isFalse();
    }
}
