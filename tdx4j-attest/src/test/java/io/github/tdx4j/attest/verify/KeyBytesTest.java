package io.github.tdx4j.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cache key of decoded P-256 keys. A key that compared equal to another key would hand that key's decoded point
 * to the wrong signature check: one platform's good quotes would fail after another platform's, or a cached point
 * would stand for a key never decoded.
 */
class KeyBytesTest {
    private static byte[] key(int last) {
        byte[] xy = new byte[64];
        Arrays.fill(xy, (byte) 0x5A);
        xy[63] = (byte) last;
        return xy;
    }

    @Test
    @DisplayName("Two copies of the same x‖y are one key, with one hash code")
    void equalByContent() {
        KeyBytes a = new KeyBytes(key(1));
        KeyBytes b = new KeyBytes(key(1));
        assertThat(a).isEqualTo(b);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }

    @Test
    @DisplayName("Keys differing in their last byte, or in length, are different keys and (here) hash apart")
    void differentKeysDiffer() {
        KeyBytes a = new KeyBytes(key(1));
        assertThat(a).isNotEqualTo(new KeyBytes(key(2)));
        assertThat(a.hashCode()).isNotEqualTo(new KeyBytes(key(2)).hashCode());
        assertThat(a).isNotEqualTo(new KeyBytes(Arrays.copyOf(key(1), 63)));
        assertThat(a).isNotEqualTo(key(1)).isNotEqualTo(null);
    }

    @Test
    @DisplayName("toString is x‖y in lower-case hex")
    void hexForm() {
        assertThat(new KeyBytes(new byte[] {0x0A, (byte) 0xFF}).toString()).isEqualTo("0aff");
    }
}
