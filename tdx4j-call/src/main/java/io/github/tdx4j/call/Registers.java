package io.github.tdx4j.call;

import io.github.tdx4j.abi.Gpr;

/**
 * The registers that cross the TDCALL seam: RAX plus the thirteen of Linux {@code struct tdx_module_args}
 * (RCX, RDX, RBX, RSI, RDI, R8–R15).
 *
 * <p><strong>This record is our software contract, not the TDX ABI.</strong> The ABI is the CPU's register file at
 * the TDCALL instruction; this is how a {@link TdxTransport} receives and returns it. RSP and RBP never cross:
 * the module rejects exposing RSP, and Linux never exposes RBP. Immutable; {@code with*} methods return copies.
 *
 * @param rax on input the leaf (and version); on output the TDX-module completion status
 */
public record Registers(long rax, long rcx, long rdx, long rbx, long rsi, long rdi,
                        long r8, long r9, long r10, long r11, long r12, long r13, long r14, long r15) {

    /** Every register zero. */
    public static final Registers ZERO = new Registers(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Whether {@code gpr} crosses the seam (all but RSP and RBP). */
    public static boolean carries(Gpr gpr) {
        return gpr != Gpr.RSP && gpr != Gpr.RBP;
    }

    /** The value of {@code gpr}; RSP and RBP are not carried and read as zero. */
    public long get(Gpr gpr) {
        return switch (gpr) {
            case RAX -> rax;
            case RCX -> rcx;
            case RDX -> rdx;
            case RBX -> rbx;
            case RSP, RBP -> 0;
            case RSI -> rsi;
            case RDI -> rdi;
            case R8 -> r8;
            case R9 -> r9;
            case R10 -> r10;
            case R11 -> r11;
            case R12 -> r12;
            case R13 -> r13;
            case R14 -> r14;
            case R15 -> r15;
        };
    }

    /** A copy with {@code gpr} set to {@code value}. */
    public Registers with(Gpr gpr, long value) {
        return switch (gpr) {
            case RAX -> new Registers(value, rcx, rdx, rbx, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15);
            case RCX -> new Registers(rax, value, rdx, rbx, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15);
            case RDX -> new Registers(rax, rcx, value, rbx, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15);
            case RBX -> new Registers(rax, rcx, rdx, value, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15);
            case RSI -> new Registers(rax, rcx, rdx, rbx, value, rdi, r8, r9, r10, r11, r12, r13, r14, r15);
            case RDI -> new Registers(rax, rcx, rdx, rbx, rsi, value, r8, r9, r10, r11, r12, r13, r14, r15);
            case R8 -> new Registers(rax, rcx, rdx, rbx, rsi, rdi, value, r9, r10, r11, r12, r13, r14, r15);
            case R9 -> new Registers(rax, rcx, rdx, rbx, rsi, rdi, r8, value, r10, r11, r12, r13, r14, r15);
            case R10 -> new Registers(rax, rcx, rdx, rbx, rsi, rdi, r8, r9, value, r11, r12, r13, r14, r15);
            case R11 -> new Registers(rax, rcx, rdx, rbx, rsi, rdi, r8, r9, r10, value, r12, r13, r14, r15);
            case R12 -> new Registers(rax, rcx, rdx, rbx, rsi, rdi, r8, r9, r10, r11, value, r13, r14, r15);
            case R13 -> new Registers(rax, rcx, rdx, rbx, rsi, rdi, r8, r9, r10, r11, r12, value, r14, r15);
            case R14 -> new Registers(rax, rcx, rdx, rbx, rsi, rdi, r8, r9, r10, r11, r12, r13, value, r15);
            case R15 -> new Registers(rax, rcx, rdx, rbx, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, value);
            case RSP, RBP -> throw new IllegalArgumentException(gpr + " does not cross the TDCALL seam");
        };
    }

    public Registers withRax(long v) {
        return with(Gpr.RAX, v);
    }

    public Registers withRcx(long v) {
        return with(Gpr.RCX, v);
    }

    public Registers withRdx(long v) {
        return with(Gpr.RDX, v);
    }

    public Registers withR8(long v) {
        return with(Gpr.R8, v);
    }

    public Registers withR9(long v) {
        return with(Gpr.R9, v);
    }

    public Registers withR10(long v) {
        return with(Gpr.R10, v);
    }

    public Registers withR11(long v) {
        return with(Gpr.R11, v);
    }

    /** One line, every non-zero register in hex: {@code RAX=0x0 RCX=0xffcc R11=0x1e}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Gpr g : Gpr.values()) {
            if (carries(g) && (get(g) != 0 || g == Gpr.RAX)) {
                if (sb.length() > 1) {
                    sb.append(' ');
                }
                sb.append(g).append("=0x").append(Long.toHexString(get(g)));
            }
        }
        return sb.append('}').toString();
    }
}
