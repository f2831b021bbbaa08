package io.github.tdx4j.guest.ve;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.guest.ve.MmioInstruction.Kind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MmioDecoderTest {

    private static MmioInstruction decode(String hex) {
        byte[] b = java.util.HexFormat.of().parseHex(hex.replace(" ", ""));
        MmioDecoder.Result r = MmioDecoder.decode(b, b.length);
        assertThat(r).as(hex).isInstanceOf(MmioDecoder.Decoded.class);
        return ((MmioDecoder.Decoded) r).instruction();
    }

    private static String rejected(String hex) {
        byte[] b = java.util.HexFormat.of().parseHex(hex.replace(" ", ""));
        MmioDecoder.Result r = MmioDecoder.decode(b, b.length);
        assertThat(r).as(hex).isInstanceOf(MmioDecoder.Undecodable.class);
        return ((MmioDecoder.Undecodable) r).reason();
    }

    @ParameterizedTest(name = "{0}: {1} size {2} reg {3} length {4}")
    @CsvSource({
            // bytes,                 kind,             access, register, length
            "88 07,                   WRITE,            1, RAX, 2",   // mov [rdi], al
            "89 07,                   WRITE,            4, RAX, 2",   // mov [rdi], eax
            "66 89 07,                WRITE,            2, RAX, 3",   // mov [rdi], ax
            "48 89 07,                WRITE,            8, RAX, 3",   // mov [rdi], rax
            "66 48 89 07,             WRITE,            8, RAX, 4",   // REX.W wins over 66
            "48 66 89 07,             WRITE,            2, RAX, 4",   // a REX not right before the opcode is ignored
            "4C 66 8B 07,             READ,             2, RAX, 4",   // ... its R bit too: AX, not R8W
            "4C 89 47 08,             WRITE,            8, R8,  4",   // mov [rdi+8], r8
            "8A 0E,                   READ,             1, RCX, 2",   // mov cl, [rsi]
            "8B 8F 00 01 00 00,       READ,             4, RCX, 6",   // mov ecx, [rdi+0x100]
            "48 8B 04 25 00 F0 FE FF, READ,             8, RAX, 8",   // mov rax, [disp32] via SIB
            "8B 05 10 00 00 00,       READ,             4, RAX, 6",   // mov eax, [rip+0x10]
            "64 48 8B 00,             READ,             8, RAX, 4",   // fs-prefixed
            "0F B6 07,                READ_ZERO_EXTEND, 1, RAX, 3",   // movzx eax, byte [rdi]
            "48 0F B7 07,             READ_ZERO_EXTEND, 2, RAX, 4",   // movzx rax, word [rdi]
            "0F BE 07,                READ_SIGN_EXTEND, 1, RAX, 3",   // movsx eax, byte [rdi]
            "66 0F BF 07,             READ_SIGN_EXTEND, 2, RAX, 4",   // movsx ax, word [rdi]
    })
    @DisplayName("insn_decode_mmio forms: kind, access size, register and length")
    void forms(String hex, Kind kind, int access, Gpr reg, int length) {
        MmioInstruction i = decode(hex);
        assertThat(i.kind()).isEqualTo(kind);
        assertThat(i.access().bytes()).isEqualTo(access);
        assertThat(i.register()).isEqualTo(reg);
        assertThat(i.length()).isEqualTo(length);
    }

    @Test
    @DisplayName("MOV m, imm: C6 imm8, 66 C7 imm16, C7 imm32, REX.W C7 imm32 sign-extended to 64 bits")
    void immediates() {
        assertThat(decode("C6 07 AB").immediate()).isEqualTo(0xAB);
        assertThat(decode("66 C7 07 34 12").immediate()).isEqualTo(0x1234);
        MmioInstruction d = decode("C7 47 10 78 56 34 12");
        assertThat(d.immediate()).isEqualTo(0x12345678L);
        assertThat(d.length()).isEqualTo(7);
        MmioInstruction q = decode("48 C7 07 FF FF FF FF");
        assertThat(q.access().bytes()).isEqualTo(8);
        assertThat(q.immediate()).isEqualTo(-1L);
    }

    @Test
    @DisplayName("Without REX, byte registers 4..7 are AH, CH, DH, BH; with REX they are SPL..DIL")
    void highByteRegisters() {
        MmioInstruction ah = decode("8A 27"); // mov ah, [rdi]
        assertThat(ah.register()).isEqualTo(Gpr.RAX);
        assertThat(ah.highByte()).isTrue();
        assertThat(ah.loadResult(0x1111_2222_3333_4444L, 0xAB)).isEqualTo(0x1111_2222_3333_AB44L);
        assertThat(ah.storeValue(g -> 0x1234L)).isEqualTo(0x12);
        MmioInstruction spl = decode("40 8A 27"); // mov spl, [rdi]
        assertThat(spl.register()).isEqualTo(Gpr.RSP);
        assertThat(spl.highByte()).isFalse();
    }

    @Test
    @DisplayName("Loads: 8/16-bit destinations merge, 32-bit zero-extends, MOVSX sign-extends to the destination")
    void loadResults() {
        long reg = 0xDEADBEEF_CAFEBABEL;
        assertThat(decode("8A 07").loadResult(reg, 0xFFFF_FF12L)).isEqualTo(0xDEADBEEF_CAFEBA12L);
        assertThat(decode("66 8B 07").loadResult(reg, 0xFFFF_1234L)).isEqualTo(0xDEADBEEF_CAFE1234L);
        assertThat(decode("8B 07").loadResult(reg, 0xFFFF_FFFF_1234_5678L)).isEqualTo(0x1234_5678L);
        assertThat(decode("0F B6 07").loadResult(reg, 0x80)).isEqualTo(0x80L);
        assertThat(decode("0F BE 07").loadResult(reg, 0x80)).isEqualTo(0xFFFF_FF80L);
        assertThat(decode("48 0F BF 07").loadResult(reg, 0x8000)).isEqualTo(0xFFFF_FFFF_FFFF_8000L);
        assertThat(decode("66 0F BE 07").loadResult(reg, 0x80)).isEqualTo(0xDEADBEEF_CAFEFF80L);
    }

    @Test
    @DisplayName("Refused: register forms, MOVS, LOCK, other opcodes, C6 /1, bytes cut short, no bytes")
    void refused() {
        assertThat(rejected("89 C0")).contains("register");
        assertThat(rejected("A5")).contains("A5");
        assertThat(rejected("F0 89 07")).contains("LOCK");
        assertThat(rejected("01 07")).contains("01");
        assertThat(rejected("C6 C8 00")).isNotEmpty();
        assertThat(rejected("C6 4F 01")).contains("/1");
        assertThat(rejected("8B 87 00 01")).contains("cut short");
        assertThat(rejected("C7 07 78 56")).contains("cut short");
        assertThat(rejected("")).contains("no opcode");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "0F          | two-byte opcode cut short",  // 0F alone
            "66 0F       | two-byte opcode cut short",
            "8B          | ModRM byte missing",         // no ModRM
            "0F B6       | ModRM byte missing",
            "C7          | ModRM byte missing",
            "8B 04       | SIB byte missing",           // rm = 100: a SIB must follow
            "48 8B 44    | SIB byte missing",
            "8B 47       | displacement cut short",     // mod = 01: disp8 missing
            "8B 87 00 01 00 | displacement cut short",  // mod = 10: one byte of disp32 missing
            "8B 04 25 00 F0 FE | displacement cut short", // SIB base 101 with mod 00: disp32, one byte missing
            "8B 05 10 00 00 | displacement cut short",  // RIP-relative disp32, one byte missing
            "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 07 | no opcode", // 15 prefixes: the limit ends it
    })
    @DisplayName("Truncated bytes are refused with the part that is missing: 0F alone, no ModRM, no SIB, short "
            + "displacement, or prefixes filling all 15 bytes")
    void truncated(String hex, String why) {
        assertThat(rejected(hex)).startsWith(why);
    }

    @Test
    @DisplayName("Bytes beyond 'available' are not used: the same bytes decode when all are available, not when cut")
    void availableLimitsTheBytes() {
        byte[] b = java.util.HexFormat.of().parseHex("8b4708");
        assertThat(MmioDecoder.decode(b, 3)).isInstanceOf(MmioDecoder.Decoded.class);
        assertThat(MmioDecoder.decode(b, 2)).isInstanceOfSatisfying(MmioDecoder.Undecodable.class,
                u -> assertThat(u.reason()).isEqualTo("displacement cut short (bytes 8b47)"));
        assertThat(MmioDecoder.decode(b, 0)).isInstanceOfSatisfying(MmioDecoder.Undecodable.class,
                u -> assertThat(u.reason()).isEqualTo("no opcode (bytes none)"));
    }

    @Test
    @DisplayName("An instruction of exactly the displacement's length decodes: the last byte of disp8/disp32 is in")
    void displacementEndingAtTheLastByte() {
        assertThat(decode("8B 47 08").length()).isEqualTo(3);
        assertThat(decode("8B 87 00 01 00 00").length()).isEqualTo(6);
        assertThat(decode("8B 04 25 00 F0 FE FF").length()).isEqualTo(7);
        assertThat(decode("8B 44 24 08").length()).as("SIB with disp8").isEqualTo(4);
        assertThat(decode("8B 04 24").length()).as("SIB, mod 00, base RSP: no displacement").isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "88 27, RAX",  // mov [rdi], ah
            "88 2F, RCX",  // mov [rdi], ch
            "88 37, RDX",  // mov [rdi], dh
            "88 3F, RBX",  // mov [rdi], bh
            "8A 3F, RBX",  // mov bh, [rdi]
    })
    @DisplayName("Without REX, byte registers 4..7 are AH, CH, DH, BH: bits 15:8 of RAX, RCX, RDX, RBX")
    void highByteRegistersWithoutRex(String hex, Gpr register) {
        MmioInstruction i = decode(hex);
        assertThat(i.register()).isEqualTo(register);
        assertThat(i.highByte()).isTrue();
        assertThat(i.access().bytes()).isEqualTo(1);
    }

    @Test
    @DisplayName("BH: a store sends bits 15:8 of RBX; a load writes bits 15:8 and keeps the rest")
    void bhStoreAndLoad() {
        MmioInstruction store = decode("88 3F");
        assertThat(store.storeValue(g -> g == Gpr.RBX ? 0x1122_3344_5566_77BBL : 0)).isEqualTo(0x77);
        MmioInstruction load = decode("8A 3F");
        assertThat(load.loadResult(0x1122_3344_5566_7788L, 0xFFFF_FFAB)).isEqualTo(0x1122_3344_5566_AB88L);
        assertThat(store.toString()).isEqualTo("WRITE 1 byte(s), high byte of RBX, length 2");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "40 88 3F, RDI",  // any REX: DIL
            "44 88 27, R12",  // REX.R: R12B
            "88 1F,    RBX",  // register 3 (BL) is never a high byte
            "0F B6 27, RSP",  // MOVZX esp, byte [rdi]: the destination is 32-bit, register 4 is ESP
            "0F BE 3F, RDI",  // MOVSX edi, byte [rdi]
            "89 27,    RSP",  // mov [rdi], esp: not a byte access
    })
    @DisplayName("Register 4..7 is not a high byte with REX, for MOVZX/MOVSX destinations, or for wider accesses")
    void notHighByte(String hex, Gpr register) {
        MmioInstruction i = decode(hex);
        assertThat(i.register()).isEqualTo(register);
        assertThat(i.highByte()).isFalse();
    }

    @Test
    @DisplayName("C6/C7 with a register-form ModRM is refused as a register form, and imm16 with 66 needs two bytes")
    void immediateEdges() {
        assertThat(rejected("C6 C0 01")).startsWith("ModRM names a register");
        assertThat(rejected("66 C7 07 34")).startsWith("immediate cut short");
        assertThat(decode("66 C7 07 34 12").length()).isEqualTo(5);
        assertThat(decode("66 C7 07 FF FF").immediate()).isEqualTo(0xFFFF);
        assertThat(decode("C6 07 80").immediate()).as("imm8 stays 8 bits").isEqualTo(0x80);
        assertThat(decode("C7 07 00 00 00 80").immediate()).as("imm32 stays 32 bits").isEqualTo(0x8000_0000L);
    }

    @Test
    @DisplayName("Each segment and address-size prefix is skipped; REX.W after 66 gives 8 bytes")
    void prefixesSkipped() {
        for (String p : new String[] {"67", "26", "2E", "36", "3E", "64", "65", "F2", "F3"}) {
            MmioInstruction i = decode(p + " 8B 07");
            assertThat(i.length()).as(p).isEqualTo(3);
            assertThat(i.access().bytes()).as(p).isEqualTo(4);
        }
        assertThat(decode("48 67 8B 07").access().bytes()).as("a REX before another prefix is ignored").isEqualTo(4);
    }
}
