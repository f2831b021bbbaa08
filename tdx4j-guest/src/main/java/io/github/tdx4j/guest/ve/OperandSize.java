package io.github.tdx4j.guest.ve;

/**
 * The width of a register operand and what writing it does to the rest of the 64-bit register: a table as code.
 *
 * <p>Intel SDM Vol. 1, "General-Purpose Registers in 64-Bit Mode": 8- and 16-bit results leave the upper bits of
 * the destination unchanged; 32-bit results are zero-extended to 64 bits; 64-bit results replace the register.
 * Used for MMIO loads (the VMM's value is untrusted, so only the operand's bits are ever taken from it).
 */
public enum OperandSize {
    /** 8 bits; the rest of the register keeps its value. */
    BYTE(1, 0xFFL, false),
    /** 16 bits; the rest of the register keeps its value. */
    WORD(2, 0xFFFFL, false),
    /** 32 bits; bits 63:32 become zero. */
    DWORD(4, 0xFFFF_FFFFL, true),
    /** 64 bits; the whole register. */
    QWORD(8, -1L, true);

    private final int bytes;
    private final long mask;
    private final boolean zeroExtends;

    OperandSize(int bytes, long mask, boolean zeroExtends) {
        this.bytes = bytes;
        this.mask = mask;
        this.zeroExtends = zeroExtends;
    }

    public int bytes() {
        return bytes;
    }

    public long mask() {
        return mask;
    }

    /** Whether a write clears the bits above the operand (DWORD, and trivially QWORD). */
    public boolean zeroExtends() {
        return zeroExtends;
    }

    /** The register after writing {@code value} at this width: only the operand's bits of {@code value} count. */
    public long assign(long register, long value) {
        return zeroExtends ? value & mask : (register & ~mask) | (value & mask);
    }

    /** {@code value}'s low {@link #bytes()} bytes, sign-extended to 64 bits. */
    public long signExtend(long value) {
        int shift = 64 - 8 * bytes;
        return (value << shift) >> shift;
    }

    /** The size of {@code bytes} (1, 2, 4 or 8), or null. */
    public static OperandSize ofBytes(int bytes) {
        for (OperandSize s : values()) {
            if (s.bytes == bytes) {
                return s;
            }
        }
        return null;
    }
}
