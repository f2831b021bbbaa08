package io.github.tdx4j.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.call.trace.TraceEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StatusOriginTest {

    @Test
    @DisplayName("TDX_EPT_WALK_FAILED is the VMM's in the services' table and in the trace alike (one table)")
    void eptWalkFailedIsTheVmmsEverywhere() {
        TdxStatus walk = new TdxStatus(TdxStatus.EPT_WALK_FAILED.raw() | 3);
        assertThat(StatusOrigin.ofFailed(walk)).isEqualTo(Origin.VMM);
        TraceEvent.Tdcall event = new TraceEvent.Tdcall(TdcallLeaf.TDG_MEM_PAGE_ACCEPT, Registers.ZERO,
                Registers.ZERO.withRax(walk.raw()));
        assertThat(event.origin()).isEqualTo(Origin.VMM);
    }

    @Test
    @DisplayName("TDCALL: a refused operand is the guest's, a module-internal error the module's, success nobody's")
    void tdcallRows() {
        assertThat(StatusOrigin.ofTdcall(new TdxStatus(TdxStatus.OPERAND_INVALID.raw() | 1))).contains(Origin.GUEST_BUG);
        assertThat(StatusOrigin.ofTdcall(TdxStatus.EPT_ENTRY_STATE_INCORRECT)).contains(Origin.VMM);
        assertThat(StatusOrigin.ofTdcall(TdxStatus.OPERAND_BUSY)).contains(Origin.TDX_MODULE);
        assertThat(StatusOrigin.ofTdcall(TdxStatus.SUCCESS)).isEmpty();
        // A warning is not an error for the trace; a service that needed a fresh page blames the guest.
        assertThat(StatusOrigin.ofTdcall(TdxStatus.PAGE_ALREADY_ACCEPTED)).isEmpty();
        assertThat(StatusOrigin.ofFailed(TdxStatus.PAGE_ALREADY_ACCEPTED)).isEqualTo(Origin.GUEST_BUG);
    }

    @Test
    @DisplayName("TDG.VP.VMCALL: RAX != 0 is the module's, R10 other than SUCCESS/RETRY the VMM's")
    void tdvmcallRows() {
        assertThat(StatusOrigin.ofTdvmcall(TdxStatus.OPERAND_INVALID, TdvmcallStatus.SUCCESS))
                .contains(Origin.TDX_MODULE);
        assertThat(StatusOrigin.ofTdvmcall(TdxStatus.SUCCESS, TdvmcallStatus.INVALID_OPERAND)).contains(Origin.VMM);
        assertThat(StatusOrigin.ofTdvmcall(TdxStatus.SUCCESS, TdvmcallStatus.RETRY)).isEmpty();
        assertThat(StatusOrigin.ofTdvmcall(TdxStatus.SUCCESS, TdvmcallStatus.SUCCESS)).isEmpty();
    }
}
