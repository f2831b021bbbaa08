package io.github.tdx4j.sim;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.IoExitQualification;
import io.github.tdx4j.abi.VeExitReason;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.platform.MemoryAccessException;
import io.github.tdx4j.call.platform.VcpuContext;
import io.github.tdx4j.call.platform.VeHandler;
import io.github.tdx4j.call.platform.VeOutcome;

/**
 * Decodes and executes one instruction at RIP. Intel SDM Vol. 2 for the encodings; which instructions #VE is
 * Documentation/arch/x86/tdx.rst ("#VE-causing instructions") and TDX Module ABI v1.5 ("CPUID Virtualization",
 * "MSR Virtualization").
 */
// Deviation: 64-bit mode only, segment bases 0, no paging (linear = physical), and only the instructions listed
// in the Vcpu class comment plus NOP, CLI, STI, JMP rel8 and UD2; anything else is #UD. Intel SDM Vol. 2.
final class X86Interpreter {
    private final Vcpu vcpu;
    private final SimulatedTd td;
    private final long[] gpr;
    private final byte[] code = new byte[15];
    private int len;
    private int pos;
    // prefixes
    private boolean opsize;
    private boolean addr32;
    private boolean rep;
    private int rex;
    // ModR/M
    private int mod;
    private int reg;
    private int rm;
    private boolean ripRelative;
    private int baseReg;
    private int indexReg;
    private int scale;
    private long disp;

    X86Interpreter(Vcpu vcpu, SimulatedTd td) {
        this.vcpu = vcpu;
        this.td = td;
        this.gpr = vcpu.gpr;
    }

    /** Decodes and executes the instruction at RIP, or throws the fault it raises. */
    void step() {
        len = vcpu.fetchBytes(vcpu.rip, code, 15);
        if (len == 0) {
            throw new MemoryAccessException(vcpu.rip, "instruction fetch from memory the guest cannot read");
        }
        pos = 0;
        opsize = false;
        addr32 = false;
        rep = false;
        rex = 0;
        int b;
        prefixes:
        while (true) {
            b = next();
            switch (b) {
                case 0x66 -> opsize = true;
                case 0x67 -> addr32 = true;
                case 0xF3 -> rep = true;
                case 0xF2, 0xF0, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65 -> {
                    // REPNE, LOCK and segment overrides: no effect on the instructions executed here.
                }
                default -> {
                    break prefixes;
                }
            }
        }
        if ((b & 0xF0) == 0x40) {
            rex = b;
            b = next();
        }
        switch (b) {
            case 0x90 -> done();
            case 0xF4 -> privileged("HLT").ve(VeExitReason.HLT, 0, 0, 0);
            case 0xFA -> {
                privileged("CLI");
                vcpu.interruptsEnabled = false;
                done();
            }
            case 0xFB -> {
                privileged("STI");
                vcpu.interruptsEnabled = true;
                done();
            }
            case 0xE4, 0xE5, 0xE6, 0xE7 -> io(b, next());
            case 0xEC, 0xED, 0xEE, 0xEF -> io(b, -1);
            case 0x6C, 0x6D, 0x6E, 0x6F -> stringIo(b);
            case 0x88, 0x89, 0x8A, 0x8B -> mov(b);
            case 0xC6, 0xC7 -> movImmediate(b);
            case 0xEB -> {
                long rel = (byte) next();
                vcpu.rip = vcpu.rip + pos + rel;
            }
            case 0x0F -> twoByte(next());
            default -> throw ud(b);
        }
    }

    private void twoByte(int b) {
        switch (b) {
            case 0xA2 -> cpuid();
            case 0x32 -> {
                privileged("RDMSR");
                rdmsr();
            }
            case 0x30 -> {
                privileged("WRMSR");
                wrmsr();
            }
            case 0x09 -> privileged("WBINVD").ve(VeExitReason.WBINVD, 0, 0, 0);
            case 0x08 -> privileged("INVD").ve(VeExitReason.INVD, 0, 0, 0);
            case 0x01 -> {
                int m = next();
                switch (m) {
                    case 0xC1 -> ve(VeExitReason.VMCALL, 0, 0, 0);
                    case 0xC8 -> privileged("MONITOR").ve(VeExitReason.MONITOR_INSTRUCTION, 0, 0, 0);
                    case 0xC9 -> privileged("MWAIT").ve(VeExitReason.MWAIT_INSTRUCTION, 0, 0, 0);
                    case 0xCC -> tdcall();
                    default -> throw ud(0x0F01_00 | m);
                }
            }
            case 0xB6, 0xB7, 0xBE, 0xBF -> movExtend(b);
            default -> throw ud(0x0F00 | b);
        }
    }

