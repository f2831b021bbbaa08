package io.github.tdx4j.sim;

import static io.github.tdx4j.sim.Tdx.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.sim.vmm.HonestVmm;
import io.github.tdx4j.sim.vmm.Host;
import io.github.tdx4j.sim.vmm.VmcallExit;
import io.github.tdx4j.sim.vmm.Vmm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * TDCALL memory operands on pages that are not accepted private memory (TDG.MR.REPORT's REPORTDATA and
 * TDREPORT_STRUCT, TDG.MR.RTMR.EXTEND's data, TDG.MR.VERIFYREPORT's REPORTMACSTRUCT), and TDG.MEM.PAGE.ACCEPT against
 * a host that does not resolve its EPT violations. With #VE enabled the model answers TDX_EPT_WALK_FAILED with the
 * operand's id (its documented deviation from the #VE the module would inject); a host that stops the TD while it
 * handles the exit stops the TDCALL. TDX Module ABI v1.5, "TDCALL memory operands", "TDG.MEM.PAGE.ACCEPT Leaf".
 */
class TdcallMemoryOperandTest {
    private static final long MB = 1L << 20;
    /** Accepted at boot (the firmware accepts the first 512 MiB). */
    private static final long ACCEPTED = 0x10_0000;
    /** Above the 512 MiB accepted at boot: unmapped until the host AUGs it, then pending until the guest accepts. */
    private static final long UNACCEPTED = 1024 * MB;
    /** TDX_EPT_WALK_FAILED 0xC0000B0000000000 with operand id RCX (1) or RDX (2). */
    private static final long EPT_WALK_FAILED_RCX = 0xC000_0B00_0000_0001L;
    private static final long EPT_WALK_FAILED_RDX = 0xC000_0B00_0000_0002L;

    /** #VE enabled for pending pages: the model's EPT_WALK_FAILED answer instead of a stop. */
    private static SimulatedTd veEnabled() {
        return SimulatedTd.boot(TdConfig.builder().septVeDisable(false).debug(true).build());
    }

    private static SimulatedTd veEnabled(ScriptedVmm vmm) {
        return SimulatedTd.boot(TdConfig.builder().septVeDisable(false).debug(true).build(), SimSettings.strict(),
                vmm::bind);
    }

    /** Answers TDVMCALLs honestly; on an EPT violation it records the GPA and acts as {@code onEpt} says. */
    private static final class ScriptedVmm implements Vmm {
        private final EptAction onEpt;
        final List<Long> eptViolations = new ArrayList<>();
        private Host host;
        private HonestVmm honest;

        ScriptedVmm(EptAction onEpt) {
            this.onEpt = onEpt;
        }

        /** The {@link io.github.tdx4j.sim.vmm.VmmFactory} of this TD's VMM: this one, bound to the TD's host. */
        Vmm bind(Host h) {
            this.host = h;
            this.honest = new HonestVmm(h);
            return this;
        }

        @Override
        public void tdvmcall(VmcallExit exit) {
            honest.tdvmcall(exit);
        }

        @Override
        public boolean onPrivateEptViolation(long gpa, PageLevel acceptLevel) {
            eptViolations.add(gpa);
            return onEpt.handle(host, gpa);
        }
    }

    @FunctionalInterface
    private interface EptAction {
        boolean handle(Host host, long gpa);
    }

    @Test
    @DisplayName("TDG.MR.REPORT with REPORTDATA on an unaccepted page: the host maps the page (4 KiB-aligned GPA), "
            + "the page stays pending, EPT_WALK_FAILED(RDX), counted, no report written")
    void reportDataOnPendingPage() {
        ScriptedVmm vmm = new ScriptedVmm((host, gpa) -> {
            host.augPrivate(gpa, PageLevel.SIZE_4K);
            return true;
        });
        SimulatedTd td = veEnabled(vmm);
        td.memory().writeLong(ACCEPTED, 0x5A5A);
        assertThat(status(td, TdcallLeaf.TDG_MR_REPORT, ACCEPTED, UNACCEPTED + 0x40, 0, 0))
                .isEqualTo(EPT_WALK_FAILED_RDX);
        assertThat(vmm.eptViolations).as("one exit, with the operand's page address").containsExactly(UNACCEPTED);
        assertThat(td.counters().violations("module.operand.not-accepted")).isEqualTo(1);
        assertThat(td.memory().readLong(ACCEPTED)).as("TDREPORT_STRUCT not written").isEqualTo(0x5A5A);
        assertThat(td.isStopped()).isFalse();
    }

