package io.github.tdx4j.ratls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A CoSWID/CoRIM {@code hash-entry}, {@code [hash-alg-id, hash-value]}: the form of the {@code "pubkey-hash"}
 * claim. Algorithm ids are those of the IANA "Named Information Hash Algorithm Registry".
 *
 * @param algorithm the hash algorithm id
 * @param value     the digest
 */
public record HashEntry(int algorithm, byte[] value) {
    /** IANA Named Information Hash Algorithm Registry: sha-256. */
    public static final int SHA_256 = 1;
    /** IANA Named Information Hash Algorithm Registry: sha-384. */
    public static final int SHA_384 = 7;
    /** IANA Named Information Hash Algorithm Registry: sha-512. */
    public static final int SHA_512 = 8;

    public HashEntry {
        Objects.requireNonNull(value, "value");
        value = value.clone();
    }

    /** The entry of {@code algorithm} (one of the three constants) over {@code data}. */
    public static HashEntry of(int algorithm, byte[] data) {
        return new HashEntry(algorithm, digest(algorithm, data));
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** Whether {@code data} hashes to this entry's value under its algorithm. */
    public boolean matches(byte[] data) {
        return MessageDigest.isEqual(value, digest(algorithm, data));
    }

    /** The JCA name of an algorithm id. */
    static String jcaName(int algorithm) {
        return switch (algorithm) {
            case SHA_256 -> "SHA-256";
            case SHA_384 -> "SHA-384";
            case SHA_512 -> "SHA-512";
            default -> throw new IllegalArgumentException("hash algorithm id " + algorithm
                    + " is not sha-256 (1), sha-384 (7) or sha-512 (8)");
        };
    }

    static byte[] digest(int algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(jcaName(algorithm)).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + jcaName(algorithm), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashEntry h && h.algorithm == algorithm && Arrays.equals(h.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * algorithm + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "[" + algorithm + ", " + HexFormat.of().formatHex(value) + "]";
    }
}
