package io.github.tdx4j.call.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.call.Registers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The one-line form of a traced call, as the demo's text trace prints it: the origin in brackets after a failure
 * and nothing after a success.
 */
class TraceEventDescribeTest {
    /** TDX_OPERAND_BUSY with RCX as the operand: a status of class 0x80000200 (TDX module, recoverable). */
    private static final long OPERAND_BUSY_RCX = 0x8000_0200_0000_0001L;

    @Test
    @DisplayName("A successful TDCALL ends with its status and no origin")
    void tdcallSuccess() {
        TraceEvent e = new TraceEvent.Tdcall(TdcallLeaf.TDG_VP_INFO, Registers.ZERO.withRcx(7), Registers.ZERO);
        assertThat(e.describe())
                .isEqualTo("TDCALL   TDG.VP.INFO            RCX=0x7 RDX=0x0 R8=0x0 -> TDX_SUCCESS");
    }

    @Test
    @DisplayName("A failed TDCALL ends with its origin in brackets")
    void tdcallFailure() {
        TraceEvent e = new TraceEvent.Tdcall(TdcallLeaf.TDG_MEM_PAGE_ACCEPT, Registers.ZERO.withRcx(0x1000),
                Registers.ZERO.withRax(OPERAND_BUSY_RCX));
        assertThat(e.describe()).startsWith("TDCALL   TDG.MEM.PAGE.ACCEPT    RCX=0x1000 RDX=0x0 R8=0x0 -> TDX_OPERAND_BUSY")
                .endsWith(" [TDX_MODULE]");
    }

    @Test
    @DisplayName("A successful TDVMCALL ends with the VMM's status and R11, and no origin")
    void tdvmcallSuccess() {
        TraceEvent e = new TraceEvent.Tdvmcall(Registers.ZERO.withRcx(0xFFCC).withR11(12).with(Gpr.R12, 3),
                Registers.ZERO.withR11(5));
        assertThat(e.describe()).isEqualTo(
                "TDVMCALL Instruction.HLT        R12=0x3 R13=0x0 R14=0x0 R15=0x0 -> TDVMCALL_STATUS_SUCCESS R11=0x5");
    }

    @Test
    @DisplayName("A TDVMCALL the VMM failed ends with [VMM]")
    void tdvmcallVmmFailure() {
        TraceEvent e = new TraceEvent.Tdvmcall(Registers.ZERO.withRcx(0xFFCC).withR11(12),
                Registers.ZERO.withR10(TdvmcallStatus.INVALID_OPERAND.raw()));
        assertThat(e.describe()).isEqualTo("TDVMCALL Instruction.HLT        R12=0x0 R13=0x0 R14=0x0 R15=0x0"
                + " -> TDVMCALL_STATUS_INVALID_OPERAND R11=0x0 [VMM]");
    }
}
