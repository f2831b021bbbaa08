package io.github.tdx4j.abi;

/**
 * The RAX input of TDCALL: {@code {leaf:16, version:8, reserved:40}}.
 *
 * <p>TDX Module ABI v1.5, "TDCALL Instruction (Common)": RAX[15:0] is the leaf, RAX[23:16] the leaf version,
 * RAX[63:24] reserved and must be 0. Only TDG.VM.RD accepts a version above 0 in TDX 1.5 (intel/tdx-module
 * {@code tdx_td_dispatcher.c}). A decoder over a raw value we receive: never throws.
 *
 * @param raw the 64-bit RAX value as written by the caller
 */
public record TdcallRax(long raw) {
    /** RAX[63:24]: must be zero. */
    public static final long RESERVED_MASK = 0xFFFF_FFFF_FF00_0000L;

    /** RAX for {@code leaf} at {@code version}. */
    public static TdcallRax of(TdcallLeaf leaf, int version) {
        if (version < 0 || version > 0xFF) {
            throw new IllegalArgumentException("a TDCALL leaf version is RAX[23:16], 0..255: " + version);
        }
        return new TdcallRax(leaf.number() | ((long) version << 16));
    }

    /** RAX[15:0]. */
    public TdcallLeaf leaf() {
        return TdcallLeaf.ofRax(raw);
    }

    /** RAX[23:16]. */
    public int version() {
        return (int) ((raw >>> 16) & 0xFF);
    }

    /** Whether any of RAX[63:24] is set. */
    public boolean hasReservedBits() {
        return (raw & RESERVED_MASK) != 0;
    }

    @Override
    public String toString() {
        return leaf() + (version() != 0 ? " v" + version() : "")
                + (hasReservedBits() ? " reserved=0x" + Long.toHexString(raw & RESERVED_MASK) : "");
    }
}
