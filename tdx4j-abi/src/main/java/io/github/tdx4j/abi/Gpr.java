package io.github.tdx4j.abi;

/**
 * The sixteen x86-64 general-purpose registers, numbered as in the ModR/M encoding and in the TDX
 * {@code GPR_SELECT} bitmap, where bit {@code n} stands for register number {@code n}.
 *
 * <p>Intel SDM Vol. 2, "Register Codes"; TDX Module ABI v1.5, "TDG.VP.VMCALL" (RCX: GPR_SELECT bit per register).
 * A closed set: the architecture defines exactly these sixteen.
 */
public enum Gpr {
    RAX(0), RCX(1), RDX(2), RBX(3), RSP(4), RBP(5), RSI(6), RDI(7),
    R8(8), R9(9), R10(10), R11(11), R12(12), R13(13), R14(14), R15(15);

    private final int number;

    Gpr(int number) {
        this.number = number;
    }

    /** The register's number: its ModR/M code and its bit position in GPR_SELECT. */
    public int number() {
        return number;
    }

    /** This register's bit in a GPR_SELECT mask. */
    public long bit() {
        return 1L << number;
    }

    /** The register with ModR/M code {@code number} (0..15). */
    public static Gpr ofNumber(int number) {
        if (number < 0 || number > 15) {
            throw new IllegalArgumentException("GPR number must be 0..15: " + number);
        }
        return values()[number];
    }
}
