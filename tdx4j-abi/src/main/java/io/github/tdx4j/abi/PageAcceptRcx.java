package io.github.tdx4j.abi;

/**
 * The RCX input of TDG.MEM.PAGE.ACCEPT: {@code {level:3, reserved:9, gpa[51:12]:40, reserved:12}}.
 *
 * <p>Intel TDX Module v1.5 ABI Specification, "TDG.MEM.PAGE.ACCEPT Leaf" (input operands): RCX[2:0] is the level
 * of the page to accept (0 = 4K, 1 = 2M, 2 = 1G), RCX[51:12] the GPA of its first byte, RCX[11:3] and RCX[63:52]
 * reserved, 0. {@link #of} builds a value to send and refuses anything out of range; the constructor and the
 * accessors decode a value received (in the simulated module) and never throw.
 *
 * @param raw the 64-bit RCX value
 */
public record PageAcceptRcx(long raw) {
    /** RCX[2:0]: the level. */
    public static final long LEVEL_MASK = 0x7L;
    /** RCX[51:12]: the GPA, 4K-aligned, below 2^52. */
    public static final long GPA_MASK = 0x000F_FFFF_FFFF_F000L;
    /** RCX[11:3] and RCX[63:52]: must be zero. */
    public static final long RESERVED_MASK = 0xFF8L | 0xFFF0_0000_0000_0000L;

    /**
     * RCX to accept the page of size {@code level} at {@code gpa}.
     *
     * @throws IllegalArgumentException if {@code gpa} is not aligned to the page size or has bits above bit 51
     */
    public static PageAcceptRcx of(long gpa, PageLevel level) {
        if ((gpa & ~GPA_MASK) != 0 || gpa % level.bytes() != 0) {
            throw new IllegalArgumentException(String.format(
                    "TDG.MEM.PAGE.ACCEPT takes a GPA below 2^52 aligned to the page size (%d bytes): 0x%x",
                    level.bytes(), gpa));
        }
        return new PageAcceptRcx(gpa | level.level());
    }

    /** RCX[2:0] as a page size, or {@code null} if it names none of the three. */
    public PageLevel level() {
        return PageLevel.ofLevel(raw & LEVEL_MASK);
    }

    /** RCX[51:12], the GPA of the page's first byte. */
    public long gpa() {
        return raw & GPA_MASK;
    }

    /** Whether any of RCX[11:3] or RCX[63:52] is set. */
    public boolean hasReservedBits() {
        return (raw & RESERVED_MASK) != 0;
    }
}