    @Test
    @DisplayName("TDG.MR.REPORT with REPORTDATA accepted and the TDREPORT_STRUCT on an unaccepted page: "
            + "EPT_WALK_FAILED(RCX)")
    void reportOutputOnPendingPage() {
        SimulatedTd td = veEnabled();
        assertThat(status(td, TdcallLeaf.TDG_MR_REPORT, UNACCEPTED, ACCEPTED, 0, 0)).isEqualTo(EPT_WALK_FAILED_RCX);
        assertThat(td.counters().violations("module.operand.not-accepted")).isEqualTo(1);
    }

    @Test
    @DisplayName("TDG.MR.RTMR.EXTEND with its data on an unaccepted page: EPT_WALK_FAILED(RCX), the RTMR unchanged")
    void extendDataOnPendingPage() {
        SimulatedTd td = veEnabled();
        assertThat(status(td, TdcallLeaf.TDG_MR_RTMR_EXTEND, UNACCEPTED, 1, 0, 0)).isEqualTo(EPT_WALK_FAILED_RCX);
        assertThat(td.rtmr(1)).isEqualTo(new byte[48]);
    }

    @Test
    @DisplayName("TDG.MR.VERIFYREPORT with its REPORTMACSTRUCT on an unaccepted page: EPT_WALK_FAILED(RCX)")
    void verifyReportOnPendingPage() {
        SimulatedTd td = veEnabled();
        assertThat(status(td, TdcallLeaf.TDG_MR_VERIFYREPORT, UNACCEPTED, 0, 0, 0)).isEqualTo(EPT_WALK_FAILED_RCX);
    }

    @Test
    @DisplayName("A host that stops the TD while it handles a TDCALL operand's EPT violation stops the TDCALL")
    void hostStopsTdDuringOperandMapping() {
        ScriptedVmm vmm = new ScriptedVmm((host, gpa) -> {
            host.stop(StopReason.of(StopReason.Kind.VMM_STOPPED, "test host gives up"));
            return true;
        });
        SimulatedTd td = veEnabled(vmm);
        assertThatThrownBy(() -> status(td, TdcallLeaf.TDG_MR_RTMR_EXTEND, UNACCEPTED, 0, 0, 0))
                .isInstanceOf(TdStopped.class);
        assertThat(td.stopReason().kind()).isEqualTo(StopReason.Kind.VMM_STOPPED);
        assertThat(td.rtmr(0)).isEqualTo(new byte[48]);
    }

    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT against a host that claims to resolve each EPT violation but maps nothing: "
            + "the TD stops after exactly 4 exits")
    void acceptGivesUpAfterFourUnresolvedExits() {
        ScriptedVmm vmm = new ScriptedVmm((host, gpa) -> true);
        SimulatedTd td = veEnabled(vmm);
        assertThatThrownBy(() -> status(td, TdcallLeaf.TDG_MEM_PAGE_ACCEPT, UNACCEPTED, 0, 0, 0))
                .isInstanceOf(TdStopped.class);
        assertThat(vmm.eptViolations).containsExactly(UNACCEPTED, UNACCEPTED, UNACCEPTED, UNACCEPTED);
        assertThat(td.stopReason().kind()).isEqualTo(StopReason.Kind.UNRESOLVED_EPT_VIOLATION);
        assertThat(td.stopReason().detail()).contains("kept exiting");
    }

    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT: a host that stops the TD while it handles the EPT violation gets no second exit")
    void acceptStopsWhenHostStopsTd() {
        ScriptedVmm vmm = new ScriptedVmm((host, gpa) -> {
            host.stop(StopReason.of(StopReason.Kind.VMM_STOPPED, "test host gives up"));
            return true;
        });
        SimulatedTd td = veEnabled(vmm);
        assertThatThrownBy(() -> status(td, TdcallLeaf.TDG_MEM_PAGE_ACCEPT, UNACCEPTED, 0, 0, 0))
                .isInstanceOf(TdStopped.class);
        assertThat(vmm.eptViolations).hasSize(1);
        assertThat(td.stopReason().kind()).isEqualTo(StopReason.Kind.VMM_STOPPED);
    }
}
