package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.sim.ExecutionResult;

/**
 * MMIO loads and stores through the #VE handler in the campaign's own table of encodings (MOV, MOVZX, MOVSX of every
 * width, high-byte registers without REX, SIB with no base, disp8 and disp32, immediates), each decoded here from the
 * SDM independently of the guest's decoder; one access in four ends exactly at the page end.
 */
final class MmioOperations {
    private final CampaignRun run;
    private final GuestOperations ops;

    MmioOperations(CampaignRun run, GuestOperations ops) {
        this.run = run;
        this.ops = ops;
    }

    /**
     * An MMIO move as the campaign decodes it, from the SDM's "MOV", "MOVZX" and "MOVSX" pages, independently of the
     * guest's decoder: the bytes (ModRM addressing [RDI], [RDI*1+disp32] with a SIB byte and no base, [RDI+disp8],
     * [RDI+disp32]), the access size, the register and how it is written.
     *
     * @param code     the instruction
     * @param bytes    the memory access size
     * @param write    a store (else a load)
     * @param reg      the register operand (null for a store of an immediate)
     * @param highByte AH, CH, DH or BH (a byte register 4..7 without REX): bits 15:8 of {@code reg}
     * @param width    for loads the destination width in bytes (1, 2, 4 zero-extending, 8)
     * @param extend   for loads 0 none, 'z' zero-extend, 's' sign-extend from {@code bytes}
     * @param imm      for a store of an immediate, the value stored (already sign-extended and masked)
     */
    private record MmioForm(byte[] code, int bytes, boolean write, Gpr reg, boolean highByte, int width, char extend,
                            long imm) {
        static MmioForm load(int bytes, Gpr reg, int width, char extend, int... code) {
            return new MmioForm(bytes(code), bytes, false, reg, false, width, extend, 0);
        }

        static MmioForm store(int bytes, Gpr reg, int... code) {
            return new MmioForm(bytes(code), bytes, true, reg, false, bytes, (char) 0, 0);
        }

        MmioForm high() {
            return new MmioForm(code, bytes, write, reg, true, width, extend, imm);
        }

        private static byte[] bytes(int... code) {
            byte[] b = new byte[code.length];
            for (int i = 0; i < code.length; i++) {
                b[i] = (byte) code[i];
            }
            return b;
        }
    }

    private static final MmioForm[] MMIO_LOADS = {
        MmioForm.load(4, Gpr.RAX, 4, (char) 0, 0x8B, 0x07),                       // mov eax, [rdi]
        MmioForm.load(1, Gpr.RAX, 1, (char) 0, 0x8A, 0x07),                       // mov al, [rdi]
        MmioForm.load(2, Gpr.RAX, 2, (char) 0, 0x66, 0x8B, 0x07),                 // mov ax, [rdi]
        MmioForm.load(8, Gpr.RAX, 8, (char) 0, 0x48, 0x8B, 0x07),                 // mov rax, [rdi]
        MmioForm.load(1, Gpr.RAX, 4, 'z', 0x0F, 0xB6, 0x07),                      // movzx eax, byte [rdi]
        MmioForm.load(2, Gpr.RAX, 4, 'z', 0x0F, 0xB7, 0x07),                      // movzx eax, word [rdi]
        MmioForm.load(1, Gpr.RAX, 2, 'z', 0x66, 0x0F, 0xB6, 0x07),                // movzx ax, byte [rdi]
        MmioForm.load(1, Gpr.RAX, 4, 's', 0x0F, 0xBE, 0x07),                      // movsx eax, byte [rdi]
        MmioForm.load(2, Gpr.RAX, 4, 's', 0x0F, 0xBF, 0x07),                      // movsx eax, word [rdi]
        MmioForm.load(1, Gpr.RAX, 8, 's', 0x48, 0x0F, 0xBE, 0x07),                // movsx rax, byte [rdi]
        MmioForm.load(2, Gpr.RAX, 8, 's', 0x48, 0x0F, 0xBF, 0x07),                // movsx rax, word [rdi]
        MmioForm.load(1, Gpr.RAX, 1, (char) 0, 0x8A, 0x27).high(),                // mov ah, [rdi]
        MmioForm.load(1, Gpr.RBX, 1, (char) 0, 0x8A, 0x3F).high(),                // mov bh, [rdi]
        MmioForm.load(1, Gpr.RSI, 1, (char) 0, 0x40, 0x8A, 0x37),                 // mov sil, [rdi] (REX)
        MmioForm.load(4, Gpr.R8, 4, (char) 0, 0x44, 0x8B, 0x07),                  // mov r8d, [rdi]
        MmioForm.load(4, Gpr.RCX, 4, (char) 0, 0x8B, 0x0C, 0x3D, 0, 0, 0, 0),     // mov ecx, [rdi*1+0] (SIB)
        MmioForm.load(4, Gpr.RAX, 4, (char) 0, 0x8B, 0x87, 0, 0, 0, 0),           // mov eax, [rdi+disp32]
        MmioForm.load(2, Gpr.RDX, 2, (char) 0, 0x66, 0x8B, 0x57, 0x00),           // mov dx, [rdi+disp8]
    };

