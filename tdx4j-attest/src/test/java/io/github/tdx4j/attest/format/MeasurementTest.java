package io.github.tdx4j.attest.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MeasurementTest {
    private static final String MRTD_HEX = "98bbc39e3e27b4cb27ed6d21870b187738f64ec44b9f3f93"
            + "d603b35a84e610dcb45f1b6d79c648c7bf8e68f7a37b8ab5";

    private static byte[] filled(int value) {
        byte[] b = new byte[48];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    @DisplayName("a measurement is exactly 48 bytes (SHA-384): 47 and 49 are refused with the size in the message")
    void fixedSize() {
        assertThat(Measurement.SIZE).isEqualTo(48);
        assertThatThrownBy(() -> Measurement.of(new byte[47])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a measurement must be 48 bytes, got 47");
        assertThatThrownBy(() -> Measurement.of(new byte[49])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Measurement.ofHex("ab".repeat(47))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Measurement.ofHex("zz".repeat(48))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Measurement.of(new byte[50], 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    @DisplayName("immutable: changing the array it was made from, or the array it handed out, changes nothing")
    void defensiveCopies() {
        byte[] source = filled(0x11);
        Measurement m = Measurement.of(source);
        source[0] = 0;
        m.toByteArray()[1] = 0;
        assertThat(m.toByteArray()).isEqualTo(filled(0x11));
    }

    @Test
    @DisplayName("hex is 96 lower-case digits, and ofHex reads either case back to an equal value")
    void hex() {
        Measurement m = Measurement.ofHex(MRTD_HEX.toUpperCase(java.util.Locale.ROOT));
        assertThat(m.hex()).isEqualTo(MRTD_HEX);
        assertThat(m).hasToString(MRTD_HEX);
        assertThat(Measurement.ofHex(MRTD_HEX)).isEqualTo(m).hasSameHashCodeAs(m);
    }

    @Test
    @DisplayName("equality is by value: a difference in the last byte only makes them unequal")
    void valueEquality() {
        byte[] other = filled(0x11);
        other[47] = 0x12;
        assertThat(Measurement.of(filled(0x11))).isEqualTo(Measurement.of(filled(0x11)))
                .isNotEqualTo(Measurement.of(other)).isNotEqualTo(filled(0x11));
        assertThat(Measurement.zero().isZero()).isTrue();
        assertThat(Measurement.of(other).isZero()).isFalse();
    }

    @Test
    @DisplayName("of(source, offset) and copyTo(out, offset) move the same 48 bytes")
    void offsets() {
        byte[] report = new byte[1024];
        Arrays.fill(report, 528, 576, (byte) 0x5a);
        Measurement m = Measurement.of(report, 528);
        assertThat(m).isEqualTo(Measurement.of(filled(0x5a)));
        byte[] out = new byte[1024];
        m.copyTo(out, 528);
        assertThat(out).isEqualTo(report);
    }
}
