package io.github.tdx4j.guest.ve;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.IoExitQualification;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.VeExitReason;
import io.github.tdx4j.abi.VeInfo;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Sensitivity;
import io.github.tdx4j.call.platform.VeOutcome;
import io.github.tdx4j.call.trace.CallTrace;
import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import io.github.tdx4j.guest.fake.FakeVcpu;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The #VE handler when the VMM fails the emulation it was asked for (RDMSR, WRMSR, port OUT, MMIO read and write):
 * each is a fault with origin VMM and its own site, RIP stays on the instruction, no register takes a value from the
 * failed answer, and the failure is counted once.
 */
class VeVmmFailureTest {
    private static final long RDMSR = TdvmcallSubFunction.INSTRUCTION_RDMSR.raw();
    private static final long WRMSR = TdvmcallSubFunction.INSTRUCTION_WRMSR.raw();
    private static final long IO = TdvmcallSubFunction.INSTRUCTION_IO.raw();
    private static final long MMIO = TdvmcallSubFunction.VE_REQUEST_MMIO.raw();
    /** What a hostile VMM puts in R11 with its error. */
    private static final long POISON = 0xBADB_AD00_BADB_AD00L;

    private final FakeTd td = new FakeTd();
    private final CallTrace trace = new CallTrace(100);
    private final TdxGuest guest = Boot.boot(td, Boot.config().withTrace(trace));

    private void vmmFails(long subFunction) {
        td.vmm.put(subFunction, in -> FakeTd.answer(in, TdvmcallStatus.INVALID_OPERAND, POISON));
    }

    private void assertVmmFault(VeOutcome outcome, String site) {
        assertThat(outcome).isInstanceOfSatisfying(VeOutcome.Fault.class, f -> {
            assertThat(f.failure().site()).isEqualTo(site);
            assertThat(f.failure().origin()).isEqualTo(Origin.VMM);
            assertThat(f.failure().sensitivity()).isEqualTo(Sensitivity.ORDINARY);
            assertThat(f.failure().detail()).contains("INVALID_OPERAND");
        });
        assertThat(guest.failures().count(Origin.VMM)).isEqualTo(1);
        TraceEvent ve = trace.events().stream().filter(e -> e.kind() == TraceEvent.Kind.VE).findFirst().orElseThrow();
        assertThat(ve).isInstanceOfSatisfying(TraceEvent.Ve.class, v -> {
            assertThat(v.outcome()).isEqualTo("fault: " + site);
            assertThat(v.origin()).isEqualTo(Origin.VMM);
        });
    }

