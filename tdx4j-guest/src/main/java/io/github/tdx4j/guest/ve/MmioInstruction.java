package io.github.tdx4j.guest.ve;

import io.github.tdx4j.abi.Gpr;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * A decoded MMIO instruction: what the #VE handler needs to perform it through TDG.VP.VMCALL&lt;#VE.RequestMMIO&gt;.
 *
 * @param kind        what the instruction does
 * @param access      the memory access size (1, 2, 4 or 8 bytes): GHCI #VE.RequestMMIO R12
 * @param destination the register operand's width (for MOVZX/MOVSX wider than {@code access})
 * @param register    the register operand; null for a store of an immediate
 * @param highByte    the register operand is AH, CH, DH or BH (bits 15:8 of RAX..RBX, only without a REX prefix)
 * @param immediate   the value stored by MOV m, imm (sign-extended to the access size); 0 otherwise
 * @param length      the instruction length in bytes, by which RIP advances
 */
public record MmioInstruction(Kind kind, OperandSize access, OperandSize destination, Gpr register, boolean highByte,
                              long immediate, int length) {

    /** Linux {@code enum insn_mmio_type}, without the MOVS forms it refuses. A closed set we produce. */
    public enum Kind {
        /** MOV m, r (88, 89). */
        WRITE,
        /** MOV m, imm (C6, C7). */
        WRITE_IMMEDIATE,
        /** MOV r, m (8A, 8B). */
        READ,
        /** MOVZX r, m (0F B6, 0F B7). */
        READ_ZERO_EXTEND,
        /** MOVSX r, m (0F BE, 0F BF). */
        READ_SIGN_EXTEND;

        public boolean isRead() {
            return this == READ || this == READ_ZERO_EXTEND || this == READ_SIGN_EXTEND;
        }
    }

    public MmioInstruction {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(destination, "destination");
        if ((register == null) != (kind == Kind.WRITE_IMMEDIATE)) {
            throw new IllegalArgumentException("a register operand exactly when the instruction is not MOV m, imm");
        }
        if (length < 1 || length > MmioDecoder.MAX_INSN_SIZE) {
            throw new IllegalArgumentException("instruction length 1..15: " + length);
        }
    }

    /** The value a write stores, from the register file {@code regs} (only the access-size bits). */
    public long storeValue(ToLongFunction<Gpr> regs) {
        if (kind == Kind.WRITE_IMMEDIATE) {
            return immediate & access.mask();
        }
        long r = regs.applyAsLong(register);
        return (highByte ? r >>> 8 : r) & access.mask();
    }

    /**
     * The register's new value after a read that returned {@code value} (only its access-size bits are used):
     * zero- or sign-extended to the destination width, then written at that width.
     */
    public long loadResult(long registerBefore, long value) {
        long v = value & access.mask();
        if (kind == Kind.READ_SIGN_EXTEND) {
            v = access.signExtend(v);
        }
        if (highByte) {
            return (registerBefore & ~0xFF00L) | ((v & 0xFF) << 8);
        }
        return destination.assign(registerBefore, v);
    }

    @Override
    public String toString() {
        String reg = register == null ? "imm 0x" + Long.toHexString(immediate)
                : (highByte ? "high byte of " : "") + register;
        return kind + " " + access.bytes() + " byte(s), " + reg + ", length " + length;
    }
}
