package io.github.tdx4j.guest;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link TdxGuest#safeHalt}: Linux tdx_safe_halt, and what a VMM that refuses the halt gets. */
class SafeHaltTest {
    private static final long HLT = TdvmcallSubFunction.INSTRUCTION_HLT.raw();

    @Test
    @DisplayName("A HLT the VMM refuses returns false and is one VMM failure (Linux: WARN_ONCE, not fatal)")
    void refusedHaltIsAVmmFailure() {
        FakeTd td = new FakeTd();
        TdxGuest guest = Boot.boot(td);
        td.vmm.put(HLT, in -> FakeTd.answer(in, TdvmcallStatus.INVALID_OPERAND, 0));
        assertThat(guest.safeHalt()).isFalse();
        assertThat(guest.failures().count(Origin.VMM)).isEqualTo(1);
        assertThat(td.vmcalls(HLT)).hasSize(1);
    }

    @Test
    @DisplayName("A HLT the VMM accepts returns true and reports nothing")
    void acceptedHalt() {
        FakeTd td = new FakeTd();
        TdxGuest guest = Boot.boot(td);
        td.vmm.put(HLT, in -> FakeTd.answer(in, TdvmcallStatus.SUCCESS, 0));
        assertThat(guest.safeHalt()).isTrue();
        assertThat(guest.failures().count(Origin.VMM)).isZero();
    }
}
