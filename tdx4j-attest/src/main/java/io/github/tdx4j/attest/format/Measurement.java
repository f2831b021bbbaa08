package io.github.tdx4j.attest.format;

import io.github.tdx4j.abi.TdReportLayout;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * One 48-byte SHA-384 measurement register or hash of a TD report or quote: MRTD, MRCONFIGID, MROWNER,
 * MROWNERCONFIG, RTMR0..3, SERVTD_HASH / MRSERVICETD, MRSEAM and MRSIGNERSEAM (TDX Module ABI v1.5,
 * "TDINFO_STRUCT" and "TEE_TCB_INFO"). Immutable: it copies what it is made from and what it hands out.
 *
 * <p>{@link #equals} compares in time independent of where the values differ ({@link MessageDigest#isEqual}), so a
 * policy that compares a quote's measurement with the one it expects does not leak how many leading bytes matched.
 * Written by hand because the JDK has no fixed-length byte value type and the evidence records need one.
 */
public final class Measurement {
    /** The size of every measurement: 48 bytes, SHA-384 (TdReportLayout.MEASUREMENT_SIZE). */
    public static final int SIZE = TdReportLayout.MEASUREMENT_SIZE;

    private static final HexFormat HEX = HexFormat.of();
    private static final Measurement ZERO = new Measurement(new byte[SIZE]);

    private final byte[] bytes;

    private Measurement(byte[] owned) {
        this.bytes = owned;
    }

    /** A copy of {@code bytes}, which must be exactly {@link #SIZE} bytes. */
    public static Measurement of(byte[] bytes) {
        Objects.requireNonNull(bytes, "measurement");
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("a measurement must be " + SIZE + " bytes, got " + bytes.length);
        }
        return new Measurement(bytes.clone());
    }

    /** The {@link #SIZE} bytes of {@code source} from {@code offset}. */
    public static Measurement of(byte[] source, int offset) {
        Objects.checkFromIndexSize(offset, SIZE, source.length);
        return new Measurement(Arrays.copyOfRange(source, offset, offset + SIZE));
    }

    /** Parses 96 hex digits (either case). */
    public static Measurement ofHex(String hex) {
        Objects.requireNonNull(hex, "measurement");
        if (hex.length() != 2 * SIZE || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("a measurement must be " + SIZE + " bytes of hex: " + hex);
        }
        return new Measurement(HEX.parseHex(hex.toLowerCase(Locale.ROOT)));
    }

    /** The all-zero measurement (for example SERVTD_HASH when no service TD is bound). */
    public static Measurement zero() {
        return ZERO;
    }

    /** A copy of the 48 bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Writes the 48 bytes into {@code out} at {@code offset}. */
    public void copyTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, SIZE);
    }

    /** Whether every byte is zero. */
    public boolean isZero() {
        return equals(ZERO);
    }

    /** The 96 lower-case hex digits, as every JSON output of this project writes a measurement. */
    public String hex() {
        return HEX.formatHex(bytes);
    }

    /** Equal bytes, compared in constant time. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Measurement other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The lower-case hex, as {@link #hex()}. */
    @Override
    public String toString() {
        return hex();
    }
}
