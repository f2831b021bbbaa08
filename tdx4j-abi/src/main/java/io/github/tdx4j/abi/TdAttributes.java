package io.github.tdx4j.abi;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * TD attributes (TDCS.ATTRIBUTES), as returned in RDX by TDG.VP.INFO and carried in TDINFO and the quote body.
 *
 * <p>TDX Module ABI v1.5, "ATTRIBUTES" (TD attributes definition); bit numbers as in Linux
 * {@code asm/shared/tdx.h} ({@code TDX_ATTR_*_BIT}). A value type over the raw 64 bits; unnamed set bits print
 * in hex.
 *
 * @param raw the 64-bit attributes value
 */
public record TdAttributes(long raw) {
    /** DEBUG (bit 0): the TD is debuggable; its secrets are not protected. */
    public static final int DEBUG_BIT = 0;
    /** HGS_PLUS_PROF (bit 4). */
    public static final int HGS_PLUS_PROF_BIT = 4;
    /** PERF_PROF (bit 5). */
    public static final int PERF_PROF_BIT = 5;
    /** PMT_PROF (bit 6). */
    public static final int PMT_PROF_BIT = 6;
    /** ICSSD (bit 16). */
    public static final int ICSSD_BIT = 16;
    /** LASS (bit 27). */
    public static final int LASS_BIT = 27;
    /** SEPT_VE_DISABLE (bit 28): EPT violations on pending private pages do not raise #VE. */
    public static final int SEPT_VE_DISABLE_BIT = 28;
    /** MIGRATABLE (bit 29). */
    public static final int MIGRATABLE_BIT = 29;
    /** PKS (bit 30). */
    public static final int PKS_BIT = 30;
    /** KL (bit 31). */
    public static final int KL_BIT = 31;
    /** TPA (bit 62). */
    public static final int TPA_BIT = 62;
    /** PERFMON (bit 63). */
    public static final int PERFMON_BIT = 63;

    private static final int[] NAMED_BITS = {DEBUG_BIT, HGS_PLUS_PROF_BIT, PERF_PROF_BIT, PMT_PROF_BIT, ICSSD_BIT,
            LASS_BIT, SEPT_VE_DISABLE_BIT, MIGRATABLE_BIT, PKS_BIT, KL_BIT, TPA_BIT, PERFMON_BIT};
    private static final String[] NAMES = {"DEBUG", "HGS_PLUS_PROF", "PERF_PROF", "PMT_PROF", "ICSSD",
            "LASS", "SEPT_VE_DISABLE", "MIGRATABLE", "PKS", "KL", "TPA", "PERFMON"};

    /** Attributes with exactly the given bits set. */
    public static TdAttributes ofBits(int... bits) {
        long raw = 0;
        for (int bit : bits) {
            raw |= 1L << bit;
        }
        return new TdAttributes(raw);
    }

    public boolean has(int bit) {
        return (raw & (1L << bit)) != 0;
    }

    public boolean debug() {
        return has(DEBUG_BIT);
    }

    public boolean septVeDisable() {
        return has(SEPT_VE_DISABLE_BIT);
    }

    /** These attributes with {@code bit} set or cleared. */
    public TdAttributes with(int bit, boolean set) {
        return new TdAttributes(set ? raw | (1L << bit) : raw & ~(1L << bit));
    }

    /** The names of the set bits, unnamed ones as {@code bit N}. */
    public List<String> setBitNames() {
        List<String> out = new ArrayList<>();
        long remaining = raw;
        for (int i = 0; i < NAMED_BITS.length; i++) {
            if (has(NAMED_BITS[i])) {
                out.add(NAMES[i]);
                remaining &= ~(1L << NAMED_BITS[i]);
            }
        }
        while (remaining != 0) {
            int bit = Long.numberOfTrailingZeros(remaining);
            out.add("bit " + bit);
            remaining &= remaining - 1;
        }
        return out;
    }

    @Override
    public String toString() {
        return "0x" + HexFormat.of().toHexDigits(raw) + " " + setBitNames();
    }
}
