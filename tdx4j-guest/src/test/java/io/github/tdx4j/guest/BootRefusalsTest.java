package io.github.tdx4j.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.abi.TdcsField;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxPolicyPanic;
import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Boot when the TDX module refuses a TDG.VM.WR the guest relies on: NOTIFY_ENABLES and PENDING_VE_DISABLE. */
class BootRefusalsTest {
    private static final long FATAL = TdvmcallSubFunction.REPORT_FATAL_ERROR.raw();

    private final FakeTd td = new FakeTd();

    @Test
    @DisplayName("NOTIFY_ENABLES := 0 refused: boot goes on, the refusal is reported once (origin TDX_MODULE) and "
            + "TdInfo says the notifications were not cleared")
    void refusedNotifyEnablesIsReportedNotFatal() {
        td.tdcs.remove(TdcsField.NOTIFY_ENABLES.raw()); // TDG.VM.WR answers METADATA_FIELD_ID_INCORRECT
        TdxGuest g = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config());
        assertThat(g.info().notifyCleared()).isFalse();
        assertThat(g.failures().count(Origin.TDX_MODULE)).isEqualTo(1);
        assertThat(g.failures().count(Origin.VMM)).isZero();
        assertThat(g.info().septVeDisabled()).isTrue();
        assertThat(td.veHandler).isSameAs(g.veHandler());
    }

    @Test
    @DisplayName("NOTIFY_ENABLES written as 0 with mask all ones; TdInfo says so and nothing is reported")
    void notifyEnablesClearedWithFullMask() {
        td.tdcs.put(TdcsField.NOTIFY_ENABLES.raw(), -1L);
        TdxGuest g = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config());
        assertThat(td.tdcs.get(TdcsField.NOTIFY_ENABLES.raw())).isZero();
        assertThat(g.info().notifyCleared()).isTrue();
        assertThat(g.failures().count(Origin.TDX_MODULE)).isZero();
    }

    @Test
    @DisplayName("FLEXIBLE_PENDING_VE, non-debug TD, PENDING_VE_DISABLE refused: ReportFatalError and stop, origin "
            + "TDX_MODULE, no #VE handler")
    void refusedPendingVeDisableStopsBoot() {
        td.attributes = new TdAttributes(0);
        td.tdcs.put(TdcsField.CONFIG_FLAGS.raw(), TdcsField.CONFIG_FLEXIBLE_PENDING_VE);
        td.writableTdCtls = TdcsField.TD_CTLS_REDUCE_VE | TdcsField.TD_CTLS_ENUM_TOPOLOGY;
        td.vmm.put(FATAL, in -> in.withR10(0));
        assertThatThrownBy(() -> TdxGuest.boot(td, Boot.TD_CPUID, Boot.config()))
                .isInstanceOfSatisfying(TdxPolicyPanic.class, p -> {
                    assertThat(p.origin()).isEqualTo(Origin.TDX_MODULE);
                    assertThat(p.failure().site()).isEqualTo("tdx.init.sept-ve");
                });
        assertThat(BootAndFatalTest.message(td.vmcalls(FATAL).getFirst()))
                .isEqualTo("TD misconfiguration: SEPT #VE has to be disabled (TD_CTLS.PENDIN");
        assertThat(td.veHandler).isNull();
        assertThat(td.tdcs.get(TdcsField.TD_CTLS.raw())).isZero();
    }

    @Test
    @DisplayName("FLEXIBLE_PENDING_VE in a DEBUG TD: PENDING_VE_DISABLE is not written, SEPT #VE stays enabled")
    void debugTdKeepsPendingVe() {
        td.attributes = TdAttributes.ofBits(TdAttributes.DEBUG_BIT);
        td.tdcs.put(TdcsField.CONFIG_FLAGS.raw(), TdcsField.CONFIG_FLEXIBLE_PENDING_VE);
        TdxGuest g = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config());
        assertThat(g.info().septVeDisabled()).isFalse();
        assertThat(td.tdcs.get(TdcsField.TD_CTLS.raw()) & TdcsField.TD_CTLS_PENDING_VE_DISABLE).isZero();
        assertThat(td.vmcalls(FATAL)).isEmpty();
    }

    @Test
    @DisplayName("CONFIG_FLAGS unreadable: treated as not flexible, so SEPT_VE_DISABLE decides (here set: boot)")
    void unreadableConfigFlags() {
        td.tdcs.remove(TdcsField.CONFIG_FLAGS.raw());
        TdxGuest g = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config());
        assertThat(g.info().septVeDisabled()).isTrue();
        assertThat(td.tdcs.get(TdcsField.TD_CTLS.raw()) & TdcsField.TD_CTLS_PENDING_VE_DISABLE).isZero();
    }
}
