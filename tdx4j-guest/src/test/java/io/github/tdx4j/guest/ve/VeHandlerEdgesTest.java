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
import io.github.tdx4j.call.platform.VcpuContext;
import io.github.tdx4j.call.platform.VeOutcome;
import io.github.tdx4j.call.trace.CallTrace;
import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import io.github.tdx4j.guest.fake.FakeVcpu;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** #VE handler and MMIO-decoder edges found by mutation testing (issue 18): each a behaviour no test held. */
class VeHandlerEdgesTest {
    private static final long IO = TdvmcallSubFunction.INSTRUCTION_IO.raw();
    private static final long WRMSR = TdvmcallSubFunction.INSTRUCTION_WRMSR.raw();

    private final FakeTd td = new FakeTd();
    private final CallTrace trace = new CallTrace(100);

    {
        Boot.boot(td, Boot.config().withTrace(trace));
        trace.clear();
    }

    private TraceEvent.Ve veEvent() {
        return (TraceEvent.Ve) trace.events().stream().filter(e -> e.kind() == TraceEvent.Kind.VE).findFirst()
                .orElseThrow();
    }

    @Test
    @DisplayName("An instruction length of exactly 15 (MAX_INSN_SIZE) is valid: the OUT is sent and RIP advances by 15")
    void instructionLengthFifteenIsValid() {
        td.vmm.put(IO, in -> in.withR10(0));
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0xEE);
        VeOutcome o = td.raiseVe(new VeInfo(VeExitReason.IO_INSTRUCTION,
                IoExitQualification.of(1, false, false, false, false, 0x3F8).raw(), 0, 0, 15, 0), cpu);
        assertThat(o).isEqualTo(VeOutcome.HANDLED);
        assertThat(cpu.rip()).isEqualTo(0x1000 + 15);
        assertThat(td.vmcalls(IO)).hasSize(1);
    }

    @Test
    @DisplayName("An I/O exit qualification with a 3-byte size is a module fault (tdx.ve.io.size) with no TDVMCALL")
    void ioSizeThreeIsAModuleFault() {
        long qualification = 2 | (0x3F8L << 16); // bits 2:0 = size - 1 = 2: three bytes, not architectural
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0xEE);
        VeOutcome o = td.raiseVe(new VeInfo(VeExitReason.IO_INSTRUCTION, qualification, 0, 0, 1, 0), cpu);
        assertThat(o).isInstanceOfSatisfying(VeOutcome.Fault.class, f -> {
            assertThat(f.failure().site()).isEqualTo("tdx.ve.io.size");
            assertThat(f.failure().origin()).isEqualTo(Origin.TDX_MODULE);
        });
        assertThat(td.vmcalls(IO)).isEmpty();
        assertThat(cpu.rip()).isEqualTo(0x1000);
    }

    @Test
    @DisplayName("WRMSR sends only ECX in R12: the upper half of RCX never reaches the VMM")
    void wrmsrSendsEcxOnly() {
        td.vmm.put(WRMSR, in -> in.withR10(0));
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0x0F, 0x30).with(Gpr.RCX, 0xFFFF_FFFF_0000_001BL);
        td.raiseVe(new VeInfo(VeExitReason.MSR_WRITE, 0, 0, 0, 2, 0), cpu);
        assertThat(td.vmcalls(WRMSR).getFirst().r12()).isEqualTo(0x1B);
    }

    @Test
    @DisplayName("A #VE whose handling throws (here the vCPU's instruction fetch) is traced as 'aborted' and rethrown")
    void abortedHandlingIsTracedAndRethrown() {
        FakeVcpu cpu = new FakeVcpu().at(0x2000);
        VcpuContext broken = new VcpuContext() {
            @Override
            public long get(Gpr gpr) {
                return cpu.get(gpr);
            }

            @Override
            public void set(Gpr gpr, long value) {
                cpu.set(gpr, value);
            }

            @Override
            public long rip() {
                return cpu.rip();
            }

            @Override
            public void setRip(long rip) {
                cpu.setRip(rip);
            }

            @Override
            public boolean userMode() {
                return false;
            }

            @Override
            public boolean interruptsEnabled() {
                return false;
            }

            @Override
            public int fetch(long address, byte[] dst) {
                throw new IllegalStateException("instruction fetch failed");
            }
        };
        td.pendingVe = new VeInfo(VeExitReason.EPT_VIOLATION, 0, 0, td.sharedMask() | 0xFE000, 0, 0);
        assertThatThrownBy(() -> td.veHandler.handle(broken)).isInstanceOf(IllegalStateException.class);
        assertThat(veEvent().outcome()).isEqualTo("aborted: IllegalStateException");
        assertThat(veEvent().origin()).isNull();
        assertThat(veEvent().exitReason()).isEqualTo(VeExitReason.EPT_VIOLATION);
    }

    @Test
    @DisplayName("A two-byte opcode that is not MOVZX/MOVSX (0F 05, SYSCALL) is refused by name")
    void twoByteOpcodeOtherThanMovzxMovsx() {
        byte[] b = {0x0F, 0x05, 0x07};
        assertThat(MmioDecoder.decode(b, b.length)).isInstanceOfSatisfying(MmioDecoder.Undecodable.class,
                u -> assertThat(u.reason()).isEqualTo("opcode 0F 05 is not an MMIO move (bytes 0f0507)"));
    }

    @Test
    @DisplayName("MmioInstruction lengths 1 and 15 are valid; 0 and 16 are refused")
    void mmioInstructionLengthBounds() {
        for (int ok : new int[] {1, 15}) {
            assertThat(new MmioInstruction(MmioInstruction.Kind.READ, OperandSize.DWORD, OperandSize.DWORD, Gpr.RAX,
                    false, 0, ok).length()).isEqualTo(ok);
        }
        for (int bad : new int[] {0, 16}) {
            assertThatThrownBy(() -> new MmioInstruction(MmioInstruction.Kind.READ, OperandSize.DWORD,
                    OperandSize.DWORD, Gpr.RAX, false, 0, bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
