package io.github.tdx4j.sim;

import static io.github.tdx4j.sim.Tdx.rawVmcall;
import static io.github.tdx4j.sim.Tdx.share;
import static io.github.tdx4j.sim.Tdx.vmcall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.GetQuoteStatus;
import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.GprSelect;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.VmcallRequest;
import io.github.tdx4j.call.VmcallResult;
import io.github.tdx4j.call.platform.MemoryAccessException;
import io.github.tdx4j.sim.vmm.HonestVmm;
import io.github.tdx4j.sim.vmm.MmioTestDevice;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HonestVmmTest {
    private static final long MB = 1L << 20;
    private static final long MASK = GprSelect.TDVMCALL_EXPOSE_REGS_MASK.raw();
    private final SimulatedTd td = SimulatedTd.boot();

    private long status(TdvmcallSubFunction fn, long r12, long r13, long r14, long r15) {
        return vmcall(td, fn, r12, r13, r14, r15).status().raw();
    }

    @Nested
    class Instructions {
        @ParameterizedTest(name = "size {0}")
        @ValueSource(longs = {0, 3, 8, 16})
        @DisplayName("Instruction.IO with a size other than 1, 2, 4 is INVALID_OPERAND 0x8000000000000000")
        void ioBadSize(long size) {
            assertThat(status(TdvmcallSubFunction.INSTRUCTION_IO, size, 1, 0x3F8, 'x'))
                    .isEqualTo(0x8000_0000_0000_0000L);
            assertThat(td.console()).isEmpty();
        }

        @Test
        @DisplayName("Instruction.IO with a direction other than 0 or 1 is INVALID_OPERAND")
        void ioBadDirection() {
            assertThat(status(TdvmcallSubFunction.INSTRUCTION_IO, 1, 2, 0x3F8, 'x')).isEqualTo(0x8000_0000_0000_0000L);
        }

        @Test
        @DisplayName("Instruction.IO OUT to COM1 appends to the console; IN of the LSR returns transmitter empty")
        void uart() {
            for (char c : "ok\n".toCharArray()) {
                assertThat(status(TdvmcallSubFunction.INSTRUCTION_IO, 1, 1, 0x3F8, c)).isZero();
            }
            assertThat(td.console()).isEqualTo("ok\n");
            VmcallResult r = vmcall(td, TdvmcallSubFunction.INSTRUCTION_IO, 1, 0, 0x3FD, 0);
            assertThat(r.out(Gpr.R11)).isEqualTo(0x60);
        }

        @Test
        @DisplayName("A write to isa-debug-exit (0x501) stops the TD with exit status (value << 1) | 1")
        void debugExit() {
            assertThatThrownBy(() -> vmcall(td, TdvmcallSubFunction.INSTRUCTION_IO, 1, 1, 0x501, 3))
                    .isInstanceOf(TdStopped.class);
            assertThat(td.stopReason().kind()).isEqualTo(StopReason.Kind.VMM_STOPPED);
            assertThat(td.stopReason().errorCode()).isEqualTo(7);
        }

        @Test
        @DisplayName("#VE.RequestMMIO with a private GPA is INVALID_OPERAND; with a shared one it reaches the device")
        void mmio() {
            long reg = td.config().mmioBase() + MmioTestDevice.REG32;
            assertThat(status(TdvmcallSubFunction.VE_REQUEST_MMIO, 4, 1, reg, 7)).isEqualTo(0x8000_0000_0000_0000L);
            long shared = reg | td.config().sharedBit();
            assertThat(status(TdvmcallSubFunction.VE_REQUEST_MMIO, 4, 1, shared, 0x1_2345_6789L)).isZero();
            assertThat(vmcall(td, TdvmcallSubFunction.VE_REQUEST_MMIO, 4, 0, shared, 0).out(Gpr.R11))
                    .isEqualTo(0x2345_6789L);
            assertThat(status(TdvmcallSubFunction.VE_REQUEST_MMIO, 3, 0, shared, 0)).isEqualTo(0x8000_0000_0000_0000L);
            for (int size : new int[] {1, 2, 8}) {
                assertThat(status(TdvmcallSubFunction.VE_REQUEST_MMIO, size, 0, shared, 0)).isZero();
            }
        }

        @Test
        @DisplayName("Instruction.RDMSR of an MSR KVM does not emulate for TDs is INVALID_OPERAND; APICBASE reads x2APIC")
        void msr() {
            assertThat(status(TdvmcallSubFunction.INSTRUCTION_RDMSR, 0xC000_0081L, 0, 0, 0))
                    .isEqualTo(0x8000_0000_0000_0000L);
            assertThat(vmcall(td, TdvmcallSubFunction.INSTRUCTION_RDMSR, 0x1B, 0, 0, 0).out(Gpr.R11) & (1L << 10))
                    .isNotZero();
            assertThat(status(TdvmcallSubFunction.INSTRUCTION_WRMSR, 0x1B, 0, 0, 0)).isEqualTo(0x8000_0000_0000_0000L);
            assertThat(status(TdvmcallSubFunction.INSTRUCTION_WRMSR, 0x6E0, 1234, 0, 0)).isZero();
            assertThat(vmcall(td, TdvmcallSubFunction.INSTRUCTION_RDMSR, 0x6E0, 0, 0, 0).out(Gpr.R11))
                    .isEqualTo(1234);
        }

        @Test
        @DisplayName("Instruction.HLT lets simulated time pass (the idle bound) and succeeds")
        void hlt() {
            long before = td.nanoTime();
            assertThat(status(TdvmcallSubFunction.INSTRUCTION_HLT, 0, 0, 0, 0)).isZero();
            assertThat(td.nanoTime() - before).isEqualTo(td.settings().idleHaltNanos());
        }
    }

    @Nested
    class Ghci {
        @Test
        @DisplayName("An unknown TDVMCALL sub-function is SUBFUNC_UNSUPPORTED 0x8000000000000003 (KVM 6.16)")
        void unknown() {
            assertThat(status(new TdvmcallSubFunction(0x10005), 0, 0, 0, 0)).isEqualTo(0x8000_0000_0000_0003L);
            assertThat(status(new TdvmcallSubFunction(0x4242), 0, 0, 0, 0)).isEqualTo(0x8000_0000_0000_0003L);
            SimulatedTd old = SimulatedTd.boot(TdConfig.production(), SimSettings.builder()
                    .unsupportedSubFunctionStatus(TdvmcallStatus.INVALID_OPERAND).build());
            assertThat(vmcall(old, new TdvmcallSubFunction(0x4242), 0, 0, 0, 0).status())
                    .isEqualTo(TdvmcallStatus.INVALID_OPERAND);
        }

        @Test
        @DisplayName("A KVM hypercall (R10 != 0) returns its result in R10: SCHED_YIELD 0, an unknown one -KVM_ENOSYS")
        void vendor() {
            TdxCalls calls = new TdxCalls(td.transport());
            assertThat(calls.tdvmcall(VmcallRequest.vendor(11, 0, 0, 0, 0)).status().raw()).isZero();
            assertThat(calls.tdvmcall(VmcallRequest.vendor(77, 0, 0, 0, 0)).status().raw()).isEqualTo(-1000L);
            assertThat(td.counters().vendorTdvmcalls(77)).isEqualTo(1);
        }

        @Test
        @DisplayName("GetTdVmCallInfo leaf 0 returns zeros, leaf 1 SetupEventNotifyInterrupt, leaf 2 INVALID_OPERAND")
        void getTdVmCallInfo() {
            VmcallResult r = vmcall(td, TdvmcallSubFunction.GET_TD_VM_CALL_INFO, 0, 0, 0, 0);
            assertThat(r.status().raw()).isZero();
            assertThat(r.out(Gpr.R11)).isZero();
            assertThat(vmcall(td, TdvmcallSubFunction.GET_TD_VM_CALL_INFO, 1, 0, 0, 0).out(Gpr.R11)).isEqualTo(2);
            assertThat(status(TdvmcallSubFunction.GET_TD_VM_CALL_INFO, 2, 0, 0, 0)).isEqualTo(0x8000_0000_0000_0000L);
        }

        @Test
        @DisplayName("SetupEventNotifyInterrupt accepts vectors 32..255 and rejects 31 and 256 with INVALID_OPERAND")
        void notifyVector() {
            assertThat(status(TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT, 31, 0, 0, 0))
                    .isEqualTo(0x8000_0000_0000_0000L);
            assertThat(status(TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT, 256, 0, 0, 0))
                    .isEqualTo(0x8000_0000_0000_0000L);
            assertThat(status(TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT, 32, 0, 0, 0)).isZero();
            assertThat(status(TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT, 255, 0, 0, 0)).isZero();
            assertThat(((HonestVmm) td.vmm()).notifyVector()).isEqualTo(255);
        }

        @Test
        @DisplayName("ReportFatalError captures the 64-byte message from R14, R15, RBX, RDI, RSI, R8, R9, RDX and stops the TD")
        void reportFatalError() {
            byte[] msg = "TD misconfiguration: SEPT #VE has to be disabled, panic!!!!!!!!!"
                    .getBytes(StandardCharsets.US_ASCII);
            assertThat(msg).hasSize(64);
            long[] w = new long[8];
            for (int i = 0; i < 64; i++) {
                w[i / 8] |= (long) (msg[i] & 0xFF) << (8 * (i % 8));
            }
            VmcallRequest req = VmcallRequest.standard(TdvmcallSubFunction.REPORT_FATAL_ERROR, 0, 0, w[0], w[1])
                    .withExtended(w[2], w[3], w[4], w[5], w[6], w[7]);
            assertThatThrownBy(() -> new TdxCalls(td.transport()).tdvmcall(req)).isInstanceOf(TdStopped.class);
            StopReason reason = td.stopReason();
            assertThat(reason.kind()).isEqualTo(StopReason.Kind.FATAL_ERROR);
            assertThat(reason.message()).isEqualTo(new String(msg, StandardCharsets.US_ASCII));
            assertThat(reason.gpa()).isEmpty();
        }

        @Test
        @DisplayName("ReportFatalError with error code bits 15:0 set is refused by QEMU, which stops the VM")
        void reportFatalErrorBadCode() {
            assertThatThrownBy(() -> vmcall(td, TdvmcallSubFunction.REPORT_FATAL_ERROR, 1, 0, 0, 0))
                    .isInstanceOf(TdStopped.class);
            assertThat(td.stopReason().kind()).isEqualTo(StopReason.Kind.VMM_STOPPED);
        }
    }

    @Nested
    class MapGpa {
        private final long start = 1024 * MB;

        @Test
        @DisplayName("MapGPA converts to shared: the guest then reads and writes the page through the shared alias")
        void share() {
            long shared = Tdx.share(td, start, 8192);
            td.memory().writeLong(shared + 8, 99);
            assertThat(td.host().memory().readLong(start + 8)).isEqualTo(99);
            assertThatThrownBy(() -> td.memory().readLong(start)).isInstanceOf(MemoryAccessException.class);
        }

        @Test
        @DisplayName("MapGPA over 6 MB returns RETRY at each 2 MB boundary when an event is pending")
        void retryEachChunk() {
            td.host().injectInterrupt(0, 0x50);
            long s = start | td.config().sharedBit();
            long end = s + 6 * MB;
            List<Long> resume = new ArrayList<>();
            long at = s;
            VmcallResult r;
            while ((r = vmcall(td, TdvmcallSubFunction.MAP_GPA, at, end - at, 0, 0)) instanceof VmcallResult.Retry) {
                at = r.out(Gpr.R11);
                resume.add(at);
            }
            assertThat(r).isInstanceOf(VmcallResult.Success.class);
            assertThat(resume).containsExactly(s + 2 * MB, s + 4 * MB);
            assertThat(td.host().memory().isShared(start + 6 * MB - 4096)).isTrue();
        }

        @Test
        @DisplayName("MapGPA over 6 MB with no event pending converts everything in one call")
        void noRetry() {
            assertThat(status(TdvmcallSubFunction.MAP_GPA, start | td.config().sharedBit(), 6 * MB, 0, 0)).isZero();
        }

        @Test
        @DisplayName("MapGPA with an unaligned GPA or size is ALIGN_ERROR 0x8000000000000002 with R11 = the GPA")
        void align() {
            long s = start | td.config().sharedBit();
            Registers out = rawVmcall(td, MASK, TdvmcallSubFunction.MAP_GPA.raw(), s + 8, 4096, 0, 0);
            assertThat(out.r10()).isEqualTo(0x8000_0000_0000_0002L);
            assertThat(out.r11()).isEqualTo(s + 8);
            assertThat(status(TdvmcallSubFunction.MAP_GPA, s, 100, 0, 0)).isEqualTo(0x8000_0000_0000_0002L);
        }

        @Test
        @DisplayName("MapGPA mixing shared and private, wrapping, or of size 0 is INVALID_OPERAND")
        void invalid() {
            long bit = td.config().sharedBit();
            assertThat(status(TdvmcallSubFunction.MAP_GPA, bit - 4096, 8192, 0, 0)).isEqualTo(0x8000_0000_0000_0000L);
            assertThat(status(TdvmcallSubFunction.MAP_GPA, -4096L, 8192, 0, 0)).isEqualTo(0x8000_0000_0000_0000L);
            assertThat(status(TdvmcallSubFunction.MAP_GPA, start, 0, 0, 0)).isEqualTo(0x8000_0000_0000_0000L);
            assertThat(td.counters().violations("vmm.mapgpa.range")).isEqualTo(3);
        }

        @Test
        @DisplayName("MapGPA back to private leaves the pages unaccepted until TDG.MEM.PAGE.ACCEPT")
        void backToPrivate() {
            Tdx.share(td, start, 4096);
            assertThat(status(TdvmcallSubFunction.MAP_GPA, start, 4096, 0, 0)).isZero();
            assertThatThrownBy(() -> td.memory().readLong(start)).isInstanceOf(MemoryAccessException.class);
            assertThat(Tdx.status(td, TdcallLeaf.TDG_MEM_PAGE_ACCEPT, start, 0, 0, 0)).isZero();
            assertThat(td.memory().readLong(start)).isZero();
        }

        @Test
        @DisplayName("MapGPA to shared of part of a 2M boot leaf splits it; the rest stays accepted")
        void splitsBootLeaf() {
            long shared = Tdx.share(td, 6 * MB, 4096);
            td.memory().writeLong(shared, 5);
            td.memory().writeLong(6 * MB + 4096, 6);
            assertThat(td.memory().readLong(6 * MB + 4096)).isEqualTo(6);
            assertThat(Tdx.status(td, TdcallLeaf.TDG_MEM_PAGE_ACCEPT, 6 * MB + 4096, 0, 0, 0))
                    .isEqualTo(0x0000_0B0A_0000_0000L);
        }

        @Test
        @DisplayName("MapGPA answers SUBFUNC_UNSUPPORTED when the VMM did not enable KVM_HC_MAP_GPA_RANGE exits")
        void disabled() {
            SimulatedTd off = SimulatedTd.boot(TdConfig.production(), SimSettings.builder().mapGpaExitEnabled(false)
                    .build());
            assertThat(vmcall(off, TdvmcallSubFunction.MAP_GPA, start | off.config().sharedBit(), 4096, 0, 0)
                    .status()).isEqualTo(TdvmcallStatus.SUBFUNC_UNSUPPORTED);
        }
    }

    @Nested
    class GetQuote {
        private final long buf = 1024 * MB;

        private long prepare(SimulatedTd t, long size) {
            long shared = Tdx.share(t, buf, size);
            t.memory().writeLong(shared + GetQuoteBufferLayout.VERSION_OFFSET, 1);
            t.memory().writeInt(shared + GetQuoteBufferLayout.IN_LEN_OFFSET, 1024);
            return shared;
        }

        @Test
        @DisplayName("GetQuote rejects a buffer not 4K-aligned with ALIGN_ERROR")
        void align() {
            long shared = prepare(td, 8192);
            assertThat(status(TdvmcallSubFunction.GET_QUOTE, shared + 64, 4096, 0, 0))
                    .isEqualTo(0x8000_0000_0000_0002L);
            assertThat(status(TdvmcallSubFunction.GET_QUOTE, shared, 4000, 0, 0)).isEqualTo(0x8000_0000_0000_0002L);
            assertThat(td.counters().violations("vmm.getquote.align")).isEqualTo(2);
        }

        @Test
        @DisplayName("GetQuote with a private GPA, size 0, a bad version, over 128 KiB or in_len too big is INVALID_OPERAND")
        void invalid() {
            long shared = prepare(td, 256 * 1024);
            assertThat(status(TdvmcallSubFunction.GET_QUOTE, buf, 8192, 0, 0)).isEqualTo(0x8000_0000_0000_0000L);
            assertThat(status(TdvmcallSubFunction.GET_QUOTE, shared, 0, 0, 0)).isEqualTo(0x8000_0000_0000_0000L);
            assertThat(status(TdvmcallSubFunction.GET_QUOTE, shared, 256 * 1024, 0, 0))
                    .isEqualTo(0x8000_0000_0000_0000L);
            td.memory().writeInt(shared + GetQuoteBufferLayout.IN_LEN_OFFSET, 4096);
            assertThat(status(TdvmcallSubFunction.GET_QUOTE, shared, 4096, 0, 0)).isEqualTo(0x8000_0000_0000_0000L);
            td.memory().writeLong(shared, 2);
            assertThat(status(TdvmcallSubFunction.GET_QUOTE, shared, 8192, 0, 0)).isEqualTo(0x8000_0000_0000_0000L);
        }

        @Test
        @DisplayName("GetQuote without a quote generation service writes SERVICE_UNAVAILABLE and returns SUCCESS")
        void noQgs() {
            SimulatedTd t = SimulatedTd.boot(TdConfig.production(), SimSettings.builder().quoteServiceAvailable(false)
                    .build());
            long shared = prepare(t, 8192);
            assertThat(vmcall(t, TdvmcallSubFunction.GET_QUOTE, shared, 8192, 0, 0).status().raw()).isZero();
            assertThat(t.memory().readLong(shared + GetQuoteBufferLayout.STATUS_OFFSET))
                    .isEqualTo(GetQuoteStatus.SERVICE_UNAVAILABLE.raw());
        }

        @Test
        @DisplayName("GetQuote sets IN_FLIGHT, and the 17th request in flight gets RETRY")
        void inFlightLimit() {
            long shared = prepare(td, 16 * 4096 + 4096);
            for (int i = 0; i < 16; i++) {
                long b = shared + 4096L * i;
                td.memory().writeLong(b, 1);
                td.memory().writeInt(b + GetQuoteBufferLayout.IN_LEN_OFFSET, 1024);
                assertThat(status(TdvmcallSubFunction.GET_QUOTE, b, 4096, 0, 0)).isZero();
                assertThat(td.memory().readLong(b + GetQuoteBufferLayout.STATUS_OFFSET)).isEqualTo(-1L);
            }
            long b = shared + 16 * 4096L;
            td.memory().writeLong(b, 1);
            assertThat(status(TdvmcallSubFunction.GET_QUOTE, b, 4096, 0, 0)).isEqualTo(1);
            assertThat(((HonestVmm) td.vmm()).quotesInFlight()).isEqualTo(16);
        }

        @Test
        @DisplayName("GetQuote of a TDREPORT that is not of this platform completes with GET_QUOTE_ERROR and out_len 0")
        void foreignReport() throws InterruptedException {
            long shared = prepare(td, 8192);
            td.memory().write(shared + 24, new byte[1024]);
            assertThat(status(TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT, 0x60, 0, 0, 0)).isZero();
            List<Integer> irqs = new ArrayList<>();
            td.setInterruptHandler(irqs::add);
            assertThat(status(TdvmcallSubFunction.GET_QUOTE, shared, 8192, 0, 0)).isZero();
            td.sleep(td.settings().quoteLatencyNanos() - 1);
            assertThat(td.memory().readLong(shared + 8)).isEqualTo(-1L);
            td.sleep(1);
            assertThat(td.memory().readLong(shared + 8)).isEqualTo(GetQuoteStatus.ERROR.raw());
            assertThat(td.memory().readUnsignedInt(shared + 20)).isZero();
            assertThat(irqs).containsExactly(0x60);
        }
    }
}
