package io.github.tdx4j.guest.ve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.IoExitQualification;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.VeExitReason;
import io.github.tdx4j.abi.VeInfo;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxPolicyPanic;
import io.github.tdx4j.call.TdxModuleFault;
import io.github.tdx4j.call.platform.VeOutcome;
import io.github.tdx4j.call.trace.CallTrace;
import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import io.github.tdx4j.guest.fake.FakeVcpu;
import io.github.tdx4j.guest.io.PortSize;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TdxVeHandlerTest {
    private static final long IO = TdvmcallSubFunction.INSTRUCTION_IO.raw();
    private static final long MMIO = TdvmcallSubFunction.VE_REQUEST_MMIO.raw();
    private static final long CPUID = TdvmcallSubFunction.INSTRUCTION_CPUID.raw();

    private final FakeTd td = new FakeTd();
    private final CallTrace trace = new CallTrace(1000);
    private long shared;

    @BeforeEach
    void boot() {
        Boot.boot(td, Boot.config().withTrace(trace));
        trace.clear();
        shared = td.sharedMask();
    }

    private static VeInfo io(int size, boolean in, boolean string, int port) {
        return new VeInfo(VeExitReason.IO_INSTRUCTION, IoExitQualification.of(size, in, string, false, false, port)
                .raw(), 0, 0, 1, 0);
    }

    private VeInfo ept(long gpa, int bogusLength) {
        return new VeInfo(VeExitReason.EPT_VIOLATION, 0, 0xffff_8000_0000_0000L | gpa, gpa, bogusLength, 0);
    }

    @ParameterizedTest
    @EnumSource(PortSize.class)
    @DisplayName("IN through #VE takes only the access-size bits of R11; BYTE/WORD merge, DWORD zero-extends "
            + "(2026 port I/O GENMASK off-by-one fix)")
    void inMasksAndExtends(PortSize size) {
        td.vmm.put(IO, in -> FakeTd.answer(in, TdvmcallStatus.SUCCESS, 0xFFFF_FFFF_FFFF_FFFFL));
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0xEC).with(Gpr.RAX, 0xDEADBEEF_00000000L);

        assertThat(td.raiseVe(io(size.bytes(), true, false, 0x3F8), cpu)).isEqualTo(VeOutcome.HANDLED);

        long expected = switch (size) {
            case BYTE -> 0xDEADBEEF_000000FFL;
            case WORD -> 0xDEADBEEF_0000FFFFL;
            case DWORD -> 0x00000000_FFFFFFFFL;
        };
        assertThat(cpu.get(Gpr.RAX)).isEqualTo(expected);
        assertThat(cpu.rip()).isEqualTo(0x1001);
        Registers call = td.vmcalls(IO).getFirst();
        assertThat(call.r12()).isEqualTo(size.bytes());
        assertThat(call.r13()).isZero();
        assertThat(call.r14()).isEqualTo(0x3F8);
        assertThat(call.r15()).as("nothing of RAX is sent on IN").isZero();
    }

    @Test
    @DisplayName("OUT through #VE sends RAX restricted to the access size in R15")
    void outSendsMaskedRax() {
        td.vmm.put(IO, in -> FakeTd.answer(in, TdvmcallStatus.SUCCESS, 0));
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0xEE).with(Gpr.RAX, 0x1234_5678_9ABC_DE41L);
        long[] before = cpu.snapshot();

        td.raiseVe(io(1, false, false, 0x3F8), cpu);

        Registers call = td.vmcalls(IO).getFirst();
        assertThat(call.r13()).isEqualTo(1);
        assertThat(call.r15()).isEqualTo(0x41);
        assertThat(cpu.snapshot()).isEqualTo(before);
    }

    @Test
    @DisplayName("String I/O (INS/OUTS) is a fault, origin GUEST_BUG, with no TDVMCALL")
    void stringIoFaults() {
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0x6C);
        VeOutcome o = td.raiseVe(io(1, true, true, 0x3F8), cpu);
        assertThat(o).isInstanceOfSatisfying(VeOutcome.Fault.class,
                f -> assertThat(f.failure().origin()).isEqualTo(Origin.GUEST_BUG));
        assertThat(cpu.rip()).isEqualTo(0x1000);
        assertThat(td.vmcalls(IO)).isEmpty();
    }

    @Test
    @DisplayName("A VMM error on IN is a fault with origin VMM, and no VMM bit reaches RAX")
    void inVmmErrorFaults() {
        td.vmm.put(IO, in -> FakeTd.answer(in, TdvmcallStatus.INVALID_OPERAND, 0xAAAA_AAAA_AAAA_AAAAL));
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0xEC).with(Gpr.RAX, 0x1111_1111_1111_1111L);
        VeOutcome o = td.raiseVe(io(2, true, false, 0x60), cpu);
        assertThat(o).isInstanceOfSatisfying(VeOutcome.Fault.class,
                f -> assertThat(f.failure().origin()).isEqualTo(Origin.VMM));
        assertThat(cpu.get(Gpr.RAX)).isEqualTo(0x1111_1111_1111_0000L);
        assertThat(cpu.rip()).isEqualTo(0x1000);
    }

    @Test
    @DisplayName("CPUID outside 0x40000000-0x4FFFFFFF reads as zeros with no TDVMCALL")
    void cpuidOutsideHypervisorRangeIsZero() {
        td.vmm.put(CPUID, in -> in.withR10(0).with(Gpr.R12, 0x1234).with(Gpr.R13, 1).with(Gpr.R14, 2)
                .with(Gpr.R15, 3));
        for (long leaf : new long[] {0x0, 0x3FFF_FFFFL, 0x5000_0000L, 0xFFFF_FFFFL}) {
            FakeVcpu cpu = new FakeVcpu().at(0x1000, 0x0F, 0xA2).with(Gpr.RAX, leaf).with(Gpr.RBX, 7)
                    .with(Gpr.RCX, 8).with(Gpr.RDX, 9);
            td.raiseVe(new VeInfo(VeExitReason.CPUID, 0, 0, 0, 2, 0), cpu);
            assertThat(new long[] {cpu.get(Gpr.RAX), cpu.get(Gpr.RBX), cpu.get(Gpr.RCX), cpu.get(Gpr.RDX)})
                    .containsOnly(0L);
            assertThat(cpu.rip()).isEqualTo(0x1002);
        }
        assertThat(td.vmcalls(CPUID)).isEmpty();
    }

    @Test
    @DisplayName("CPUID in the hypervisor range goes to the VMM (R12=EAX, R13=ECX); results are 32-bit writes")
    void cpuidHypervisorRange() {
        td.vmm.put(CPUID, in -> in.withR10(0).with(Gpr.R12, 0xFFFF_FFFF_4000_0001L).with(Gpr.R13, 0x4B4D564BL)
                .with(Gpr.R14, 0x564B4D56L).with(Gpr.R15, 0x4DL));
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0x0F, 0xA2).with(Gpr.RAX, 0xFFFF_FFFF_4000_0000L)
                .with(Gpr.RCX, 0x5);
        td.raiseVe(new VeInfo(VeExitReason.CPUID, 0, 0, 0, 2, 0), cpu);
        Registers call = td.vmcalls(CPUID).getFirst();
        assertThat(call.r12()).isEqualTo(0x4000_0000L);
        assertThat(call.r13()).isEqualTo(5);
        assertThat(cpu.get(Gpr.RAX)).isEqualTo(0x4000_0001L);
        assertThat(cpu.get(Gpr.RBX)).isEqualTo(0x4B4D564BL);
    }

    @Test
    @DisplayName("CPUID 0x4FFFFFFF, the last leaf of the hypervisor range, still goes to the VMM")
    void cpuidHypervisorRangeLastLeaf() {
        td.vmm.put(CPUID, in -> in.withR10(0).with(Gpr.R12, 0x11).with(Gpr.R13, 0x22).with(Gpr.R14, 0x33)
                .with(Gpr.R15, 0x44));
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0x0F, 0xA2).with(Gpr.RAX, 0x4FFF_FFFFL);
        assertThat(td.raiseVe(new VeInfo(VeExitReason.CPUID, 0, 0, 0, 2, 0), cpu)).isEqualTo(VeOutcome.HANDLED);
        assertThat(td.vmcalls(CPUID)).extracting(Registers::r12).containsExactly(0x4FFF_FFFFL);
        assertThat(new long[] {cpu.get(Gpr.RAX), cpu.get(Gpr.RBX), cpu.get(Gpr.RCX), cpu.get(Gpr.RDX)})
                .containsExactly(0x11, 0x22, 0x33, 0x44);
    }

    @Test
    @DisplayName("A VMM error on CPUID or HLT is a fault with origin VMM: RIP and the registers stay as they were, "
            + "none of the VMM's output values reach them")
    void cpuidAndHaltVmmErrorsFault() {
        td.vmm.put(CPUID, in -> FakeTd.answer(in, TdvmcallStatus.INVALID_OPERAND, 0).with(Gpr.R12, 0xBAD)
                .with(Gpr.R13, 0xBAD).with(Gpr.R14, 0xBAD).with(Gpr.R15, 0xBAD));
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0x0F, 0xA2).with(Gpr.RAX, 0x4000_0000L).with(Gpr.RBX, 7)
                .with(Gpr.RCX, 8).with(Gpr.RDX, 9);
        assertThat(td.raiseVe(new VeInfo(VeExitReason.CPUID, 0, 0, 0, 2, 0), cpu)).isInstanceOfSatisfying(
                VeOutcome.Fault.class, f -> {
                    assertThat(f.failure().site()).isEqualTo("tdx.ve.cpuid.vmm-error");
                    assertThat(f.failure().origin()).isEqualTo(Origin.VMM);
                });
        assertThat(new long[] {cpu.get(Gpr.RAX), cpu.get(Gpr.RBX), cpu.get(Gpr.RCX), cpu.get(Gpr.RDX)})
                .containsExactly(0x4000_0000L, 7, 8, 9);
        assertThat(cpu.rip()).isEqualTo(0x1000);

        long hlt = TdvmcallSubFunction.INSTRUCTION_HLT.raw();
        td.vmm.put(hlt, in -> FakeTd.answer(in, TdvmcallStatus.INVALID_OPERAND, 0));
        FakeVcpu halted = new FakeVcpu().at(0x1000, 0xF4);
        assertThat(td.raiseVe(new VeInfo(VeExitReason.HLT, 0, 0, 0, 1, 0), halted)).isInstanceOfSatisfying(
                VeOutcome.Fault.class, f -> assertThat(f.failure().site()).isEqualTo("tdx.ve.hlt.vmm-error"));
        assertThat(halted.rip()).isEqualTo(0x1000);
    }

    @Test
    @DisplayName("CPUID is the one #VE handled in user mode; any other user #VE is a fault")
    void userMode() {
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0x0F, 0xA2).user(true).with(Gpr.RAX, 1);
        assertThat(td.raiseVe(new VeInfo(VeExitReason.CPUID, 0, 0, 0, 2, 0), cpu)).isEqualTo(VeOutcome.HANDLED);
        FakeVcpu io = new FakeVcpu().at(0x1000, 0xEC).user(true);
        assertThat(td.raiseVe(io(1, true, false, 0x3F8), io)).isInstanceOf(VeOutcome.Fault.class);
        FakeVcpu mmio = new FakeVcpu().at(0x1000, 0x8B, 0x07).user(true);
        assertThat(td.raiseVe(ept(shared | 0xFE000, 3), mmio)).isInstanceOfSatisfying(VeOutcome.Fault.class,
                f -> assertThat(f.failure().site()).isEqualTo("tdx.ve.mmio.user-mode"));
        assertThat(td.vmcalls(MMIO)).isEmpty();
    }

    @Test
    @DisplayName("MMIO read sends R15 = 0, never a guest register (2024 mmio_read leak fix)")
    void mmioReadSendsNothing() {
        td.vmm.put(MMIO, in -> FakeTd.answer(in, TdvmcallStatus.SUCCESS, 0x1122_3344_5566_7788L));
        // mov eax, [rdi]; RDI and RAX hold secrets.
        FakeVcpu cpu = new FakeVcpu().at(0x2000, 0x8B, 0x07).with(Gpr.RAX, 0x5EC2E7L).with(Gpr.RDI, 0x5EC2E7L)
                .with(Gpr.R15, 0x5EC2E7L);
        td.raiseVe(ept(shared | 0xFE000, 0), cpu);
        Registers call = td.vmcalls(MMIO).getFirst();
        assertThat(call.r12()).isEqualTo(4);
        assertThat(call.r13()).isZero();
        assertThat(call.r14()).isEqualTo(shared | 0xFE000);
        assertThat(call.r15()).isZero();
        assertThat(cpu.get(Gpr.RAX)).as("32-bit load zero-extends").isEqualTo(0x5566_7788L);
    }

    @Test
    @DisplayName("MMIO advances RIP by the decoded length, not the #VE instruction length (edk2 #9259)")
    void mmioRipAdvance() {
        td.vmm.put(MMIO, in -> FakeTd.answer(in, TdvmcallStatus.SUCCESS, 0));
        // mov dword [rax+0x10], 0x12345678: C7 40 10 78 56 34 12 = 7 bytes; #VE claims 2.
        FakeVcpu cpu = new FakeVcpu().at(0x3000, 0xC7, 0x40, 0x10, 0x78, 0x56, 0x34, 0x12);
        td.raiseVe(ept(shared | 0xFE010, 2), cpu);
        assertThat(cpu.rip()).isEqualTo(0x3007);
        assertThat(td.vmcalls(MMIO).getFirst().r15()).isEqualTo(0x12345678L);
    }

    @Test
    @DisplayName("An EPT violation on a private GPA is fatal; with SEPT_VE_DISABLE the TDX module is to blame")
    void privateGpaFatal() {
        FakeVcpu cpu = new FakeVcpu().at(0x2000, 0x8B, 0x07);
        assertThatThrownBy(() -> td.raiseVe(ept(0x5000, 0), cpu)).isInstanceOfSatisfying(TdxPolicyPanic.class,
                p -> {
                    assertThat(p.origin()).isEqualTo(Origin.TDX_MODULE);
                    assertThat(p.failure().site()).isEqualTo("tdx.ve.mmio.private-gpa");
                });
        assertThat(td.vmcalls(MMIO)).isEmpty();
        assertThat(trace.events().getFirst()).isInstanceOfSatisfying(TraceEvent.Ve.class,
                v -> assertThat(v.outcome()).startsWith("fatal"));
    }

    @Test
    @DisplayName("MMIO crossing a page boundary is a fault with no TDVMCALL (load_unaligned_zeropad recovery)")
    void mmioPageCross() {
        FakeVcpu cpu = new FakeVcpu().at(0x2000, 0x48, 0x8B, 0x07);
        VeOutcome o = td.raiseVe(ept(shared | 0xFEFFC, 0), cpu);
        assertThat(o).isInstanceOfSatisfying(VeOutcome.Fault.class,
                f -> assertThat(f.failure().site()).isEqualTo("tdx.ve.mmio.page-cross"));
        assertThat(td.vmcalls(MMIO)).isEmpty();
        assertThat(cpu.rip()).isEqualTo(0x2000);
    }

    @Test
    @DisplayName("MMIO ending exactly at the page end does not cross it: 8 bytes at offset 0xFF8 reach the VMM")
    void mmioUpToPageEnd() {
        td.vmm.put(MMIO, in -> FakeTd.answer(in, TdvmcallStatus.SUCCESS, 0x0123_4567_89AB_CDEFL));
        FakeVcpu cpu = new FakeVcpu().at(0x2000, 0x48, 0x8B, 0x07); // mov rax, [rdi]
        assertThat(td.raiseVe(ept(shared | 0xFEFF8, 0), cpu)).isEqualTo(VeOutcome.HANDLED);
        assertThat(td.vmcalls(MMIO)).extracting(Registers::r14).containsExactly(shared | 0xFEFF8);
        assertThat(cpu.get(Gpr.RAX)).isEqualTo(0x0123_4567_89AB_CDEFL);
        assertThat(cpu.rip()).isEqualTo(0x2003);
    }

    @Test
    @DisplayName("Undecodable bytes at RIP are a fault, origin GUEST_BUG")
    void mmioUndecodable() {
        FakeVcpu cpu = new FakeVcpu().at(0x2000, 0xA5); // MOVS
        VeOutcome o = td.raiseVe(ept(shared | 0xFE000, 1), cpu);
        assertThat(o).isInstanceOfSatisfying(VeOutcome.Fault.class, f -> {
            assertThat(f.failure().site()).isEqualTo("tdx.ve.mmio.decode");
            assertThat(f.failure().origin()).isEqualTo(Origin.GUEST_BUG);
        });
    }

    @Test
    @DisplayName("HLT: R12 = 1 (interrupts disabled); HLT with interrupts enabled is refused (Linux v6.15)")
    void halt() {
        long hlt = TdvmcallSubFunction.INSTRUCTION_HLT.raw();
        td.vmm.put(hlt, in -> in.withR10(0));
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0xF4);
        assertThat(td.raiseVe(new VeInfo(VeExitReason.HLT, 0, 0, 0, 1, 0), cpu)).isEqualTo(VeOutcome.HANDLED);
        assertThat(td.vmcalls(hlt).getFirst().r12()).isEqualTo(1);
        FakeVcpu irq = new FakeVcpu().at(0x1000, 0xF4).interruptsEnabled(true);
        assertThat(td.raiseVe(new VeInfo(VeExitReason.HLT, 0, 0, 0, 1, 0), irq)).isInstanceOf(VeOutcome.Fault.class);
        assertThat(td.vmcalls(hlt)).hasSize(1);
    }

    @Test
    @DisplayName("RDMSR splits R11 into EDX:EAX, each zero-extended; WRMSR sends EDX:EAX in R13")
    void msr() {
        td.vmm.put(TdvmcallSubFunction.INSTRUCTION_RDMSR.raw(),
                in -> FakeTd.answer(in, TdvmcallStatus.SUCCESS, 0xAABB_CCDD_1122_3344L));
        td.vmm.put(TdvmcallSubFunction.INSTRUCTION_WRMSR.raw(), in -> in.withR10(0));
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0x0F, 0x32).with(Gpr.RCX, 0xFFFF_FFFF_0000_001BL)
                .with(Gpr.RAX, -1L).with(Gpr.RDX, -1L);
        td.raiseVe(new VeInfo(VeExitReason.MSR_READ, 0, 0, 0, 2, 0), cpu);
        assertThat(td.vmcalls(TdvmcallSubFunction.INSTRUCTION_RDMSR.raw()).getFirst().r12()).isEqualTo(0x1B);
        assertThat(cpu.get(Gpr.RAX)).isEqualTo(0x1122_3344L);
        assertThat(cpu.get(Gpr.RDX)).isEqualTo(0xAABB_CCDDL);
        FakeVcpu w = new FakeVcpu().at(0x1000, 0x0F, 0x30).with(Gpr.RCX, 0x1B)
                .with(Gpr.RAX, 0xFFFF_FFFF_0000_0800L).with(Gpr.RDX, 0xFFFF_FFFF_0000_00FEL);
        td.raiseVe(new VeInfo(VeExitReason.MSR_WRITE, 0, 0, 0, 2, 0), w);
        assertThat(td.vmcalls(TdvmcallSubFunction.INSTRUCTION_WRMSR.raw()).getFirst().r13())
                .isEqualTo(0x0000_00FE_0000_0800L);
    }

    @Test
    @DisplayName("An exit reason the guest does not handle (WBINVD) is a fault, as the kernel's \"Unexpected #VE\"")
    void unexpected() {
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0x0F, 0x09);
        assertThat(td.raiseVe(new VeInfo(VeExitReason.WBINVD, 0, 0, 0, 2, 0), cpu))
                .isInstanceOfSatisfying(VeOutcome.Fault.class,
                        f -> assertThat(f.failure().site()).isEqualTo("tdx.ve.unexpected"));
    }

    @Test
    @DisplayName("An instruction length outside 1..15 from the module is a fault (TDX_MODULE) before any TDVMCALL")
    void badInstructionLength() {
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0xEE);
        VeOutcome o = td.raiseVe(new VeInfo(VeExitReason.IO_INSTRUCTION,
                IoExitQualification.of(1, false, false, false, false, 0x3F8).raw(), 0, 0, 0, 0), cpu);
        assertThat(o).isInstanceOfSatisfying(VeOutcome.Fault.class, f -> {
            assertThat(f.failure().site()).isEqualTo("tdx.ve.instruction-length");
            assertThat(f.failure().origin()).isEqualTo(Origin.TDX_MODULE);
        });
        assertThat(td.vmcalls(IO)).isEmpty();
        assertThat(cpu.rip()).isEqualTo(0x1000);
    }

    @ParameterizedTest
    @ValueSource(ints = {16, -1, Integer.MAX_VALUE})
    @DisplayName("An instruction length above MAX_INSN_SIZE (15) is a module fault too: RIP never jumps by it")
    void instructionLengthAboveFifteen(int length) {
        td.vmm.put(IO, in -> in.withR10(0));
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0xEE);
        VeOutcome o = td.raiseVe(new VeInfo(VeExitReason.IO_INSTRUCTION,
                IoExitQualification.of(1, false, false, false, false, 0x3F8).raw(), 0, 0, length, 0), cpu);
        assertThat(o).isInstanceOfSatisfying(VeOutcome.Fault.class,
                f -> assertThat(f.failure().site()).isEqualTo("tdx.ve.instruction-length"));
        assertThat(td.vmcalls(IO)).isEmpty();
        assertThat(cpu.rip()).isEqualTo(0x1000);
    }

    @Test
    @DisplayName("TDG.VP.VEINFO.GET failing is a TdxModuleFault (Linux panics: \"Buggy TDX module!\")")
    void veinfoFailureIsFatal() {
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0xF4);
        td.pendingVe = null;
        assertThatThrownBy(() -> td.veHandler.handle(cpu)).isInstanceOf(TdxModuleFault.class);
    }

    @Test
    @DisplayName("A GuestTraceListener gets the calls a #VE handler made as nested events, direct calls as top-level")
    void nestedEvents() {
        FakeTd t = new FakeTd();
        List<String> seen = new ArrayList<>();
        TdxGuest g = Boot.boot(t, Boot.config().withTrace(new GuestTraceListener() {
            @Override
            public void onEvent(TraceEvent event) {
                seen.add(event.kind() + " " + event.leaf());
            }

            @Override
            public void onNestedEvent(TraceEvent event) {
                seen.add("  " + event.kind() + " " + event.leaf());
            }
        }));
        t.vmm.put(IO, in -> FakeTd.answer(in, TdvmcallStatus.SUCCESS, 0x41));
        seen.clear();
        t.raiseVe(io(1, true, false, 0x3F8), new FakeVcpu().at(0x1000, 0xEC));
        g.portIo().inb(0x3F8);
        assertThat(seen).containsExactly("VE IO_INSTRUCTION", "  TDCALL TDG.VP.VEINFO.GET",
                "  TDVMCALL Instruction.IO", "TDVMCALL Instruction.IO");
    }

    @Test
    @DisplayName("Each #VE is traced before the calls made to handle it, with outcome and origin")
    void traceOrder() {
        td.vmm.put(IO, in -> FakeTd.answer(in, TdvmcallStatus.SUCCESS, 0x41));
        td.raiseVe(io(1, true, false, 0x3F8), new FakeVcpu().at(0x1000, 0xEC));
        List<TraceEvent> ev = trace.events();
        assertThat(ev).extracting(TraceEvent::kind).containsExactly(TraceEvent.Kind.VE, TraceEvent.Kind.TDCALL,
                TraceEvent.Kind.TDVMCALL);
        assertThat(ev.get(0).leaf()).isEqualTo("IO_INSTRUCTION");
        assertThat(ev.get(0).origin()).isNull();
        assertThat(ev.get(1).leaf()).isEqualTo("TDG.VP.VEINFO.GET");
    }
}
