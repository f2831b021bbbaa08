package io.github.tdx4j.attest.format;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Helpers for the evidence records: defensive copies with size checks, value equality over byte arrays and a
 * hex {@code toString}. Records compare arrays by reference by default; evidence is a value, so every record here
 * overrides equals/hashCode through {@link #equal} and {@link #hash}.
 */
final class Values {
    private static final HexFormat HEX = HexFormat.of();

    private Values() {
    }

    /** A copy of {@code value}, which must be exactly {@code size} bytes (a caller argument check). */
    static byte[] copy(byte[] value, int size, String name) {
        if (value == null) {
            throw new NullPointerException(name);
        }
        if (value.length != size) {
            throw new IllegalArgumentException(name + " must be " + size + " bytes, got " + value.length);
        }
        return value.clone();
    }

    /** A copy of {@code value} of any length up to {@code max} bytes. */
    static byte[] copyAtMost(byte[] value, long max, String name) {
        if (value == null) {
            throw new NullPointerException(name);
        }
        if (value.length > max) {
            throw new IllegalArgumentException(name + " must be at most " + max + " bytes, got " + value.length);
        }
        return value.clone();
    }

    static List<byte[]> copyAll(List<byte[]> values, int count, int size, String name) {
        if (values == null) {
            throw new NullPointerException(name);
        }
        if (values.size() != count) {
            throw new IllegalArgumentException(name + " must hold " + count + " values, got " + values.size());
        }
        return values.stream().map(v -> copy(v, size, name)).toList();
    }

    /** An unmodifiable copy of {@code values}, which must hold exactly {@code count} non-null measurements. */
    static List<Measurement> measurements(List<Measurement> values, int count, String name) {
        if (values == null) {
            throw new NullPointerException(name);
        }
        if (values.size() != count) {
            throw new IllegalArgumentException(name + " must hold " + count + " values, got " + values.size());
        }
        return List.copyOf(values);
    }

    static List<byte[]> cloneAll(List<byte[]> values) {
        return values.stream().map(byte[]::clone).toList();
    }

    static String hex(byte[] value) {
        return HEX.formatHex(value);
    }

    static boolean equal(Object[] a, Object[] b) {
        return Arrays.deepEquals(a, b);
    }

    static int hash(Object[] parts) {
        return Arrays.deepHashCode(parts);
    }

    /** {@code Name[a=…, b=…]} with byte arrays (and lists of them) in lower-case hex. */
    static String text(String type, Object... namesAndValues) {
        StringBuilder sb = new StringBuilder(type).append('[');
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(namesAndValues[i]).append('=').append(show(namesAndValues[i + 1]));
        }
        return sb.append(']').toString();
    }

    private static String show(Object value) {
        if (value instanceof byte[] b) {
            return hex(b);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Values::show).toList().toString();
        }
        return String.valueOf(value);
    }
}
