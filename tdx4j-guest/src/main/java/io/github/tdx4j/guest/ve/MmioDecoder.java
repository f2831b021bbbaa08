package io.github.tdx4j.guest.ve;

import io.github.tdx4j.abi.Gpr;

/**
 * Decodes the instruction that caused an MMIO #VE: exactly the forms Linux {@code insn_decode_mmio()}
 * (arch/x86/lib/insn-eval.c) accepts, in 64-bit mode.
 *
 * <table>
 *   <caption>Accepted instructions</caption>
 *   <tr><th>opcode</th><th>instruction</th><th>kind</th><th>access size</th></tr>
 *   <tr><td>88</td><td>MOV m8, r8</td><td>WRITE</td><td>1</td></tr>
 *   <tr><td>89</td><td>MOV m, r</td><td>WRITE</td><td>operand size</td></tr>
 *   <tr><td>C6 /0</td><td>MOV m8, imm8</td><td>WRITE_IMMEDIATE</td><td>1</td></tr>
 *   <tr><td>C7 /0</td><td>MOV m, imm</td><td>WRITE_IMMEDIATE</td><td>operand size</td></tr>
 *   <tr><td>8A</td><td>MOV r8, m8</td><td>READ</td><td>1</td></tr>
 *   <tr><td>8B</td><td>MOV r, m</td><td>READ</td><td>operand size</td></tr>
 *   <tr><td>0F B6 / 0F B7</td><td>MOVZX r, m8 / m16</td><td>READ_ZERO_EXTEND</td><td>1 / 2</td></tr>
 *   <tr><td>0F BE / 0F BF</td><td>MOVSX r, m8 / m16</td><td>READ_SIGN_EXTEND</td><td>1 / 2</td></tr>
 * </table>
 *
 * <p>Operand size (Intel SDM Vol. 1, "Operand-Size and Address-Size Attributes" in 64-bit mode): 8 with REX.W,
 * else 2 with the 66 prefix, else 4. Everything else is undecodable and the #VE becomes a fault, as in Linux: a
 * register-to-register form (ModRM.mod = 3), MOVS, LOCK, an unknown opcode, more than 15 bytes, or bytes that end
 * before the instruction does.
 *
 * <p>One deliberate difference from Linux: without a REX prefix, 8-bit register numbers 4..7 are AH, CH, DH, BH
 * (bits 15:8 of RAX..RBX) as the SDM defines, where Linux's register lookup would pick SPL..DIL's slots.
 */
public final class MmioDecoder {
    /** MAX_INSN_SIZE: the longest x86 instruction, 15 bytes. */
    public static final int MAX_INSN_SIZE = 15;

    private MmioDecoder() {
    }

    /** A decoding outcome: the instruction, or why it cannot be emulated. */
    public sealed interface Result permits Decoded, Undecodable {
    }

    /** The bytes form an MMIO instruction the handler emulates. */
    public record Decoded(MmioInstruction instruction) implements Result {
    }

    /** The bytes do not form one; {@code reason} says why, with the bytes in hex. */
    public record Undecodable(String reason) implements Result {
    }

