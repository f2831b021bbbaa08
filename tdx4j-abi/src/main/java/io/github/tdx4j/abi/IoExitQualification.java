package io.github.tdx4j.abi;

/**
 * The VMX exit qualification of an I/O instruction, as reported in RDX by TDG.VP.VEINFO.GET for an
 * IO_INSTRUCTION #VE.
 *
 * <p>Intel SDM Vol. 3C, "Exit Qualification for I/O Instructions": bits 2:0 size − 1, bit 3 direction
 * (1 = IN), bit 4 string instruction, bit 5 REP prefix, bit 6 operand encoding (0 = DX, 1 = immediate),
 * bits 31:16 port. A decoder over a value we receive; an undefined size (bits 2:0 = 2 or ≥ 4) is reported by
 * {@link #isValidSize()}, not thrown.
 *
 * @param raw the exit qualification
 */
public record IoExitQualification(long raw) {
    /** The qualification for an I/O instruction with the given fields. */
    public static IoExitQualification of(int size, boolean in, boolean string, boolean rep, boolean immediate,
                                         int port) {
        long raw = (size - 1L) & 7;
        raw |= in ? 1L << 3 : 0;
        raw |= string ? 1L << 4 : 0;
        raw |= rep ? 1L << 5 : 0;
        raw |= immediate ? 1L << 6 : 0;
        raw |= (long) (port & 0xFFFF) << 16;
        return new IoExitQualification(raw);
    }

    /** Access size in bytes: (bits 2:0) + 1. Only 1, 2 and 4 are architectural. */
    public int size() {
        return (int) (raw & 7) + 1;
    }

    public boolean isValidSize() {
        int s = size();
        return s == 1 || s == 2 || s == 4;
    }

    /** Bit 3: IN (true) or OUT (false). */
    public boolean in() {
        return (raw & (1L << 3)) != 0;
    }

    /** Bit 4: INS/OUTS. */
    public boolean string() {
        return (raw & (1L << 4)) != 0;
    }

    /** Bit 5: REP prefixed. */
    public boolean rep() {
        return (raw & (1L << 5)) != 0;
    }

    /** Bit 6: the port came from an immediate operand. */
    public boolean immediate() {
        return (raw & (1L << 6)) != 0;
    }

    /** Bits 31:16: the port number. */
    public int port() {
        return (int) ((raw >>> 16) & 0xFFFF);
    }

    @Override
    public String toString() {
        return (in() ? "IN" : "OUT") + (string() ? "S" : "") + " size " + size() + " port 0x"
                + Integer.toHexString(port());
    }
}