    @Test
    @DisplayName("RDMSR the VMM fails: fault tdx.ve.rdmsr.vmm-error, RAX and RDX untouched, RIP unchanged")
    void rdmsrFailure() {
        vmmFails(RDMSR);
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0x0F, 0x32).with(Gpr.RCX, 0x1B).with(Gpr.RAX, 0x1111)
                .with(Gpr.RDX, 0x2222);
        long[] before = cpu.snapshot();
        VeOutcome o = td.raiseVe(new VeInfo(VeExitReason.MSR_READ, 0, 0, 0, 2, 0), cpu);
        assertVmmFault(o, "tdx.ve.rdmsr.vmm-error");
        assertThat(cpu.snapshot()).isEqualTo(before);
        assertThat(cpu.rip()).isEqualTo(0x1000);
        assertThat(td.vmcalls(RDMSR)).hasSize(1);
    }

    @Test
    @DisplayName("WRMSR the VMM fails: fault tdx.ve.wrmsr.vmm-error, RIP unchanged")
    void wrmsrFailure() {
        vmmFails(WRMSR);
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0x0F, 0x30).with(Gpr.RCX, 0x1B);
        long[] before = cpu.snapshot();
        assertVmmFault(td.raiseVe(new VeInfo(VeExitReason.MSR_WRITE, 0, 0, 0, 2, 0), cpu), "tdx.ve.wrmsr.vmm-error");
        assertThat(cpu.snapshot()).isEqualTo(before);
        assertThat(cpu.rip()).isEqualTo(0x1000);
    }

    @Test
    @DisplayName("Port OUT the VMM fails: fault tdx.ve.io.vmm-error, RAX untouched, RIP unchanged")
    void portOutFailure() {
        vmmFails(IO);
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0xEE).with(Gpr.RAX, 0x41);
        long[] before = cpu.snapshot();
        VeOutcome o = td.raiseVe(new VeInfo(VeExitReason.IO_INSTRUCTION,
                IoExitQualification.of(1, false, false, false, false, 0x3F8).raw(), 0, 0, 1, 0), cpu);
        assertVmmFault(o, "tdx.ve.io.vmm-error");
        assertThat(cpu.snapshot()).isEqualTo(before);
        assertThat(cpu.rip()).isEqualTo(0x1000);
        assertThat(td.vmcalls(IO).getFirst().r15()).isEqualTo(0x41);
    }

    @Test
    @DisplayName("MMIO read the VMM fails: fault tdx.ve.mmio.vmm-error, the destination register keeps its value")
    void mmioReadFailure() {
        vmmFails(MMIO);
        long shared = td.sharedMask();
        FakeVcpu cpu = new FakeVcpu().at(0x2000, 0x8B, 0x07).with(Gpr.RAX, 0x5555); // mov eax, [rdi]
        long[] before = cpu.snapshot();
        VeOutcome o = td.raiseVe(new VeInfo(VeExitReason.EPT_VIOLATION, 0, 0, shared | 0xFE000, 0, 0), cpu);
        assertVmmFault(o, "tdx.ve.mmio.vmm-error");
        assertThat(cpu.snapshot()).isEqualTo(before);
        assertThat(cpu.rip()).isEqualTo(0x2000);
        assertThat(td.vmcalls(MMIO).getFirst().r13()).as("a read").isZero();
    }

    @Test
    @DisplayName("MMIO write the VMM fails: fault tdx.ve.mmio.vmm-error, RIP unchanged")
    void mmioWriteFailure() {
        vmmFails(MMIO);
        long shared = td.sharedMask();
        FakeVcpu cpu = new FakeVcpu().at(0x2000, 0x89, 0x07).with(Gpr.RAX, 0x5555); // mov [rdi], eax
        long[] before = cpu.snapshot();
        VeOutcome o = td.raiseVe(new VeInfo(VeExitReason.EPT_VIOLATION, 0, 0, shared | 0xFE000, 0, 0), cpu);
        assertVmmFault(o, "tdx.ve.mmio.vmm-error");
        assertThat(cpu.snapshot()).isEqualTo(before);
        assertThat(cpu.rip()).isEqualTo(0x2000);
        assertThat(td.vmcalls(MMIO).getFirst().r13()).as("a write").isEqualTo(1);
        assertThat(td.vmcalls(MMIO).getFirst().r15()).isEqualTo(0x5555);
    }

    @Test
    @DisplayName("A handled #VE is traced as 'handled, RIP +length' with no origin")
    void handledIsTracedWithLength() {
        td.vmm.put(WRMSR, in -> in.withR10(0));
        FakeVcpu cpu = new FakeVcpu().at(0x1000, 0x0F, 0x30).with(Gpr.RCX, 0x1B);
        assertThat(td.raiseVe(new VeInfo(VeExitReason.MSR_WRITE, 0, 0, 0, 2, 0), cpu)).isEqualTo(VeOutcome.HANDLED);
        TraceEvent ve = trace.events().stream().filter(e -> e.kind() == TraceEvent.Kind.VE).findFirst().orElseThrow();
        assertThat(ve).isInstanceOfSatisfying(TraceEvent.Ve.class, v -> {
            assertThat(v.outcome()).isEqualTo("handled, RIP +2");
            assertThat(v.origin()).isNull();
        });
        assertThat(guest.failures().count(Origin.VMM)).isZero();
    }
}
