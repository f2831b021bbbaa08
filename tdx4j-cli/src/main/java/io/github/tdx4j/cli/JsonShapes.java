package io.github.tdx4j.cli;

import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.attest.format.Measurement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON shape of each kind of field, for every command's {@code --json} output (and the schemas in
 * {@code schemas/} that describe them): names in lowerCamelCase; byte strings (measurements, REPORTDATA, keys,
 * signatures) as lowercase hex without a prefix; fixed-width integer codes and bit masks (TEE type, XFAM, attribute
 * words) as {@code 0x} and lowercase hex of the full width; counts, sizes, versions and SVNs as numbers; times as
 * ISO-8601 UTC; TD attributes as {@link #tdAttributes}; the four RTMRs as an array {@code rtmrs}.
 */
final class JsonShapes {
    private static final HexFormat HEX = HexFormat.of();

    private JsonShapes() {
    }

    /** A byte string: lowercase hex, no prefix. */
    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** A 32-bit code or mask (its low 32 bits; an int is taken as unsigned): {@code 0x} and eight hex digits. */
    static String u32(long value) {
        return String.format("0x%08x", value & 0xFFFF_FFFFL);
    }

    /** A 64-bit code or mask: {@code 0x} and sixteen lowercase hex digits. */
    static String u64(long value) {
        return String.format("0x%016x", value);
    }

    /**
     * TD attributes (TDX Module ABI, TDREPORT_STRUCT, "ATTRIBUTES"): the 64-bit value as {@link #u64}, and the names
     * of its set bits ({@code bit N} for unnamed ones).
     */
    static Map<String, Object> tdAttributes(TdAttributes a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("raw", u64(a.raw()));
        m.put("flags", a.setBitNames());
        return m;
    }

    /** RTMR0..3 as an array of hex strings. */
    static List<String> rtmrs(List<byte[]> rtmrs) {
        return rtmrs.stream().map(JsonShapes::hex).toList();
    }

    /** A quote body's RTMR0..3 as the same hex strings as {@link #rtmrs}. */
    static List<String> measurements(List<Measurement> rtmrs) {
        return rtmrs.stream().map(Measurement::hex).toList();
    }

    /** An UPPER_SNAKE constant name as a lowerCamelCase JSON key: {@code CONFIGFS_TSM} as {@code configfsTsm}. */
    static String camelCase(String upperSnake) {
        StringBuilder out = new StringBuilder();
        for (String word : upperSnake.toLowerCase(java.util.Locale.ROOT).split("_")) {
            out.append(out.isEmpty() || word.isEmpty() ? word
                    : Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        return out.toString();
    }
}
