package io.github.tdx4j.call.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.abi.VeExitReason;
import io.github.tdx4j.call.GuestBugException;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.VmcallRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecoratorsTest {
    /** A module that answers every call with the status chosen by the test (and R10 for TDVMCALLs). */
    private static TdxTransport answering(long rax, long r10) {
        return in -> in.withRax(rax).withR10(r10);
    }

    private static Registers call(TdcallLeaf leaf) {
        return Registers.ZERO.withRax(leaf.rax());
    }

    @Test
    @DisplayName("Checking: RAX[63:24] reserved bits are a guest bug, rejected before the module sees the call")
    void reservedRaxBits() {
        int[] seen = {0};
        CheckingTransport t = new CheckingTransport(in -> {
            seen[0]++;
            return in;
        });
        assertThatThrownBy(() -> t.tdcall(Registers.ZERO.withRax(1L | (1L << 40))))
                .isInstanceOfSatisfying(GuestBugException.class, e -> {
                    assertThat(e.origin()).isEqualTo(Origin.GUEST_BUG);
                    assertThat(e.failure().site()).isEqualTo("tdx.check.rax-reserved");
                });
        assertThat(seen[0]).isZero();
        assertThat(t.rejected()).isEqualTo(1);
    }

    @Test
    @DisplayName("Checking: TDG.VP.VMCALL RCX bits 0, 1, 4 and 63:32 are rejected; 0xFFCC passes")
    void vmcallMask() {
        CheckingTransport t = new CheckingTransport(answering(0, 0));
        for (long bad : new long[] {0xFFCC | 1, 0xFFCC | 2, 0xFFCC | 0x10, 0xFFCCL | (1L << 40)}) {
            assertThatThrownBy(() -> t.tdcall(Registers.ZERO.withRcx(bad)))
                    .isInstanceOf(GuestBugException.class).hasMessageContaining("RCX");
        }
        assertThat(t.tdcall(Registers.ZERO.withRcx(0xFFCC)).rax()).isZero();
    }

    @Test
    @DisplayName("Checking: a register the leaf does not take must be zero (TDG.VP.INFO takes none)")
    void unusedRegisters() {
        CheckingTransport t = new CheckingTransport(answering(0, 0));
        assertThatThrownBy(() -> t.tdcall(call(TdcallLeaf.TDG_VP_INFO).withRdx(5)))
                .isInstanceOf(GuestBugException.class).hasMessageContaining("TDG.VP.INFO does not take RDX");
        assertThatThrownBy(() -> t.tdcall(call(TdcallLeaf.TDG_MR_REPORT).withR9(1)))
                .isInstanceOf(GuestBugException.class).hasMessageContaining("R9");
        t.tdcall(call(TdcallLeaf.TDG_MR_REPORT).withRcx(0x1000).withRdx(0x2000));
        assertThat(CheckingTransport.inputsOf(TdcallLeaf.TDG_VP_VMCALL)).isNull();
    }

    @Test
    @DisplayName("Checking: unknown leaves and versions above 0 (except TDG.VM.RD) are guest bugs")
    void leafAndVersion() {
        CheckingTransport t = new CheckingTransport(answering(0, 0));
        assertThatThrownBy(() -> t.tdcall(Registers.ZERO.withRax(0x99))).isInstanceOf(GuestBugException.class);
        assertThatThrownBy(() -> t.tdcall(Registers.ZERO.withRax(0x10001))).isInstanceOf(GuestBugException.class);
        t.tdcall(Registers.ZERO.withRax(0x10007));
    }

    @Test
    @DisplayName("Tracing: every call is recorded with decoded status and origin (TDCALL, TDVMCALL)")
    void tracing() {
        CallTrace trace = new CallTrace(100);
        TdxCalls calls = new TdxCalls(new TracingTransport(in -> {
            if (in.rax() == TdcallLeaf.TDG_MR_REPORT.rax()) {
                return in.withRax(TdxStatus.OPERAND_INVALID.withDetails(1).raw());
            }
            if (in.rax() == TdcallLeaf.TDG_MEM_PAGE_ACCEPT.rax()) {
                return in.withRax(TdxStatus.OPERAND_BUSY.raw());
            }
            return in.withRax(0).withR10(in.r11() == 30 ? TdvmcallStatus.INVALID_OPERAND.raw() : 0);
        }, trace));
        calls.tdcall(TdcallLeaf.TDG_MR_REPORT, 0x1001, 0, 0, 0, 0, 0);
        calls.tdcall(TdcallLeaf.TDG_MEM_PAGE_ACCEPT, 0x1000, 0, 0, 0, 0, 0);
        calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_IO, 1, 1, 0x3F8, 0x41));
        calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_HLT, 0, 0, 0, 0));
        List<TraceEvent> ev = trace.events();
        assertThat(ev).hasSize(4);
        assertThat(ev.get(0).kind()).isEqualTo(TraceEvent.Kind.TDCALL);
        assertThat(ev.get(0).leaf()).isEqualTo("TDG.MR.REPORT");
        assertThat(ev.get(0).status()).startsWith("TDX_OPERAND_INVALID(RCX)");
        assertThat(ev.get(0).origin()).isEqualTo(Origin.GUEST_BUG);
        assertThat(ev.get(1).origin()).isEqualTo(Origin.TDX_MODULE);
        assertThat(ev.get(2).kind()).isEqualTo(TraceEvent.Kind.TDVMCALL);
        assertThat(ev.get(2).leaf()).isEqualTo("Instruction.IO");
        assertThat(ev.get(2).status()).isEqualTo("TDVMCALL_STATUS_INVALID_OPERAND");
        assertThat(ev.get(2).origin()).isEqualTo(Origin.VMM);
        assertThat(ev.get(3).origin()).isNull();
        assertThat(ev.get(3).describe()).contains("Instruction.HLT").contains("TDVMCALL_STATUS_SUCCESS");
    }

    @Test
    @DisplayName("Tracing: RAX != 0 on TDG.VP.VMCALL is traced with origin TDX_MODULE")
    void tracingModuleFault() {
        CallTrace trace = new CallTrace(10);
        TracingTransport t = new TracingTransport(answering(TdxStatus.OPERAND_INVALID.withDetails(1).raw(), 0), trace);
        t.tdcall(Registers.ZERO.withRcx(0xFFCC).withR11(30));
        assertThat(trace.events().getFirst().origin()).isEqualTo(Origin.TDX_MODULE);
    }

    @Test
    @DisplayName("CallTrace keeps its capacity and counts what it drops")
    void boundedTrace() {
        CallTrace trace = new CallTrace(2);
        for (int i = 0; i < 5; i++) {
            trace.onEvent(new TraceEvent.Ve(VeExitReason.HLT, 0x1000, "handled", null));
        }
        assertThat(trace.events()).hasSize(2);
        assertThat(trace.dropped()).isEqualTo(3);
    }

    @Test
    @DisplayName("Tracing emits one io.github.tdx4j.Tdcall JFR event per call")
    void jfrEvents(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("calls.jfr");
        try (Recording r = new Recording()) {
            r.enable("io.github.tdx4j.Tdcall");
            r.start();
            TdxCalls calls = new TdxCalls(new TracingTransport(answering(0, 0), TraceListener.NONE));
            calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_HLT, 0, 0, 0, 0));
            calls.tdcall(TdcallLeaf.TDG_VP_INFO, 0, 0, 0, 0, 0, 0);
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("io.github.tdx4j.Tdcall")).toList();
        assertThat(events).hasSize(2);
        assertThat(events.get(0).getString("kind")).isEqualTo("TDVMCALL");
        assertThat(events.get(0).getString("leaf")).isEqualTo("Instruction.HLT");
        assertThat(events.get(1).getString("leaf")).isEqualTo("TDG.VP.INFO");
        assertThat(Files.size(file)).isPositive();
    }

    @Test
    @DisplayName("The JFR event's duration is the call's: it begins before the delegate runs and ends after it returns")
    void jfrEventCoversTheCall(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("slow.jfr");
        long sleptNanos = 30_000_000L;
        TdxTransport slow = in -> {
            try {
                Thread.sleep(Duration.ofNanos(sleptNanos));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return in.withRax(0);
        };
        try (Recording r = new Recording()) {
            r.enable("io.github.tdx4j.Tdcall").withoutThreshold();
            r.start();
            new TracingTransport(slow, TraceListener.NONE).tdcall(call(TdcallLeaf.TDG_VP_INFO));
            r.stop();
            r.dump(file);
        }
        RecordedEvent event = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("io.github.tdx4j.Tdcall")).findFirst().orElseThrow();
        assertThat(event.getDuration().toNanos()).isBetween(sleptNanos, 5_000_000_000L);
    }
}
