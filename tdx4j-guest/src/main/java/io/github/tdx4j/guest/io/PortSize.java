package io.github.tdx4j.guest.io;

/**
 * The access size of an IN or OUT instruction and what it does to RAX: a table as code.
 *
 * <p>Intel SDM Vol. 2, "IN — Input from Port" and "Register Operand Size": an 8- or 16-bit register write leaves
 * the rest of RAX unchanged (merge); a 32-bit register write zero-extends into RAX[63:32]. Each constant carries
 * its mask explicitly instead of computing it, because a computed mask is how Linux got the port I/O bug fixed in
 * 2026: {@code GENMASK(BITS_PER_BYTE * size, 0)} is one bit too wide (0x1FF for a byte), so bit 8, 16 or 32 of the
 * VMM's R11 reached RAX, and 32-bit IN did not clear RAX[63:32] ("x86/tdx: Fix off-by-one in port I/O handling",
 * "x86/tdx: Fix zero-extension for 32-bit port I/O", both Fixes: 03149948832a). No bit above the access size is
 * ever taken from the VMM.
 */
public enum PortSize {
    /** INB/OUTB: AL; RAX[63:8] keep their value. */
    BYTE(1, 0xFFL, Write.MERGE),
    /** INW/OUTW: AX; RAX[63:16] keep their value. */
    WORD(2, 0xFFFFL, Write.MERGE),
    /** INL/OUTL: EAX; RAX[63:32] become zero. */
    DWORD(4, 0xFFFF_FFFFL, Write.ZERO_EXTEND);

    /** How a register write of this size treats the bits above it. */
    public enum Write {
        /** Bits above the size keep their value (8- and 16-bit destinations). */
        MERGE,
        /** Bits above the size become zero (32-bit destinations). */
        ZERO_EXTEND
    }

    private final int bytes;
    private final long mask;
    private final Write write;

    PortSize(int bytes, long mask, Write write) {
        this.bytes = bytes;
        this.mask = mask;
        this.write = write;
    }

    /** The access size in bytes: 1, 2 or 4 (GHCI Instruction.IO R12). */
    public int bytes() {
        return bytes;
    }

    /** The bits of RAX the access covers: 0xFF, 0xFFFF or 0xFFFF_FFFF. */
    public long mask() {
        return mask;
    }

    public Write write() {
        return write;
    }

    /** The value an OUT sends: RAX restricted to the access size. */
    public long operand(long rax) {
        return rax & mask;
    }

    /**
     * RAX after an IN that read {@code value}: only the access-size bits of {@code value} are used, the rest of
     * RAX is kept (BYTE, WORD) or cleared (DWORD).
     */
    public long assign(long rax, long value) {
        return switch (write) {
            case MERGE -> (rax & ~mask) | (value & mask);
            case ZERO_EXTEND -> value & mask;
        };
    }

    /** The size of {@code bytes}, or null for anything but 1, 2 and 4 (the VMX exit qualification allows 3). */
    public static PortSize ofBytes(int bytes) {
        for (PortSize s : values()) {
            if (s.bytes == bytes) {
                return s;
            }
        }
        return null;
    }
}
