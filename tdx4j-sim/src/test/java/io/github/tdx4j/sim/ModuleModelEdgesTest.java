package io.github.tdx4j.sim;

import static io.github.tdx4j.sim.Tdx.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.OperandId;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdcsField;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.call.ModuleCallResult;
import io.github.tdx4j.call.Registers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Module-model edges found by mutation testing (issue 18): operand checks and field values no test held. */
class ModuleModelEdgesTest {
    /** TDX_OPERAND_INVALID with the operand id of RCX, as the module's api_error_with_operand_id builds it. */
    private static final long OPERAND_INVALID_RCX = TdxStatus.OPERAND_INVALID.raw() | OperandId.RCX.id();
    /** TDX_OPERAND_INVALID with the operand id of RAX (0): a leaf the model does not serve. */
    private static final long OPERAND_INVALID_RAX = 0xC000_0100_0000_0000L;
    /** MD_FIELD_ID_NA, "no next field", in RDX after TDG.VM.RD version 1. */
    private static final long MD_FIELD_ID_NA = -1L;

    /** TDG.VM.RD of {@code field} with the given leaf version (RAX[23:16]); returns RAX, RDX and R8 as the TD sees them. */
    private static Registers vmRead(SimulatedTd td, int version, long field) {
        return td.transport().tdcall(Registers.ZERO.withRax(TdcallLeaf.TDG_VM_RD.rax() | ((long) version << 16))
                .withRdx(field));
    }

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

    @Test
    @DisplayName("TDG.VP.RD, TDG.SYS.RD and the other leaves the model does not serve: OPERAND_INVALID(RAX), counted as "
            + "unmodelled, not as unknown")
    void unmodelledLeaves() {
        SimulatedTd td = SimulatedTd.boot();
        assertThat(call(td, TdcallLeaf.TDG_VP_RD, 0, 0, 0, 0).status().raw()).isEqualTo(OPERAND_INVALID_RAX);
        assertThat(call(td, TdcallLeaf.TDG_SYS_RD, 0, 0, 0, 0).status().raw()).isEqualTo(OPERAND_INVALID_RAX);
        assertThat(call(td, TdcallLeaf.TDG_VP_INVVPID, 0, 0, 0, 0).status().raw()).isEqualTo(OPERAND_INVALID_RAX);
        assertThat(td.counters().violations("module.tdcall.unmodelled-leaf")).isEqualTo(3);
        assertThat(td.counters().violations("module.tdcall.unknown-leaf")).isZero();
    }

    @Test
    @DisplayName("TDCALL leaf 28, one past the last leaf the ABI names (TDG.VP.INVVPID, 27): OPERAND_INVALID(RAX), unknown")
    void firstLeafPastTheTable() {
        SimulatedTd td = SimulatedTd.boot();
        assertThat(td.transport().tdcall(Registers.ZERO.withRax(28)).rax()).isEqualTo(OPERAND_INVALID_RAX);
        assertThat(td.counters().violations("module.tdcall.unknown-leaf")).isEqualTo(1);
    }

    @Test
    @DisplayName("TDG.VP.CPUIDVE.SET: RCX bit 0 alone forces #VE on supervisor CPUID only, bit 1 alone on user CPUID only")
    void cpuidVeBitsAreIndependent() {
        SimulatedTd td = SimulatedTd.boot();
        Vcpu v = td.vcpu(0);
        assertThat(call(td, TdcallLeaf.TDG_VP_CPUIDVE_SET, 1, 0, 0, 0).status().raw()).isZero();
        assertThat(v.cpuidVeSupervisor).isTrue();
        assertThat(v.cpuidVeUser).isFalse();
        assertThat(call(td, TdcallLeaf.TDG_VP_CPUIDVE_SET, 2, 0, 0, 0).status().raw()).isZero();
        assertThat(v.cpuidVeSupervisor).isFalse();
        assertThat(v.cpuidVeUser).isTrue();
        assertThat(call(td, TdcallLeaf.TDG_VP_CPUIDVE_SET, 4, 0, 0, 0).status().raw()).as("bit 2 is reserved")
                .isEqualTo(OPERAND_INVALID_RCX);
        assertThat(v.cpuidVeUser).as("unchanged by the refused call").isTrue();
    }

    @Test
    @DisplayName("TDG.VM.RD version 0 leaves RDX as the guest wrote it, on success and on error")
    void vmReadVersion0KeepsRdx() {
        SimulatedTd td = SimulatedTd.boot();
        Registers ok = vmRead(td, 0, TdcsField.TD_CTLS.raw());
        assertThat(ok.rax()).isZero();
        assertThat(ok.rdx()).isEqualTo(TdcsField.TD_CTLS.raw());
        Registers bad = vmRead(td, 0, 0x1234);
        assertThat(bad.rax()).isEqualTo(0xC000_0C00_0000_0000L);
        assertThat(bad.rdx()).isEqualTo(0x1234);
    }

