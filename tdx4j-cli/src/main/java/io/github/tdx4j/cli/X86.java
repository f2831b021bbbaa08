package io.github.tdx4j.cli;

import java.io.ByteArrayOutputStream;

/**
 * The few x86-64 encodings the demo runs, spelled out (Intel SDM Vol. 2 opcode tables), so the demo reads as
 * assembly rather than byte soup.
 */
final class X86 {
    private final ByteArrayOutputStream code = new ByteArrayOutputStream();

    static X86 code() {
        return new X86();
    }

    byte[] bytes() {
        return code.toByteArray();
    }

    private X86 emit(int... bytes) {
        for (int b : bytes) {
            code.write(b);
        }
        return this;
    }

    private X86 imm32(long v) {
        return emit((int) v & 0xFF, (int) (v >>> 8) & 0xFF, (int) (v >>> 16) & 0xFF, (int) (v >>> 24) & 0xFF);
    }

    /** mov al, imm8 (C6 /0 ib with ModRM = C0). */
    X86 movAl(int imm8) {
        return emit(0xC6, 0xC0, imm8 & 0xFF);
    }

    /** mov edx, imm32 (C7 /0 id with ModRM = C2). */
    X86 movEdx(long imm32) {
        return emit(0xC7, 0xC2).imm32(imm32);
    }

    /** out dx, al (EE). */
    X86 outDxAl() {
        return emit(0xEE);
    }

    /** mov dword [rdi+disp8], imm32 (C7 47 disp8 id). */
    X86 movMemRdiImm32(int disp8, long imm32) {
        return emit(0xC7, 0x47, disp8 & 0xFF).imm32(imm32);
    }

    /** mov ecx, [rdi+disp8] (8B 4F disp8). */
    X86 movEcxMemRdi(int disp8) {
        return emit(0x8B, 0x4F, disp8 & 0xFF);
    }

    /** mov eax, [rdi+disp8] (8B 47 disp8). */
    X86 movEaxMemRdi(int disp8) {
        return emit(0x8B, 0x47, disp8 & 0xFF);
    }

    /** rdmsr (0F 32). */
    X86 rdmsr() {
        return emit(0x0F, 0x32);
    }

    /** cli (FA). */
    X86 cli() {
        return emit(0xFA);
    }

    /** hlt (F4). */
    X86 hlt() {
        return emit(0xF4);
    }

    /** cpuid (0F A2). */
    static byte[] cpuid() {
        return new byte[] {0x0F, (byte) 0xA2};
    }

    /** The instruction bytes of a sequence as hex, for the trace. */
    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", x & 0xFF));
        }
        return sb.toString();
    }
}
