package io.github.tdx4j.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.IoExitQualification;
import io.github.tdx4j.abi.VeExitReason;
import io.github.tdx4j.abi.VeInfo;
import io.github.tdx4j.sim.vmm.MmioTestDevice;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VcpuTest {
    private static final long CODE = 0x20_0000;
    private SimulatedTd td;
    private TestVeHandler handler;

    @BeforeEach
    void boot() {
        td = SimulatedTd.boot();
        handler = new TestVeHandler(td);
        td.setVeHandler(handler);
    }

    private ExecutionResult run(int... bytes) {
        byte[] code = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            code[i] = (byte) bytes[i];
        }
        return td.vcpu().execute(CODE, code);
    }

    private VeInfo lastVe() {
        return handler.seen.getLast();
    }

    @Test
    @DisplayName("OUT imm8, AL raises #VE IO_INSTRUCTION and, handled, writes the UART console")
    void outImm8ToUart() {
        // mov al,'H'; out 0xF8? no: COM1 is 0x3F8, beyond imm8, so: mov dx,0x3F8; mov al,'H'; out dx,al; ...
        ExecutionResult r = run(0x66, 0xBA, 0xF8, 0x03, // mov dx, 0x3F8 is not executed: use MOV r/m form below
                0x90);
        assertThat(r).isInstanceOf(ExecutionResult.Faulted.class); // 0xBA (mov r16, imm16) is not a TDX instruction
        td.vcpu().set(Gpr.RDX, 0x3F8);
        td.vcpu().set(Gpr.RAX, 'H');
        assertThat(run(0xEE)).isInstanceOf(ExecutionResult.Completed.class); // out dx, al
        td.vcpu().set(Gpr.RAX, 'i');
        run(0xEE);
        assertThat(td.console()).isEqualTo("Hi");
        IoExitQualification q = new IoExitQualification(lastVe().exitQualification());
        assertThat(lastVe().exitReason()).isEqualTo(VeExitReason.IO_INSTRUCTION);
        assertThat(q.port()).isEqualTo(0x3F8);
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.in()).isFalse();
        assertThat(q.immediate()).isFalse();
        assertThat(lastVe().instructionLength()).isEqualTo(1);
    }

    @Test
    @DisplayName("IN AL, imm8 / IN AX, DX / IN EAX, DX report size, port and encoding in the exit qualification")
    void inForms() {
        run(0xE4, 0x80); // in al, 0x80
        IoExitQualification q = new IoExitQualification(lastVe().exitQualification());
        assertThat(q.in()).isTrue();
        assertThat(q.immediate()).isTrue();
        assertThat(q.port()).isEqualTo(0x80);
        assertThat(td.vcpu().get(Gpr.RAX) & 0xFF).as("unclaimed port reads all ones").isEqualTo(0xFF);
        td.vcpu().set(Gpr.RDX, 0x3FD); // UART LSR
        td.vcpu().set(Gpr.RAX, 0xFFFF_FFFF_0000_0000L);
        run(0x66, 0xED); // in ax, dx
        assertThat(new IoExitQualification(lastVe().exitQualification()).size()).isEqualTo(2);
        assertThat(td.vcpu().get(Gpr.RAX)).isEqualTo(0xFFFF_FFFF_0000_0060L);
        run(0xED); // in eax, dx
        assertThat(new IoExitQualification(lastVe().exitQualification()).size()).isEqualTo(4);
        assertThat(lastVe().instructionLength()).isEqualTo(1);
    }

    @Test
    @DisplayName("REP OUTSB raises #VE with the string and REP bits; the Linux-style handler faults it")
    void stringIo() {
        td.vcpu().set(Gpr.RSI, 0x30_0000);
        ExecutionResult r = run(0xF3, 0x6E);
        IoExitQualification q = new IoExitQualification(lastVe().exitQualification());
        assertThat(q.string()).isTrue();
        assertThat(q.rep()).isTrue();
        assertThat(lastVe().gla()).isEqualTo(0x30_0000);
        assertThat(r).isInstanceOf(ExecutionResult.Faulted.class);
        assertThat(((ExecutionResult.Faulted) r).fault()).isEqualTo(ExecutionResult.Fault.VE_FAULT);
        assertThat(r.rip()).isEqualTo(CODE);
    }

    @Test
    @DisplayName("CPUID leaf 0x21 runs natively and returns IntelTDX; leaf 0x40000000 raises #VE and reaches KVM")
    void cpuid() {
        td.vcpu().set(Gpr.RAX, 0x21);
        run(0x0F, 0xA2);
        assertThat(handler.seen).isEmpty();
        assertThat(td.vcpu().get(Gpr.RBX)).isEqualTo(0x6574_6E49L); // "Inte"
        assertThat(td.vcpu().get(Gpr.RDX)).isEqualTo(0x5844_546CL); // "lTDX"
        td.vcpu().set(Gpr.RAX, 0x4000_0000L);
        run(0x0F, 0xA2);
        assertThat(lastVe().exitReason()).isEqualTo(VeExitReason.CPUID);
        assertThat(td.vcpu().get(Gpr.RBX)).isEqualTo(0x4B4D_564BL); // "KVMK"
        assertThat(td.counters().ves(VeExitReason.CPUID)).isEqualTo(1);
    }

    @Test
    @DisplayName("RDMSR of TSC runs natively, of APICBASE raises #VE MSR_READ, of a VMX MSR raises #GP")
    void msrs() {
        td.vcpu().set(Gpr.RCX, 0x10);
        run(0x0F, 0x32);
        assertThat(handler.seen).isEmpty();
        td.vcpu().set(Gpr.RCX, 0x1B);
        run(0x0F, 0x32);
        assertThat(lastVe().exitReason()).isEqualTo(VeExitReason.MSR_READ);
        assertThat(td.vcpu().get(Gpr.RAX)).isEqualTo(0xFEE0_0D00L);
        td.vcpu().set(Gpr.RCX, 0x480);
        ExecutionResult r = run(0x0F, 0x32);
        assertThat(((ExecutionResult.Faulted) r).fault()).isEqualTo(ExecutionResult.Fault.GENERAL_PROTECTION);
    }

    @Test
    @DisplayName("WRMSR of EFER raises #VE and KVM refuses it (read-only): the handler faults")
    void wrmsrEfer() {
        td.vcpu().set(Gpr.RCX, 0xC000_0080L);
        ExecutionResult r = run(0x0F, 0x30);
        assertThat(lastVe().exitReason()).isEqualTo(VeExitReason.MSR_WRITE);
        assertThat(r).isInstanceOf(ExecutionResult.Faulted.class);
    }

    @Test
    @DisplayName("HLT, WBINVD, VMCALL, MWAIT raise #VE with their exit reasons and instruction lengths")
    void unconditionalVes() {
        run(0xF4);
        assertThat(lastVe().exitReason()).isEqualTo(VeExitReason.HLT);
        assertThat(lastVe().instructionLength()).isEqualTo(1);
        run(0x0F, 0x09);
        assertThat(lastVe().exitReason()).isEqualTo(VeExitReason.WBINVD);
        assertThat(lastVe().instructionLength()).isEqualTo(2);
        run(0x0F, 0x01, 0xC1);
        assertThat(lastVe().exitReason()).isEqualTo(VeExitReason.VMCALL);
        assertThat(lastVe().instructionLength()).isEqualTo(3);
        run(0x0F, 0x01, 0xC9);
        assertThat(lastVe().exitReason()).isEqualTo(VeExitReason.MWAIT_INSTRUCTION);
    }

    @Test
    @DisplayName("MOV to and from an unmapped shared GPA raises an EPT-violation #VE (MMIO) with GLA and GPA")
    void mmio() {
        long reg = td.config().sharedBit() | td.config().mmioBase();
        td.vcpu().set(Gpr.RBX, reg + MmioTestDevice.ID_REGISTER);
        run(0x8B, 0x03); // mov eax, [rbx]
        assertThat(lastVe().exitReason()).isEqualTo(VeExitReason.EPT_VIOLATION);
        assertThat(lastVe().gpa()).isEqualTo(reg + MmioTestDevice.ID_REGISTER);
        assertThat(lastVe().gla()).isEqualTo(reg + MmioTestDevice.ID_REGISTER);
        assertThat(lastVe().exitQualification() & 3).as("read").isEqualTo(1);
        assertThat(td.vcpu().get(Gpr.RAX)).isEqualTo(MmioTestDevice.ID);
        td.vcpu().set(Gpr.RBX, reg + MmioTestDevice.REG64);
        td.vcpu().set(Gpr.RCX, 0x1122_3344_5566_7788L);
        run(0x48, 0x89, 0x0B); // mov [rbx], rcx
        assertThat(lastVe().exitQualification() & 3).as("write").isEqualTo(2);
        td.vcpu().set(Gpr.RAX, 0);
        run(0x48, 0x8B, 0x03); // mov rax, [rbx]
        assertThat(td.vcpu().get(Gpr.RAX)).isEqualTo(0x1122_3344_5566_7788L);
    }

    @Test
    @DisplayName("MOV, MOVZX and MOVSX to private memory run natively with SIB, disp8, disp32 and RIP-relative forms")
    void nativeMoves() {
        long data = 0x30_0000;
        td.memory().writeLong(data + 0x10, 0x8899_AABB_CCDD_EEFFL);
        td.vcpu().set(Gpr.RBX, data);
        td.vcpu().set(Gpr.RSI, 2);
        run(0x48, 0x8B, 0x44, 0xB3, 0x08); // mov rax, [rbx + rsi*4 + 8]
        assertThat(td.vcpu().get(Gpr.RAX)).isEqualTo(0x8899_AABB_CCDD_EEFFL);
        run(0x0F, 0xB6, 0x4B, 0x10); // movzx ecx, byte [rbx+0x10]
        assertThat(td.vcpu().get(Gpr.RCX)).isEqualTo(0xFF);
        run(0x48, 0x0F, 0xBF, 0x53, 0x10); // movsx rdx, word [rbx+0x10]
        assertThat(td.vcpu().get(Gpr.RDX)).isEqualTo(0xFFFF_FFFF_FFFF_EEFFL);
        td.vcpu().set(Gpr.RAX, 0x1234_5678_9ABC_DEF0L);
        run(0x89, 0x83, 0x00, 0x01, 0x00, 0x00); // mov [rbx+0x100], eax
        assertThat(td.memory().readLong(data + 0x100)).isEqualTo(0x9ABC_DEF0L);
        run(0xC7, 0x05, 0xF6, 0x0F, 0x00, 0x00, 0x2A, 0x00, 0x00, 0x00); // mov dword [rip+0xFF6], 42
        assertThat(td.memory().readUnsignedInt(CODE + 10 + 0xFF6)).isEqualTo(42);
        td.vcpu().set(Gpr.RAX, 0x1111);
        run(0x88, 0xE0); // mov al, ah
        assertThat(td.vcpu().get(Gpr.RAX)).isEqualTo(0x1111);
        assertThat(handler.seen).isEmpty();
    }

    @Test
    @DisplayName("A #VE before TDG.VP.VEINFO.GET of the previous one is a double fault that stops the TD")
    void doubleFault() {
        // The handler returns without TDG.VP.VEINFO.GET and without advancing RIP: the HLT runs again.
        handler.readVeInfo = false;
        assertThatThrownBy(() -> run(0xF4)).isInstanceOf(TdStopped.class);
        assertThat(td.stopReason().kind()).isEqualTo(StopReason.Kind.DOUBLE_FAULT);
        assertThatThrownBy(() -> td.transport().tdcall(io.github.tdx4j.call.Registers.ZERO))
                .isInstanceOf(TdStopped.class);
    }

    @Test
    @DisplayName("A #VE with no handler registered stops the TD")
    void noHandler() {
        td.setVeHandler(null);
        assertThatThrownBy(() -> run(0xF4)).isInstanceOf(TdStopped.class);
        assertThat(td.stopReason().kind()).isEqualTo(StopReason.Kind.NO_VE_HANDLER);
    }

    @Test
    @DisplayName("Access to unaccepted private memory stops the TD with SEPT_VE_DISABLE and raises #VE without it")
    void pendingAccess() {
        long unaccepted = 1L << 30;
        td.vcpu().set(Gpr.RBX, unaccepted);
        assertThatThrownBy(() -> run(0x8B, 0x03)).isInstanceOf(TdStopped.class);
        assertThat(td.stopReason().kind()).isEqualTo(StopReason.Kind.UNRESOLVED_EPT_VIOLATION);

        SimulatedTd debug = SimulatedTd.boot(TdConfig.builder().septVeDisable(false).debug(true).build());
        TestVeHandler h = new TestVeHandler(debug);
        debug.setVeHandler(h);
        debug.vcpu().set(Gpr.RBX, unaccepted);
        ExecutionResult r = debug.vcpu().execute(CODE, new byte[] {(byte) 0x8B, 0x03});
        assertThat(h.seen.getLast().exitReason()).isEqualTo(VeExitReason.EPT_VIOLATION);
        assertThat(h.seen.getLast().gpa()).isEqualTo(unaccepted);
        assertThat(r).isInstanceOf(ExecutionResult.Faulted.class);
    }

    @Test
    @DisplayName("An access to an unmapped private page the host refuses to map stops the TD; it never raises #VE")
    void refusedPrivateMapping() {
        // A #VE is raised only for a PENDING Secure-EPT entry; a non-present one exits to the host, and a host that
        // does not map it (TDH.MEM.PAGE.AUG) makes the access fault again for ever.
        SimulatedTd debug = SimulatedTd.boot(TdConfig.builder().septVeDisable(false).debug(true).build(),
                SimSettings.strict(), RefusingVmm.FACTORY);
        TestVeHandler h = new TestVeHandler(debug);
        debug.setVeHandler(h);
        debug.vcpu().set(Gpr.RBX, 1L << 30);
        assertThatThrownBy(() -> debug.vcpu().execute(CODE, new byte[] {(byte) 0x8B, 0x03}))
                .isInstanceOf(TdStopped.class);
        assertThat(debug.stopReason().kind()).isEqualTo(StopReason.Kind.UNRESOLVED_EPT_VIOLATION);
        assertThat(h.seen).isEmpty();
    }

    @Test
    @DisplayName("A load crossing from an accepted page into an unaccepted one raises the #VE for the second page")
    void crossPage() {
        SimulatedTd debug = SimulatedTd.boot(TdConfig.builder().septVeDisable(false).debug(true).build());
        TestVeHandler h = new TestVeHandler(debug);
        debug.setVeHandler(h);
        long boundary = debug.config().acceptedAtBootBytes();
        debug.vcpu().set(Gpr.RBX, boundary - 4);
        ExecutionResult r = debug.vcpu().execute(CODE, new byte[] {0x48, (byte) 0x8B, 0x03}); // mov rax, [rbx]
        assertThat(h.seen.getLast().exitReason()).isEqualTo(VeExitReason.EPT_VIOLATION);
        assertThat(h.seen.getLast().gpa()).isEqualTo(boundary);
        assertThat(r).isInstanceOf(ExecutionResult.Faulted.class);
    }

    @Test
    @DisplayName("TDCALL executed as x86 code (66 0F 01 CC) reaches the module with the vCPU's registers")
    void tdcallInstruction() {
        td.vcpu().set(Gpr.RAX, 1); // TDG.VP.INFO
        run(0x66, 0x0F, 0x01, 0xCC);
        assertThat(td.vcpu().get(Gpr.RAX)).isZero();
        assertThat(td.vcpu().get(Gpr.RCX)).isEqualTo(48);
    }

    @Test
    @DisplayName("Privileged instructions in user mode raise #GP; unknown opcodes #UD")
    void faults() {
        td.vcpu().setUserMode(true);
        ExecutionResult r = run(0xF4);
        assertThat(((ExecutionResult.Faulted) r).fault()).isEqualTo(ExecutionResult.Fault.GENERAL_PROTECTION);
        td.vcpu().setUserMode(false);
        r = run(0x0F, 0x0B);
        assertThat(((ExecutionResult.Faulted) r).fault()).isEqualTo(ExecutionResult.Fault.INVALID_OPCODE);
    }

    @Test
    @DisplayName("An interrupt injected by the VMM is delivered at an instruction boundary once STI sets IF")
    void interrupts() {
        java.util.List<Integer> got = new java.util.ArrayList<>();
        td.setInterruptHandler(got::add);
        td.host().injectInterrupt(0, 0x40);
        run(0x90);
        assertThat(got).isEmpty();
        run(0xFB, 0x90); // sti; nop
        assertThat(got).containsExactly(0x40);
    }
}
