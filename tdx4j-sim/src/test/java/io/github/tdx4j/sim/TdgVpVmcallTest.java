package io.github.tdx4j.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.GprSelect;
import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.call.trace.TracingTransport;
import io.github.tdx4j.sim.vmm.Vmm;
import io.github.tdx4j.sim.vmm.VmcallExit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TdgVpVmcallTest {
    /** A VMM that records what it saw and writes 0x5A.. into every register. */
    static final class RecordingVmm implements Vmm {
        final List<long[]> seen = new ArrayList<>();

        @Override
        public void tdvmcall(VmcallExit exit) {
            long[] regs = new long[16];
            for (int i = 0; i < 16; i++) {
                regs[i] = exit.get(i);
                exit.set(Gpr.ofNumber(i), 0x5A00 + i);
            }
            seen.add(regs);
        }

        @Override
        public boolean onPrivateEptViolation(long gpa, PageLevel acceptLevel) {
            return false;
        }
    }

    private static final Registers ALL_SET = new Registers(0, 0, 0x2, 0x3, 0x6, 0x7, 0x8, 0x9, 0xA, 0xB, 0xC, 0xD,
            0xE, 0xF);

    @ParameterizedTest(name = "RCX bit {0}")
    @ValueSource(ints = {0, 1, 4, 32, 40, 63})
    @DisplayName("TDG.VP.VMCALL rejects RCX bits 0, 1, 4 and 63:32 with 0xC000010000000001 without exiting to the VMM")
    void rejectsIllegalMask(int bit) {
        RecordingVmm vmm = new RecordingVmm();
        SimulatedTd td = SimulatedTd.boot(TdConfig.production(), SimSettings.strict(), h -> vmm);
        Registers out = td.transport().tdcall(ALL_SET.withRcx(0xFFCCL | (1L << bit)));
        assertThat(out.rax()).isEqualTo(0xC000_0100_0000_0001L);
        assertThat(vmm.seen).isEmpty();
        assertThat(out.r10()).as("registers unchanged").isEqualTo(0xA);
        assertThat(td.counters().violations("module.vmcall.rcx-invalid")).isEqualTo(1);
    }

    @Test
    @DisplayName("TDG.VP.VMCALL rejects RCX bit 4 with 0xC000010000000001")
    void rejectsRsp() {
        SimulatedTd td = SimulatedTd.boot();
        assertThat(td.transport().tdcall(ALL_SET.withRcx(Gpr.RSP.bit() | Gpr.R10.bit())).rax())
                .isEqualTo(0xC000_0100_0000_0001L);
    }

    @Test
    @DisplayName("TDG.VP.VMCALL rejects RCX bit 5 (RBP) when CONFIG_FLAGS.NO_RBP_MOD, and accepts it otherwise")
    void rbpDependsOnNoRbpMod() {
        SimulatedTd strict = SimulatedTd.boot();
        assertThat(strict.transport().tdcall(ALL_SET.withRcx(0xFFCCL | Gpr.RBP.bit())).rax())
                .isEqualTo(0xC000_0100_0000_0001L);
        SimulatedTd relaxed = SimulatedTd.boot(TdConfig.builder().noRbpMod(false).build());
        assertThat(relaxed.transport().tdcall(ALL_SET.withRcx(0xFFCCL | Gpr.RBP.bit())).rax()).isZero();
    }

    @Test
    @DisplayName("TDG.VP.VMCALL copies the selected registers to the VMM and zeroes the others")
    void vmmSeesOnlySelected() {
        RecordingVmm vmm = new RecordingVmm();
        SimulatedTd td = SimulatedTd.boot(TdConfig.production(), SimSettings.strict(), h -> vmm);
        long select = Gpr.R10.bit() | Gpr.R11.bit() | Gpr.R12.bit();
        td.transport().tdcall(ALL_SET.withRcx(select));
        long[] seen = vmm.seen.getFirst();
        assertThat(seen[0]).as("RAX: exit reason TDCALL").isEqualTo(77);
        assertThat(seen[1]).as("RCX: the exposure mask").isEqualTo(select);
        assertThat(seen[10]).isEqualTo(0xA);
        assertThat(seen[11]).isEqualTo(0xB);
        assertThat(seen[12]).isEqualTo(0xC);
        for (int i : new int[] {2, 3, 6, 7, 8, 9, 13, 14, 15}) {
            assertThat(seen[i]).as("unselected " + Gpr.ofNumber(i)).isZero();
        }
    }

    @Test
    @DisplayName("On return TDG.VP.VMCALL forces RAX = 0, restores RCX and lets the VMM change only exposed registers")
    void returnFilter() {
        RecordingVmm vmm = new RecordingVmm();
        SimulatedTd td = SimulatedTd.boot(TdConfig.production(), SimSettings.strict(), h -> vmm);
        long select = Gpr.R10.bit() | Gpr.R11.bit() | Gpr.RBX.bit();
        Registers out = td.transport().tdcall(ALL_SET.withRcx(select));
        assertThat(out.rax()).isZero();
        assertThat(out.rcx()).isEqualTo(select);
        assertThat(out.r10()).isEqualTo(0x5A0A);
        assertThat(out.r11()).isEqualTo(0x5A0B);
        assertThat(out.rbx()).isEqualTo(0x5A03);
        assertThat(out.r12()).as("not exposed: the guest's value").isEqualTo(0xC);
        assertThat(out.rdx()).isEqualTo(0x2);
        assertThat(out.r15()).isEqualTo(0xF);
    }

    @Test
    @DisplayName("The tracing decorator sees every TDVMCALL exit through the simulated module")
    void tracing() {
        SimulatedTd td = SimulatedTd.boot();
        List<TraceEvent> events = new ArrayList<>();
        TracingTransport t = new TracingTransport(td.transport(), events::add);
        Registers out = t.tdcall(new Registers(0, GprSelect.TDVMCALL_EXPOSE_REGS_MASK.raw(), 0, 0, 0, 0, 0, 0, 0,
                TdvmcallSubFunction.INSTRUCTION_CPUID.raw(), 0x4000_0000L, 0, 0, 0));
        assertThat(out.r10()).isZero();
        assertThat(events).hasSize(1);
        assertThat(events.getFirst()).isInstanceOf(TraceEvent.Tdvmcall.class);
        assertThat(td.counters().tdvmcalls(TdvmcallSubFunction.INSTRUCTION_CPUID)).isEqualTo(1);
    }
}
