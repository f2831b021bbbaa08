package io.github.tdx4j.server;

import java.util.HexFormat;

/**
 * An integer field of a quote as Trustee and Intel Trust Authority write it in their claims: the hex of its bytes in
 * the order they stand in the quote, which is little-endian. So the XFAM 0x642e7 is {@code "e742060000000000"}, a
 * TDATTRIBUTES with only SEPT_VE_DISABLE (bit 28) is {@code "0000001000000000"} and quote version 4 is
 * {@code "0400"}. The quote's integers are little-endian (Intel DCAP
 * {@code QuoteGeneration/quote_wrapper/common/inc/sgx_quote_4.h}; {@code QuoteLayout}); Trustee's own claims for a
 * public quote are in {@code vectors/trustee/parse_tdx_claims_expected.json}. Writing the value as a number instead
 * ({@code "00000000000642e7"}) would make a relying party's policy, written for those services' claims, compare
 * unequal.
 */
final class LittleEndianHex {
    private static final HexFormat HEX = HexFormat.of();

    private LittleEndianHex() {
    }

    /**
     * {@code value} as {@code bytes} little-endian bytes, in lower-case hex ({@code 2 * bytes} digits).
     *
     * @throws IllegalArgumentException when {@code bytes} is not 1 to 8, or {@code value} does not fit in them
     */
    static String of(long value, int bytes) {
        if (bytes < 1 || bytes > Long.BYTES) {
            throw new IllegalArgumentException("an integer field is 1 to 8 bytes, not " + bytes);
        }
        if (bytes < Long.BYTES && value >>> (8 * bytes) != 0) {
            throw new IllegalArgumentException("0x" + Long.toHexString(value) + " does not fit in " + bytes + " bytes");
        }
        // Reversing the eight bytes puts the least significant first; the leading 2 * bytes digits are those bytes.
        return HEX.toHexDigits(Long.reverseBytes(value)).substring(0, 2 * bytes);
    }
}
