package io.github.tdx4j.sim;

import static io.github.tdx4j.sim.Tdx.call;
import static io.github.tdx4j.sim.Tdx.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdcsField;
import io.github.tdx4j.call.ModuleCallResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TdgVpAndVmTest {
    @Test
    @DisplayName("TDG.VP.INFO returns GPAW, ATTRIBUTES, vCPU counts and the vCPU index")
    void vpInfo() {
        SimulatedTd td = SimulatedTd.boot(TdConfig.builder().gpaw(52).vcpus(2).maxVcpus(4).debug(true).build());
        ModuleCallResult r = call(td, TdcallLeaf.TDG_VP_INFO, 0, 0, 0, 0);
        assertThat(r.status().raw()).isZero();
        assertThat(r.rcx()).isEqualTo(52);
        assertThat(new TdAttributes(r.rdx()).debug()).isTrue();
        assertThat(r.r8()).isEqualTo(2L | (4L << 32));
        assertThat(new io.github.tdx4j.call.TdxCalls(td.vcpu(1).transport())
                .tdcall(TdcallLeaf.TDG_VP_INFO, 0, 0, 0, 0, 0, 0).r9()).isEqualTo(1);
        assertThat(call(SimulatedTd.boot(), TdcallLeaf.TDG_VP_INFO, 0, 0, 0, 0).rcx()).isEqualTo(48);
    }

    @Test
    @DisplayName("TDG.VP.VEINFO.GET with no #VE pending returns TDX_NO_VALID_VE_INFO 0xC000070400000000 and zeroes")
    void veInfoNone() {
        SimulatedTd td = SimulatedTd.boot();
        ModuleCallResult r = call(td, TdcallLeaf.TDG_VP_VEINFO_GET, 0, 0, 0, 0);
        assertThat(r.status().raw()).isEqualTo(0xC000_0704_0000_0000L);
        assertThat(r.rcx()).isZero();
    }

    @Test
    @DisplayName("TDG.VM.RD reads CONFIG_FLAGS; TDG.VM.WR to it is METADATA_FIELD_NOT_WRITABLE")
    void configFlags() {
        SimulatedTd td = SimulatedTd.boot();
        ModuleCallResult r = call(td, TdcallLeaf.TDG_VM_RD, 0, TdcsField.CONFIG_FLAGS.raw(), 0, 0);
        assertThat(r.status().raw()).isZero();
        assertThat(r.r8() & TdcsField.CONFIG_FLEXIBLE_PENDING_VE).isZero();
        assertThat(r.r8() & 4).as("NO_RBP_MOD").isEqualTo(4);
        assertThat(status(td, TdcallLeaf.TDG_VM_WR, 0, TdcsField.CONFIG_FLAGS.raw(), 1, -1L))
                .isEqualTo(0xC000_0C01_0000_0000L);
    }

    @Test
    @DisplayName("TDG.VM.WR of TD_CTLS.PENDING_VE_DISABLE without FLEXIBLE_PENDING_VE is METADATA_FIELD_VALUE_NOT_VALID")
    void pendingVeNotFlexible() {
        SimulatedTd td = SimulatedTd.boot();
        long bit = TdcsField.TD_CTLS_PENDING_VE_DISABLE;
        assertThat(status(td, TdcallLeaf.TDG_VM_WR, 0, TdcsField.TD_CTLS.raw(), bit, bit))
                .isEqualTo(0xC000_0C03_0000_0000L);
        SimulatedTd flexible = SimulatedTd.boot(TdConfig.builder().flexiblePendingVe(true).septVeDisable(false)
                .build());
        assertThat(status(flexible, TdcallLeaf.TDG_VM_WR, 0, TdcsField.TD_CTLS.raw(), bit, bit)).isZero();
        assertThat(call(flexible, TdcallLeaf.TDG_VM_RD, 0, TdcsField.TD_CTLS.raw(), 0, 0).r8()).isEqualTo(bit);
    }

    @Test
    @DisplayName("TDG.VM.WR of TD_CTLS.REDUCE_VE succeeds and returns the old value in R8; unsupported it is NOT_WRITABLE")
    void reduceVe() {
        long bit = TdcsField.TD_CTLS_REDUCE_VE;
        SimulatedTd td = SimulatedTd.boot();
        ModuleCallResult r = call(td, TdcallLeaf.TDG_VM_WR, 0, TdcsField.TD_CTLS.raw(), bit, bit);
        assertThat(r.status().raw()).isZero();
        assertThat(r.r8()).isZero();
        SimulatedTd old = SimulatedTd.boot(TdConfig.builder().reduceVeSupported(false).build());
        assertThat(status(old, TdcallLeaf.TDG_VM_WR, 0, TdcsField.TD_CTLS.raw(), bit, bit))
                .isEqualTo(0xC000_0C01_0000_0000L);
    }

    @Test
    @DisplayName("TDG.VM.WR of TD_CTLS.ENUM_TOPOLOGY needs TOPOLOGY_ENUM_CONFIGURED")
    void enumTopology() {
        long bit = TdcsField.TD_CTLS_ENUM_TOPOLOGY;
        SimulatedTd td = SimulatedTd.boot(TdConfig.builder().topologyEnumConfigured(false).build());
        assertThat(call(td, TdcallLeaf.TDG_VM_RD, 0, TdcsField.TOPOLOGY_ENUM_CONFIGURED.raw(), 0, 0).r8()).isZero();
        assertThat(status(td, TdcallLeaf.TDG_VM_WR, 0, TdcsField.TD_CTLS.raw(), bit, bit))
                .isEqualTo(0xC000_0C03_0000_0000L);
    }

    @Test
    @DisplayName("TDG.VM.WR(NOTIFY_ENABLES, 0, -1) as Linux issues it succeeds; forbidden bits that change are rejected")
    void notifyEnables() {
        SimulatedTd td = SimulatedTd.boot();
        assertThat(status(td, TdcallLeaf.TDG_VM_WR, 0, TdcsField.NOTIFY_ENABLES.raw(), 0, -1L)).isZero();
        assertThat(status(td, TdcallLeaf.TDG_VM_WR, 0, TdcsField.NOTIFY_ENABLES.raw(), 2, -1L))
                .isEqualTo(0xC000_0C03_0000_0000L);
    }

    @Test
    @DisplayName("TDG.VM.RD of an unknown field is METADATA_FIELD_ID_INCORRECT with R8 = 0")
    void unknownField() {
        SimulatedTd td = SimulatedTd.boot();
        ModuleCallResult r = call(td, TdcallLeaf.TDG_VM_RD, 0, 0x1234, 0, 0);
        assertThat(r.status().raw()).isEqualTo(0xC000_0C00_0000_0000L);
        assertThat(r.r8()).isZero();
    }
}