    private int next() {
        if (pos >= len) {
            throw new MemoryAccessException(vcpu.rip + pos, "instruction runs into memory the guest cannot read");
        }
        return code[pos++] & 0xFF;
    }

    private long nextImm(int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (long) next() << (8 * i);
        }
        return v;
    }

    private void done() {
        vcpu.rip += pos;
    }

    private Vcpu.CpuFault ud(int opcode) {
        return new Vcpu.CpuFault(ExecutionResult.Fault.INVALID_OPCODE, TdxFailure.of(Origin.GUEST_BUG, "sim.vcpu.ud",
                "#UD: opcode 0x" + Integer.toHexString(opcode) + " at RIP 0x" + Long.toHexString(vcpu.rip)
                        + " is not executed by the simulated vCPU"));
    }

    private X86Interpreter privileged(String what) {
        if (vcpu.userMode) {
            throw Vcpu.gp(what + " at CPL 3 (RIP 0x" + Long.toHexString(vcpu.rip) + ")");
        }
        return this;
    }

    private void ve(VeExitReason reason, long qualification, long gla, long gpa) {
        vcpu.raiseVe(reason, qualification, gla, gpa, pos);
    }

    private int operandSize() {
        return (rex & 8) != 0 ? 8 : opsize ? 2 : 4;
    }

    // ---- port I/O: always #VE (tdx.rst) ----

    private void io(int op, int imm) {
        if (vcpu.userMode) {
            throw Vcpu.gp("port I/O at CPL 3 with IOPL 0");
        }
        int size = (op & 1) == 0 ? 1 : opsize ? 2 : 4;
        boolean in = op == 0xE4 || op == 0xE5 || op == 0xEC || op == 0xED;
        boolean immediate = imm >= 0;
        int port = immediate ? imm : (int) (gpr[2] & 0xFFFF);
        ve(VeExitReason.IO_INSTRUCTION, IoExitQualification.of(size, in, false, false, immediate, port).raw(),
                0, 0);
    }

    private void stringIo(int op) {
        if (vcpu.userMode) {
            throw Vcpu.gp("string port I/O at CPL 3 with IOPL 0");
        }
        int size = (op & 1) == 0 ? 1 : opsize ? 2 : 4;
        boolean in = op == 0x6C || op == 0x6D;
        int port = (int) (gpr[2] & 0xFFFF);
        long gla = in ? gpr[Gpr.RDI.number()] : gpr[Gpr.RSI.number()];
        ve(VeExitReason.IO_INSTRUCTION, IoExitQualification.of(size, in, true, rep, false, port).raw(), gla,
                0);
    }

    // ---- CPUID ----

    private void cpuid() {
        int leaf = (int) gpr[0];
        int subleaf = (int) gpr[1];
        boolean forced = vcpu.userMode ? vcpu.cpuidVeUser : vcpu.cpuidVeSupervisor;
        long[] v = forced ? null : td.cpuid.nativeValue(vcpu, leaf, subleaf);
        if (v == null) {
            ve(VeExitReason.CPUID, 0, 0, 0);
            return;
        }
        gpr[0] = v[0];
        gpr[3] = v[1];
        gpr[1] = v[2];
        gpr[2] = v[3];
        done();
    }

    // ---- MSRs ----

    private void rdmsr() {
        long msr = gpr[1] & 0xFFFF_FFFFL;
        switch (MsrPolicy.classify(msr)) {
            case NATIVE -> {
                long value = msr == MsrPolicy.IA32_TIME_STAMP_COUNTER ? td.nanoTime()
                        : vcpu.nativeMsrs.getOrDefault(msr, 0L);
                gpr[0] = value & 0xFFFF_FFFFL;
                gpr[2] = value >>> 32;
                done();
            }
            case VE -> ve(VeExitReason.MSR_READ, 0, 0, 0);
            default -> throw Vcpu.gp("RDMSR of MSR 0x" + Long.toHexString(msr) + ", which the TDX module makes #GP");
        }
    }

    private void wrmsr() {
        long msr = gpr[1] & 0xFFFF_FFFFL;
        switch (MsrPolicy.classify(msr)) {
            case NATIVE -> {
                vcpu.nativeMsrs.put(msr, (gpr[2] << 32) | (gpr[0] & 0xFFFF_FFFFL));
                done();
            }
            case VE -> ve(VeExitReason.MSR_WRITE, 0, 0, 0);
            default -> throw Vcpu.gp("WRMSR of MSR 0x" + Long.toHexString(msr) + ", which the TDX module makes #GP");
        }
    }

    // ---- TDCALL from x86 code ----

    private void tdcall() {
        if (!opsize) {
            throw ud(0x0F01CC);
        }
        privileged("TDCALL");
        td.module.tdcall(vcpu, gpr);
        done();
    }

    // ---- MOV forms ----

    private void modrm() {
        int m = next();
        mod = m >>> 6;
        reg = ((m >>> 3) & 7) | ((rex & 4) << 1);
        rm = m & 7;
        ripRelative = false;
        baseReg = -1;
        indexReg = -1;
        scale = 0;
        disp = 0;
        if (mod == 3) {
            rm |= (rex & 1) << 3;
            return;
        }
        if (rm == 4) {
            int sib = next();
            scale = sib >>> 6;
            int idx = ((sib >>> 3) & 7) | ((rex & 2) << 2);
            indexReg = idx == 4 ? -1 : idx;
            int base = sib & 7;
            if (base == 5 && mod == 0) {
                disp = (int) nextImm(4);
            } else {
                baseReg = base | ((rex & 1) << 3);
            }
        } else if (rm == 5 && mod == 0) {
            ripRelative = true;
            disp = (int) nextImm(4);
        } else {
            baseReg = rm | ((rex & 1) << 3);
        }
        if (mod == 1) {
            disp = (byte) next();
        } else if (mod == 2) {
            disp = (int) nextImm(4);
        }
    }

    /** The effective address, once the whole instruction (and so its length) is known. */
    private long address() {
        long a = disp;
        if (ripRelative) {
            a += vcpu.rip + pos;
        }
        if (baseReg >= 0) {
            a += gpr[baseReg];
        }
        if (indexReg >= 0) {
            a += gpr[indexReg] << scale;
        }
        return addr32 ? a & 0xFFFF_FFFFL : a;
    }

    private long readReg(int r, int size) {
        if (size == 1) {
            if (rex == 0 && r >= 4 && r < 8) {
                return (gpr[r - 4] >>> 8) & 0xFF;
            }
            return gpr[r] & 0xFF;
        }
        return size == 8 ? gpr[r] : gpr[r] & ((1L << (8 * size)) - 1);
    }

    private void writeReg(int r, int size, long value) {
        switch (size) {
            case 1 -> {
                if (rex == 0 && r >= 4 && r < 8) {
                    gpr[r - 4] = (gpr[r - 4] & ~0xFF00L) | ((value & 0xFF) << 8);
                } else {
                    gpr[r] = (gpr[r] & ~0xFFL) | (value & 0xFF);
                }
            }
            case 2 -> gpr[r] = (gpr[r] & ~0xFFFFL) | (value & 0xFFFF);
            case 4 -> gpr[r] = value & 0xFFFF_FFFFL;
            default -> gpr[r] = value;
        }
    }

    private void mov(int op) {
        int size = (op & 1) == 0 ? 1 : operandSize();
        boolean toMemory = op == 0x88 || op == 0x89;
        modrm();
        if (mod == 3) {
            if (toMemory) {
                writeReg(rm, size, readReg(reg, size));
            } else {
                writeReg(reg, size, readReg(rm, size));
            }
            done();
            return;
        }
        long a = address();
        if (toMemory) {
            if (store(a, size, readReg(reg, size))) {
                done();
            }
        } else {
            long[] v = {0};
            if (load(a, size, v)) {
                writeReg(reg, size, v[0]);
                done();
            }
        }
    }

    private void movImmediate(int op) {
        int size = op == 0xC6 ? 1 : operandSize();
        modrm();
        if ((reg & 7) != 0) {
            throw ud(op);
        }
        long imm = size == 1 ? next() : size == 2 ? nextImm(2) : (int) nextImm(4);
        if (mod == 3) {
            writeReg(rm, size, imm);
            done();
            return;
        }
        if (store(address(), size, imm)) {
            done();
        }
    }

    private void movExtend(int op) {
        int srcSize = (op & 1) == 0 ? 1 : 2;
        boolean signed = op >= 0xBE;
        int dstSize = operandSize();
        modrm();
        long v;
        if (mod == 3) {
            v = readReg(rm, srcSize);
        } else {
            long[] box = {0};
            if (!load(address(), srcSize, box)) {
                return;
            }
            v = box[0];
        }
        if (signed) {
            v = srcSize == 1 ? (byte) v : (short) v;
        }
        writeReg(reg, dstSize, v);
        done();
    }

    // ---- memory access with the TDX routing: native, #VE (MMIO / pending), or a stop ----

    /** Loads {@code size} bytes; false if a #VE was raised instead (the handler performed the instruction). */
    private boolean load(long la, int size, long[] out) {
        if (!route(la, size, false)) {
            return false;
        }
        out[0] = td.memory.loadSized(la, size, td.memory.guestCheck);
        return true;
    }

    private boolean store(long la, int size, long value) {
        if (!route(la, size, true)) {
            return false;
        }
        td.memory.storeSized(la, size, value, td.memory.guestCheck);
        return true;
    }

    /**
     * Decides how an access at linear address {@code la} (= GPA) goes: true to perform it natively; false after
     * raising a #VE. An access to shared GPAs outside RAM is MMIO: an EPT violation #VE (exit qualification
     * bit 0 read / bit 1 write, bit 7 GLA valid, bit 8 translated access; instruction length undefined, 0).
     * An access to an unaccepted private page is an EPT violation #VE without SEPT_VE_DISABLE (and without
     * TD_CTLS.PENDING_VE_DISABLE), else a TD exit the host cannot resolve.
     */
    private boolean route(long la, int size, boolean write) {
        TdMemory m = td.memory;
        if (!m.withinGpaw(la) || !m.withinGpaw(la + size - 1)) {
            throw Vcpu.gp("access to 0x" + Long.toHexString(la) + " beyond GPAW");
        }
        // An access that crosses a page boundary is routed by each page it touches, first page first.
        long last = la + size - 1;
        boolean samePage = (last >>> TdMemory.PAGE_SHIFT) == (la >>> TdMemory.PAGE_SHIFT);
        return routePage(la, write) && (samePage || routePage(last & ~(TdMemory.PAGE - 1L), write));
    }

    private boolean routePage(long la, boolean write) {
        TdMemory m = td.memory;
        long sharedBit = m.sharedBit();
        boolean shared = (la & sharedBit) != 0;
        long gpa = la & ~sharedBit;
        long qualification = (write ? 2 : 1) | (1L << 7) | (1L << 8);
        if (!m.isRam(gpa)) {
            if (shared) {
                vcpu.raiseVe(VeExitReason.EPT_VIOLATION, qualification, la, la, 0);
                return false;
            }
            throw td.stop(StopReason.of(StopReason.Kind.UNRESOLVED_EPT_VIOLATION, "private access to GPA 0x"
                    + Long.toHexString(gpa) + " outside RAM at RIP 0x" + Long.toHexString(vcpu.rip)));
        }
        if (shared) {
            return true;
        }
        long page = gpa >>> TdMemory.PAGE_SHIFT;
        int kind = TdMemory.kind(m.stateOf(page));
        if (kind == TdMemory.UNMAPPED) {
            // The EPT violation exits to the host, which maps the page (pending) and re-enters. Only a PENDING
            // Secure-EPT entry gives the guest a #VE; a host that maps nothing leaves the access faulting for
            // ever, so the TD cannot continue (as TDG.MEM.PAGE.ACCEPT does in TdxModuleModel#tdgMemPageAccept).
            // Intel TDX Module 1.5 Base Architecture Specification, "Secure EPT".
            if (!td.vmm.onPrivateEptViolation(gpa & ~(TdMemory.PAGE - 1L), null)) {
                throw td.stop(StopReason.of(StopReason.Kind.UNRESOLVED_EPT_VIOLATION, "the host did not map "
                        + "private GPA 0x" + Long.toHexString(gpa) + " accessed at RIP 0x"
                        + Long.toHexString(vcpu.rip)));
            }
            td.ensureRunning();
            kind = TdMemory.kind(m.stateOf(page));
        }
        if (kind == TdMemory.PENDING || kind == TdMemory.UNMAPPED) {
            if (td.module.pendingVeDisabled()) {
                throw td.stop(StopReason.of(StopReason.Kind.UNRESOLVED_EPT_VIOLATION, "access to unaccepted "
                        + "private GPA 0x" + Long.toHexString(gpa) + " at RIP 0x" + Long.toHexString(vcpu.rip)
                        + " with SEPT_VE_DISABLE: an EPT violation TD exit the host cannot resolve"));
            }
            vcpu.raiseVe(VeExitReason.EPT_VIOLATION, qualification, la, la, 0);
            return false;
        }
        return true;
    }
}