    private static final MmioForm[] MMIO_STORES = {
        MmioForm.store(4, Gpr.RAX, 0x89, 0x07),                                   // mov [rdi], eax
        MmioForm.store(1, Gpr.RAX, 0x88, 0x07),                                   // mov [rdi], al
        MmioForm.store(2, Gpr.RAX, 0x66, 0x89, 0x07),                             // mov [rdi], ax
        MmioForm.store(8, Gpr.RAX, 0x48, 0x89, 0x07),                             // mov [rdi], rax
        MmioForm.store(1, Gpr.RAX, 0x88, 0x27).high(),                            // mov [rdi], ah
        MmioForm.store(1, Gpr.RBX, 0x88, 0x3F).high(),                            // mov [rdi], bh
        MmioForm.store(4, Gpr.RBX, 0x89, 0x1C, 0x3D, 0, 0, 0, 0),                 // mov [rdi*1+0], ebx (SIB)
        new MmioForm(MmioForm.bytes(0xC6, 0x07, 0xA5), 1, true, null, false, 1, (char) 0, 0xA5),
        new MmioForm(MmioForm.bytes(0xC7, 0x07, 0x78, 0x56, 0x34, 0x92), 4, true, null, false, 4, (char) 0,
                0x9234_5678L),                                                    // mov dword [rdi], 0x92345678
        new MmioForm(MmioForm.bytes(0x48, 0xC7, 0x07, 0x78, 0x56, 0x34, 0x92), 8, true, null, false, 8, (char) 0,
                0xFFFF_FFFF_9234_5678L),                                          // mov qword [rdi], sign-extended
    };

    /** The register after a load of {@code v} by {@code f}, from the SDM's operand-size rules. */
    private static long loaded(MmioForm f, long old, long v) {
        long mask = f.bytes() == 8 ? -1L : (1L << (8 * f.bytes())) - 1;
        long x = v & mask;
        if (f.extend() == 's') {
            int shift = 64 - 8 * f.bytes();
            x = (v << shift) >> shift;
        }
        if (f.highByte()) {
            return (old & ~0xFF00L) | ((v & 0xFF) << 8);
        }
        return switch (f.width()) {
            case 1 -> (old & ~0xFFL) | (x & 0xFF);
            case 2 -> (old & ~0xFFFFL) | (x & 0xFFFF);
            case 4 -> x & 0xFFFF_FFFFL;
            default -> x;
        };
    }

    /** The value a store by {@code f} sends: the operand's bytes of the register (bits 15:8 for AH..BH). */
    private static long stored(MmioForm f, long[] regs) {
        if (f.reg() == null) {
            return f.imm();
        }
        long r = regs[f.reg().number()];
        if (f.highByte()) {
            return (r >>> 8) & 0xFF;
        }
        return f.bytes() == 8 ? r : r & ((1L << (8 * f.bytes())) - 1);
    }

    boolean mmioRead() {
        MmioForm f = MMIO_LOADS[run.rnd.nextInt(MMIO_LOADS.length)];
        long[] regs = ops.seedRegisters();
        regs[Gpr.RBX.number()] = run.rnd.nextLong() & 0x00FF_FFFF_FFFF_FFFFL;
        regs[Gpr.RDI.number()] = mmioAddress(f.bytes());
        long old = regs[f.reg().number()];
        run.expectMmioBytes = f.bytes();
        run.expectMmioIsWrite = false;
        ExecutionResult r = ops.runCode(f.code(), regs);
        if (r instanceof ExecutionResult.Completed) {
            regs[f.reg().number()] = loaded(f, old, ops.vmmAnswer(Gpr.R11));
        }
        return RegisterOracle.checkRegisters(run, r, regs);
    }

    boolean mmioWrite() {
        MmioForm f = MMIO_STORES[run.rnd.nextInt(MMIO_STORES.length)];
        long[] regs = ops.seedRegisters();
        // Stored values leave the TD by design: plain values, not canaries.
        regs[Gpr.RAX.number()] = run.rnd.nextLong() & 0x00FF_FFFF_FFFF_FFFFL;
        regs[Gpr.RBX.number()] = run.rnd.nextLong() & 0x00FF_FFFF_FFFF_FFFFL;
        regs[Gpr.RDI.number()] = mmioAddress(f.bytes());
        run.expectMmioBytes = f.bytes();
        run.expectMmioIsWrite = true;
        run.expectMmioWrite = stored(f, regs);
        return RegisterOracle.checkRegisters(run, ops.runCode(f.code(), regs), regs);
    }

    /** An address in the MMIO window; one in four ends exactly at the window's (4K) page end. */
    private long mmioAddress(int bytes) {
        long offset = run.rnd.nextInt(4) == 0 ? 4096 - bytes : 8L * run.rnd.nextInt(5);
        return (run.td.config().mmioBase() + offset) | run.td.config().sharedBit();
    }
}
