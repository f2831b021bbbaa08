package io.github.tdx4j.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.policy.FailureHandler;
import io.github.tdx4j.call.policy.LogSink;
import io.github.tdx4j.call.policy.NanoClock;
import io.github.tdx4j.call.policy.OriginPolicy;
import io.github.tdx4j.call.trace.CallTrace;
import io.github.tdx4j.call.trace.CheckingTransport;
import io.github.tdx4j.call.trace.TracingTransport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's example, against a scripted module, so the documentation cannot rot. */
class CallLayerExampleTest {
    @Test
    @DisplayName("README example: TDG.VP.INFO, then IN from the UART port through a TDVMCALL, traced")
    void readmeExample() {
        TdxTransport module = new ScriptedTransport()
                .then(in -> Registers.ZERO.withRcx(52))                      // TDG.VP.INFO: GPAW 52
                .then(in -> in.withRax(0).withR10(0).withR11(0x1234_5641L)); // IN: the VMM answers 0x...41
        CallTrace trace = new CallTrace(1000);
        TdxCalls calls = new TdxCalls(new TracingTransport(new CheckingTransport(module), trace));

        long gpaWidth = calls.tdcallOrPanic(TdcallLeaf.TDG_VP_INFO, 0, 0, 0, 0, 0, 0).rcx() & 0x3F;
        assertThat(gpaWidth).isEqualTo(52);

        FailureHandler failures = new FailureHandler(OriginPolicy.SEED_REVIEW, NanoClock.SYSTEM, LogSink.NONE);
        long value = switch (calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_IO, 1, 0, 0x3F8, 0))) {
            case VmcallResult.Success ok -> ok.out(Gpr.R11) & 0xFF;
            case VmcallResult.Retry retry -> -1;
            case VmcallResult.VmmError e -> {
                failures.report(TdxFailure.of(Origin.VMM, "example.port-in", e.status().toString()));
                yield -1;
            }
        };
        assertThat(value).isEqualTo(0x41);
        assertThat(trace.events()).extracting(ev -> ev.leaf()).containsExactly("TDG.VP.INFO", "Instruction.IO");
    }
}
