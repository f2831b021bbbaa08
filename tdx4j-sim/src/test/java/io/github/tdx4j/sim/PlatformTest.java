package io.github.tdx4j.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.abi.VeExitReason;
import io.github.tdx4j.attest.format.Measurement;
import io.github.tdx4j.call.ModuleCallResult;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.VmcallRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PlatformTest {
    @Test
    @DisplayName("Simulated time advances only in sleep, running scheduled host work in time order")
    void sleepRunsEventsInOrder() throws InterruptedException {
        SimulatedTd td = SimulatedTd.boot();
        List<String> log = new ArrayList<>();
        td.host().schedule(30, () -> log.add("b@" + td.host().nanoTime()));
        td.host().schedule(10, () -> log.add("a@" + td.host().nanoTime()));
        assertThat(td.clock().nanoTime()).isZero();
        td.sleep(20);
        assertThat(log).containsExactly("a@10");
        assertThat(td.clock().nanoTime()).isEqualTo(20);
        td.sleep(100);
        assertThat(log).containsExactly("a@10", "b@30");
        assertThat(td.clock().nanoTime()).isEqualTo(120);
    }

    @Test
    @DisplayName("sleep delivers pending interrupts to the registered handler, highest vector first")
    void sleepDeliversInterrupts() throws InterruptedException {
        SimulatedTd td = SimulatedTd.boot();
        List<Integer> got = new ArrayList<>();
        td.setInterruptHandler(got::add);
        td.host().injectInterrupt(0, 0x30);
        td.host().injectInterrupt(0, 0xF0);
        td.sleep(0);
        assertThat(got).containsExactly(0xF0, 0x30);
    }

    @Test
    @DisplayName("sleep rejects a negative time and honours thread interruption")
    void sleepArguments() {
        SimulatedTd td = SimulatedTd.boot();
        assertThatThrownBy(() -> td.sleep(-1)).isInstanceOf(IllegalArgumentException.class);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> td.sleep(1)).isInstanceOf(InterruptedException.class);
    }

    @Test
    @DisplayName("TDG.VP.VEINFO.GET returns a #VE's information once; the second call is TDX_NO_VALID_VE_INFO")
    void veInfoOnce() {
        SimulatedTd td = SimulatedTd.boot();
        TdxCalls calls = new TdxCalls(td.transport());
        List<ModuleCallResult> results = new ArrayList<>();
        td.setVeHandler(ctx -> {
            results.add(calls.tdcall(TdcallLeaf.TDG_VP_VEINFO_GET, 0, 0, 0, 0, 0, 0));
            results.add(calls.tdcall(TdcallLeaf.TDG_VP_VEINFO_GET, 0, 0, 0, 0, 0, 0));
            ctx.setRip(ctx.rip() + 1);
            return io.github.tdx4j.call.platform.VeOutcome.HANDLED;
        });
        td.vcpu().execute(0x20_0000, new byte[] {(byte) 0xF4});
        assertThat(results.get(0).status().isSuccess()).isTrue();
        assertThat(results.get(0).rcx()).isEqualTo(VeExitReason.HLT.raw());
        assertThat(results.get(0).r10()).isEqualTo(1);
        assertThat(results.get(1).status().raw()).isEqualTo(0xC000_0704_0000_0000L);
    }

    @Test
    @DisplayName("TDG.VP.CPUIDVE.SET makes every supervisor CPUID raise #VE; reserved bits are OPERAND_INVALID(RCX)")
    void cpuidVeSet() {
        SimulatedTd td = SimulatedTd.boot();
        TestVeHandler handler = new TestVeHandler(td);
        td.setVeHandler(handler);
        assertThat(Tdx.status(td, TdcallLeaf.TDG_VP_CPUIDVE_SET, 4, 0, 0, 0)).isEqualTo(0xC000_0100_0000_0001L);
        assertThat(Tdx.status(td, TdcallLeaf.TDG_VP_CPUIDVE_SET, 1, 0, 0, 0)).isZero();
        td.vcpu().set(Gpr.RAX, 0);
        td.vcpu().execute(0x20_0000, new byte[] {0x0F, (byte) 0xA2});
        assertThat(handler.seen.getLast().exitReason()).isEqualTo(VeExitReason.CPUID);
    }

    @Test
    @DisplayName("ReportFatalError with error code bit 63 reports R13 as the GPA")
    void fatalErrorGpa() {
        SimulatedTd td = SimulatedTd.boot();
        assertThatThrownBy(() -> new TdxCalls(td.transport()).tdvmcall(VmcallRequest.standard(
                TdvmcallSubFunction.REPORT_FATAL_ERROR, 1L << 63, 0x1234_5000L, 0, 0))).isInstanceOf(TdStopped.class);
        assertThat(td.stopReason().gpa()).hasValue(0x1234_5000L);
        assertThat(td.stopReason().message()).isEmpty();
    }

    @Test
    @DisplayName("Counters separate TDVMCALLs by sub-function and by exact R10 status")
    void tdvmcallCounters() {
        SimulatedTd td = SimulatedTd.boot();
        Tdx.vmcall(td, TdvmcallSubFunction.INSTRUCTION_IO, 3, 1, 0x80, 0);
        Tdx.vmcall(td, TdvmcallSubFunction.INSTRUCTION_IO, 1, 1, 0x80, 0);
        assertThat(td.counters().tdvmcalls(TdvmcallSubFunction.INSTRUCTION_IO)).isEqualTo(2);
        assertThat(td.counters().tdvmcalls(TdvmcallSubFunction.INSTRUCTION_IO, TdvmcallStatus.INVALID_OPERAND))
                .isEqualTo(1);
        assertThat(td.counters().tdvmcalls(TdvmcallSubFunction.INSTRUCTION_IO, TdvmcallStatus.SUCCESS)).isEqualTo(1);
        assertThat(td.counters().tdcalls(TdcallLeaf.TDG_VP_VMCALL, TdxStatus.SUCCESS)).isEqualTo(2);
        assertThat(td.counters().violations()).containsEntry("vmm.io.operand", 1L);
    }

    @Test
    @DisplayName("SERVTD_HASH and TEE_TCB_INFO.VALID of a simulated TDREPORT sit where a real TDX 1.5 report has them")
    void reportAgainstRealTdx15Report() {
        byte[] real = TestData.read("guest-components/tdx_report_1.bin");
        byte[] hash = new byte[48];
        Arrays.fill(hash, (byte) 0x5A);
        SimulatedTd td = SimulatedTd.boot(TdConfig.builder().servTdHash(Measurement.of(hash)).build());
        td.memory().write(0x10_0400, new byte[64]);
        assertThat(Tdx.status(td, TdcallLeaf.TDG_MR_REPORT, 0x10_0000, 0x10_0400, 0, 0)).isZero();
        byte[] ours = td.memory().read(0x10_0000, TdReportLayout.SIZE);
        assertThat(Arrays.copyOfRange(ours, 0, 4)).isEqualTo(Arrays.copyOfRange(real, 0, 4));
        assertThat(Arrays.copyOfRange(ours, 256, 264)).isEqualTo(Arrays.copyOfRange(real, 256, 264));
        assertThat(Arrays.copyOfRange(ours, 912, 960)).isEqualTo(hash);
        assertThat(real).hasSameSizeAs(ours);
    }

    @Test
    @DisplayName("TdConfig and SimSettings reject values outside their documented ranges")
    void ranges() {
        assertThatThrownBy(() -> TdConfig.builder().gpaw(50).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TdConfig.builder().memoryBytes(3 << 20).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TdConfig.builder().vcpus(2).maxVcpus(1).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TdConfig.builder().mrTd(Measurement.of(new byte[47])).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimSettings.builder().quoteVersion(3).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimSettings.builder().hostPrivateMappingLevel(PageLevel.SIZE_1G).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimSettings.builder().quoteLatencyNanos(31_000_000_000L).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