    @Test
    @DisplayName("TDG.VM.RD version 1 walks CONFIG_FLAGS, TD_CTLS, NOTIFY_ENABLES, TOPOLOGY_ENUM_CONFIGURED, then "
            + "MD_FIELD_ID_NA; an unknown field gives MD_FIELD_ID_NA and R8 = 0")
    void vmReadVersion1NextField() {
        SimulatedTd td = SimulatedTd.boot();
        assertThat(vmRead(td, 1, TdcsField.CONFIG_FLAGS.raw()).rdx()).isEqualTo(TdcsField.TD_CTLS.raw());
        assertThat(vmRead(td, 1, TdcsField.TD_CTLS.raw()).rdx()).isEqualTo(TdcsField.NOTIFY_ENABLES.raw());
        assertThat(vmRead(td, 1, TdcsField.NOTIFY_ENABLES.raw()).rdx())
                .isEqualTo(TdcsField.TOPOLOGY_ENUM_CONFIGURED.raw());
        Registers last = vmRead(td, 1, TdcsField.TOPOLOGY_ENUM_CONFIGURED.raw());
        assertThat(last.rax()).isZero();
        assertThat(last.r8()).as("TOPOLOGY_ENUM_CONFIGURED is set by default").isEqualTo(1);
        assertThat(last.rdx()).isEqualTo(MD_FIELD_ID_NA);
        Registers unknown = vmRead(td, 1, 0x1234);
        assertThat(unknown.rax()).isEqualTo(0xC000_0C00_0000_0000L);
        assertThat(unknown.rdx()).isEqualTo(MD_FIELD_ID_NA);
        assertThat(unknown.r8()).isZero();
    }

    @Test
    @DisplayName("TDG.VM.WR changes only the requested bits of TD_CTLS: setting one keeps the other, clearing one keeps "
            + "the other")
    void vmWriteChangesOnlyRequestedBits() {
        SimulatedTd td = SimulatedTd.boot();
        long reduceVe = TdcsField.TD_CTLS_REDUCE_VE;
        long virtCpuid2 = TdcsField.TD_CTLS_VIRT_CPUID2;
        assertThat(call(td, TdcallLeaf.TDG_VM_WR, 0, TdcsField.TD_CTLS.raw(), reduceVe, reduceVe).status().raw())
                .isZero();
        ModuleCallResult second = call(td, TdcallLeaf.TDG_VM_WR, 0, TdcsField.TD_CTLS.raw(), virtCpuid2 | reduceVe,
                virtCpuid2);
        assertThat(second.status().raw()).isZero();
        assertThat(second.r8()).as("the old value").isEqualTo(reduceVe);
        assertThat(vmRead(td, 0, TdcsField.TD_CTLS.raw()).r8()).isEqualTo(reduceVe | virtCpuid2);
        assertThat(call(td, TdcallLeaf.TDG_VM_WR, 0, TdcsField.TD_CTLS.raw(), 0, reduceVe).status().raw()).isZero();
        assertThat(vmRead(td, 0, TdcsField.TD_CTLS.raw()).r8()).isEqualTo(virtCpuid2);
    }

    @Test
    @DisplayName("Without TOPOLOGY_ENUM_CONFIGURED only ENUM_TOPOLOGY is refused: other TD_CTLS bits still write")
    void topologyNotConfiguredRefusesOnlyEnumTopology() {
        SimulatedTd td = SimulatedTd.boot(TdConfig.builder().topologyEnumConfigured(false).build());
        long reduceVe = TdcsField.TD_CTLS_REDUCE_VE;
        assertThat(call(td, TdcallLeaf.TDG_VM_WR, 0, TdcsField.TD_CTLS.raw(), reduceVe, reduceVe).status().raw())
                .isZero();
        assertThat(vmRead(td, 0, TdcsField.TD_CTLS.raw()).r8()).isEqualTo(reduceVe);
    }

    @Test
    @DisplayName("CONFIG_FLAGS is exactly FLEXIBLE_PENDING_VE (bit 1) | NO_RBP_MOD (bit 2) = 6 for a 48-bit TD with "
            + "flexible pending #VE, and 7 with a 52-bit GPAW")
    void configFlagsExactValues() {
        long flexible48 = vmRead(SimulatedTd.boot(TdConfig.builder().flexiblePendingVe(true).septVeDisable(false)
                .build()), 0, TdcsField.CONFIG_FLAGS.raw()).r8();
        long flexible52 = vmRead(SimulatedTd.boot(TdConfig.builder().gpaw(52).flexiblePendingVe(true)
                .septVeDisable(false).build()), 0, TdcsField.CONFIG_FLAGS.raw()).r8();
        assertThat(flexible48).isEqualTo(6);
        assertThat(flexible52).isEqualTo(7);
    }
}