    /**
     * Decodes the instruction at the start of {@code code[0..available)}.
     *
     * @param code      instruction bytes fetched at RIP
     * @param available how many of them could be fetched
     */
    public static Result decode(byte[] code, int available) {
        int n = Math.min(Math.min(available, code.length), MAX_INSN_SIZE);
        int i = 0;
        boolean opsize16 = false;
        int rex = 0;
        // Legacy prefixes, then at most one REX immediately before the opcode (a REX followed by another prefix is
        // ignored by the CPU, SDM Vol. 2 "REX Prefixes").
        while (i < n) {
            int b = code[i] & 0xFF;
            if (b == 0x66) {
                opsize16 = true;
                rex = 0;
            } else if (b == 0x67 || b == 0x26 || b == 0x2E || b == 0x36 || b == 0x3E || b == 0x64 || b == 0x65
                    || b == 0xF2 || b == 0xF3) {
                rex = 0;
            } else if (b == 0xF0) {
                return undecodable("LOCK prefix on a MOV", code, n);
            } else if ((b & 0xF0) == 0x40) {
                rex = b;
            } else {
                break;
            }
            i++;
        }
        if (i >= n) {
            return undecodable("no opcode", code, n);
        }
        boolean rexW = (rex & 0x08) != 0;
        boolean rexR = (rex & 0x04) != 0;
        OperandSize opsize = rexW ? OperandSize.QWORD : opsize16 ? OperandSize.WORD : OperandSize.DWORD;

        int op = code[i++] & 0xFF;
        MmioInstruction.Kind kind;
        OperandSize access;
        OperandSize destination;
        boolean immediate = false;
        switch (op) {
            case 0x88 -> { kind = MmioInstruction.Kind.WRITE; access = OperandSize.BYTE; destination = access; }
            case 0x89 -> { kind = MmioInstruction.Kind.WRITE; access = opsize; destination = access; }
            case 0x8A -> { kind = MmioInstruction.Kind.READ; access = OperandSize.BYTE; destination = access; }
            case 0x8B -> { kind = MmioInstruction.Kind.READ; access = opsize; destination = access; }
            case 0xC6 -> {
                kind = MmioInstruction.Kind.WRITE_IMMEDIATE; access = OperandSize.BYTE; destination = access;
                immediate = true;
            }
            case 0xC7 -> {
                kind = MmioInstruction.Kind.WRITE_IMMEDIATE; access = opsize; destination = access;
                immediate = true;
            }
            case 0x0F -> {
                if (i >= n) {
                    return undecodable("two-byte opcode cut short", code, n);
                }
                int op2 = code[i++] & 0xFF;
                switch (op2) {
                    case 0xB6 -> { kind = MmioInstruction.Kind.READ_ZERO_EXTEND; access = OperandSize.BYTE; }
                    case 0xB7 -> { kind = MmioInstruction.Kind.READ_ZERO_EXTEND; access = OperandSize.WORD; }
                    case 0xBE -> { kind = MmioInstruction.Kind.READ_SIGN_EXTEND; access = OperandSize.BYTE; }
                    case 0xBF -> { kind = MmioInstruction.Kind.READ_SIGN_EXTEND; access = OperandSize.WORD; }
                    default -> {
                        return undecodable(String.format("opcode 0F %02X is not an MMIO move", op2), code, n);
                    }
                }
                destination = opsize;
            }
            default -> {
                return undecodable(String.format("opcode %02X is not an MMIO move", op), code, n);
            }
        }

        if (i >= n) {
            return undecodable("ModRM byte missing", code, n);
        }
        int modrm = code[i++] & 0xFF;
        int mod = modrm >>> 6;
        int reg = (modrm >>> 3) & 7;
        int rm = modrm & 7;
        if (mod == 3) {
            return undecodable("ModRM names a register, not memory", code, n);
        }
        if (immediate && reg != 0) {
            return undecodable(String.format("opcode %02X /%d is not MOV", op, reg), code, n);
        }
        int displacement = 0;
        if (rm == 4) {
            if (i >= n) {
                return undecodable("SIB byte missing", code, n);
            }
            int sib = code[i++] & 0xFF;
            if (mod == 0 && (sib & 7) == 5) {
                displacement = 4;
            }
        } else if (mod == 0 && rm == 5) {
            displacement = 4; // RIP-relative disp32
        }
        if (mod == 1) {
            displacement = 1;
        } else if (mod == 2) {
            displacement = 4;
        }
        i += displacement;
        long imm = 0;
        if (immediate) {
            // imm8 for C6; imm16 with 66; else imm32, sign-extended for a 64-bit store (SDM "MOV", C7 /0 id).
            int immBytes = Math.min(access.bytes(), 4);
            if (i + immBytes > n) {
                return undecodable("immediate cut short", code, n);
            }
            for (int k = immBytes - 1; k >= 0; k--) {
                imm = (imm << 8) | (code[i + k] & 0xFF);
            }
            imm = OperandSize.ofBytes(immBytes).signExtend(imm) & access.mask();
            i += immBytes;
        }
        if (i > n) {
            return undecodable("displacement cut short", code, n);
        }

        Gpr register = null;
        boolean highByte = false;
        if (!immediate) {
            int number = reg + (rexR ? 8 : 0);
            boolean byteRegister = access == OperandSize.BYTE && kind != MmioInstruction.Kind.READ_ZERO_EXTEND
                    && kind != MmioInstruction.Kind.READ_SIGN_EXTEND;
            if (byteRegister && rex == 0 && number >= 4 && number <= 7) {
                // Without REX, byte registers 4..7 are AH, CH, DH, BH: bits 15:8 of RAX, RCX, RDX, RBX.
                register = Gpr.ofNumber(number - 4);
                highByte = true;
            } else {
                register = Gpr.ofNumber(number);
            }
        }
        return new Decoded(new MmioInstruction(kind, access, destination, register, highByte, imm, i));
    }

    private static Undecodable undecodable(String why, byte[] code, int n) {
        StringBuilder hex = new StringBuilder();
        for (int k = 0; k < n; k++) {
            hex.append(String.format("%02x", code[k] & 0xFF));
        }
        return new Undecodable(why + " (bytes " + (hex.isEmpty() ? "none" : hex) + ")");
    }
}
