package io.github.tdx4j.sim;

import static io.github.tdx4j.sim.Tdx.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.OperandId;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdcsField;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.call.ModuleCallResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Module-model edges found by mutation testing (issue 18): operand checks and field values no test held. */
class ModuleModelEdgesTest {
    /** TDX_OPERAND_INVALID with the operand id of RCX, as the module's api_error_with_operand_id builds it. */
    private static final long OPERAND_INVALID_RCX = TdxStatus.OPERAND_INVALID.raw() | OperandId.RCX.id();

    @Test
    @DisplayName("TDG.VM.RD and TDG.VM.WR with RCX (the VM index) not 0: OPERAND_INVALID(RCX), R8 = 0, nothing written")
    void vmReadWriteNeedVmIndexZero() {
        SimulatedTd td = SimulatedTd.boot();
        ModuleCallResult rd = call(td, TdcallLeaf.TDG_VM_RD, 1, TdcsField.CONFIG_FLAGS.raw(), 0, 0);
        assertThat(rd.status().raw()).isEqualTo(OPERAND_INVALID_RCX);
        assertThat(rd.r8()).isZero();
        long bit = TdcsField.TD_CTLS_REDUCE_VE;
        ModuleCallResult wr = call(td, TdcallLeaf.TDG_VM_WR, 1, TdcsField.TD_CTLS.raw(), bit, bit);
        assertThat(wr.status().raw()).isEqualTo(OPERAND_INVALID_RCX);
        assertThat(wr.r8()).isZero();
        assertThat(call(td, TdcallLeaf.TDG_VM_RD, 0, TdcsField.TD_CTLS.raw(), 0, 0).r8()).as("TD_CTLS unchanged")
                .isZero();
    }

    @Test
    @DisplayName("CONFIG_FLAGS bit 0 (GPAW) is 1 exactly for a 52-bit GPAW, next to NO_RBP_MOD (bit 2)")
    void configFlagsGpawBit() {
        long wide = call(SimulatedTd.boot(TdConfig.builder().gpaw(52).build()), TdcallLeaf.TDG_VM_RD, 0,
                TdcsField.CONFIG_FLAGS.raw(), 0, 0).r8();
        long narrow = call(SimulatedTd.boot(TdConfig.builder().gpaw(48).build()), TdcallLeaf.TDG_VM_RD, 0,
                TdcsField.CONFIG_FLAGS.raw(), 0, 0).r8();
        assertThat(wide & 1).isEqualTo(1);
        assertThat(narrow & 1).isZero();
        assertThat(wide & 4).isEqualTo(4);
        assertThat(narrow & 4).isEqualTo(4);
    }

    @Test
    @DisplayName("TDG.MR.VERIFYREPORT of a REPORTMACSTRUCT not 256-aligned is OPERAND_INVALID(RCX)")
    void verifyReportNeedsAlignment() {
        SimulatedTd td = SimulatedTd.boot();
        assertThat(call(td, TdcallLeaf.TDG_MR_VERIFYREPORT, 0x10080, 0, 0, 0).status().raw())
                .isEqualTo(OPERAND_INVALID_RCX);
    }
}
