package io.github.tdx4j.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdcsField;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.call.GuestBugException;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxPolicyPanic;
import io.github.tdx4j.call.TdxModuleFault;
import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BootAndFatalTest {
    private static final long FATAL = TdvmcallSubFunction.REPORT_FATAL_ERROR.raw();
    private final FakeTd td = new FakeTd();

    @Test
    @DisplayName("Boot: GPAW 52 gives shared bit 51; NOTIFY_ENABLES cleared; REDUCE_VE enabled")
    void boot() {
        TdxGuest g = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config());
        assertThat(g.info().gpaWidth()).isEqualTo(52);
        assertThat(g.info().sharedMask()).isEqualTo(1L << 51);
        assertThat(td.tdcs.get(TdcsField.NOTIFY_ENABLES.raw())).isZero();
        assertThat(td.tdcs.get(TdcsField.TD_CTLS.raw()) & TdcsField.TD_CTLS_REDUCE_VE).isNotZero();
        assertThat(g.info().reduceVe()).isTrue();
        assertThat(g.info().enumTopology()).isFalse();
        assertThat(td.veHandler).isSameAs(g.veHandler());
    }

    @Test
    @DisplayName("GuestConfig.checking: on, a guest's spec violation is refused before any TDCALL; off, it reaches "
            + "the platform")
    void checkingOnAndOff() {
        TdxGuest checked = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config());
        int before = td.calls.size();
        // TDG.VP.INFO takes no input but RAX: an RCX of 1 is the guest's spec violation.
        assertThatThrownBy(() -> checked.calls().tdcall(TdcallLeaf.TDG_VP_INFO, 1, 0, 0, 0, 0, 0))
                .isInstanceOf(GuestBugException.class);
        assertThat(td.calls).as("no TDCALL left the guest").hasSize(before);

        FakeTd other = new FakeTd();
        TdxGuest unchecked = TdxGuest.boot(other, Boot.TD_CPUID, Boot.config().withChecking(false));
        int start = other.calls.size();
        unchecked.calls().tdcall(TdcallLeaf.TDG_VP_INFO, 1, 0, 0, 0, 0, 0);
        assertThat(other.calls).as("the unchecked call reached the platform").hasSize(start + 1);
        assertThat(other.calls.getLast()[0].rcx()).isEqualTo(1);
    }

    @Test
    @DisplayName("GPAW 48 gives shared bit 47")
    void gpaw48() {
        td.gpaw = 48;
        assertThat(TdxGuest.boot(td, Boot.TD_CPUID, Boot.config()).info().sharedMask()).isEqualTo(1L << 47);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 47, 51, 53, 63})
    @DisplayName("TDG.VP.INFO with a GPAW other than 48 or 52 stops boot (TDX_MODULE): no shared bit is guessed")
    void gpawOutOfSpec(int gpaw) {
        td.gpaw = gpaw;
        assertThatThrownBy(() -> TdxGuest.boot(td, Boot.TD_CPUID, Boot.config()))
                .isInstanceOfSatisfying(TdxPolicyPanic.class, p -> {
                    assertThat(p.origin()).isEqualTo(Origin.TDX_MODULE);
                    assertThat(p.failure().site()).isEqualTo("tdx.init.gpaw");
                });
        assertThat(td.veHandler).as("no #VE handler with a wrong shared bit").isNull();
    }

    @Test
    @DisplayName("REDUCE_VE refused: falls back to ENUM_TOPOLOGY when TOPOLOGY_ENUM_CONFIGURED, else neither")
    void reduceVeFallback() {
        td.writableTdCtls = TdcsField.TD_CTLS_ENUM_TOPOLOGY | TdcsField.TD_CTLS_PENDING_VE_DISABLE;
        TdInfo i = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config()).info();
        assertThat(i.reduceVe()).isFalse();
        assertThat(i.enumTopology()).isTrue();
        assertThat(td.tdcs.get(TdcsField.TD_CTLS.raw()) & TdcsField.TD_CTLS_ENUM_TOPOLOGY).isNotZero();

        FakeTd t = new FakeTd();
        t.writableTdCtls = TdcsField.TD_CTLS_ENUM_TOPOLOGY;
        t.tdcs.put(TdcsField.TOPOLOGY_ENUM_CONFIGURED.raw(), 0L);
        TdInfo j = TdxGuest.boot(t, Boot.TD_CPUID, Boot.config()).info();
        assertThat(j.enumTopology()).isFalse();
        assertThat(t.tdcs.get(TdcsField.TD_CTLS.raw())).isZero();
    }

    @Test
    @DisplayName("No SEPT_VE_DISABLE in a non-debug TD: ReportFatalError \"TD misconfiguration\" and stop, origin VMM")
    void septVeRequired() {
        td.attributes = new TdAttributes(0);
        td.vmm.put(FATAL, in -> in.withR10(0));
        assertThatThrownBy(() -> TdxGuest.boot(td, Boot.TD_CPUID, Boot.config()))
                .isInstanceOfSatisfying(TdxPolicyPanic.class, p -> assertThat(p.origin()).isEqualTo(Origin.VMM));
        Registers r = td.vmcalls(FATAL).getFirst();
        assertThat(message(r)).isEqualTo("TD misconfiguration: SEPT #VE has to be disabled");
        assertThat(td.veHandler).as("no #VE handler installed").isNull();
    }

    @Test
    @DisplayName("A DEBUG TD without SEPT_VE_DISABLE boots (with a warning) and keeps #VE enabled")
    void debugTdWarns() {
        td.attributes = TdAttributes.ofBits(TdAttributes.DEBUG_BIT);
        TdxGuest g = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config());
        assertThat(g.info().septVeDisabled()).isFalse();
        assertThat(g.failures().count(Origin.VMM)).isEqualTo(1);
        assertThat(td.vmcalls(FATAL)).isEmpty();
    }

    @Test
    @DisplayName("FLEXIBLE_PENDING_VE: the guest sets TD_CTLS.PENDING_VE_DISABLE itself")
    void flexiblePendingVe() {
        td.attributes = new TdAttributes(0);
        td.tdcs.put(TdcsField.CONFIG_FLAGS.raw(), TdcsField.CONFIG_FLEXIBLE_PENDING_VE);
        TdxGuest g = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config());
        assertThat(g.info().septVeDisabled()).isTrue();
        assertThat(td.tdcs.get(TdcsField.TD_CTLS.raw()) & TdcsField.TD_CTLS_PENDING_VE_DISABLE).isNotZero();
    }

    @Test
    @DisplayName("FLEXIBLE_PENDING_VE with PENDING_VE_DISABLE already set: SEPT #VE is disabled, even in a DEBUG TD")
    void pendingVeDisabledBeforeUs() {
        td.attributes = TdAttributes.ofBits(TdAttributes.DEBUG_BIT);
        td.tdcs.put(TdcsField.CONFIG_FLAGS.raw(), TdcsField.CONFIG_FLEXIBLE_PENDING_VE);
        td.tdcs.put(TdcsField.TD_CTLS.raw(), TdcsField.TD_CTLS_PENDING_VE_DISABLE);
        TdxGuest g = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config());
        assertThat(g.info().septVeDisabled())
                .as("decides whose fault a private-memory #VE is: the module's, not the guest's").isTrue();
        assertThat(g.failures().count(Origin.VMM)).isZero();
    }

    @Test
    @DisplayName("CPUID 0x21 without \"IntelTDX    \" is not a TD; TDG.VP.INFO failing is a TdxModuleFault")
    void detection() {
        assertThatThrownBy(() -> TdxGuest.boot(td, (l, s) -> new CpuidInstruction.Result(0, 0x756E6547, 0x6C65746E,
                0x49656E69), Boot.config())).isInstanceOf(GuestBugException.class);
        td.failLeaf.put(TdcallLeaf.TDG_VP_INFO, TdxStatus.OPERAND_INVALID.raw());
        assertThatThrownBy(() -> TdxGuest.boot(td, Boot.TD_CPUID, Boot.config())).isInstanceOf(TdxModuleFault.class);
    }

    @Test
    @DisplayName("ReportFatalError: R12 = 0, the 64-byte message in R14, R15, RBX, RDI, RSI, R8, R9, RDX, NUL-padded")
    void reportFatalErrorPacking() {
        String msg = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!?<cut>";
        var req = FatalErrorReporter.request(msg);
        assertThat(req.r12()).isZero();
        assertThat(req.r11()).isEqualTo(FATAL);
        assertThat(le(req.r14())).isEqualTo("01234567");
        assertThat(le(req.r15())).isEqualTo("89abcdef");
        assertThat(le(req.rbx())).isEqualTo("ghijklmn");
        assertThat(le(req.rdi())).isEqualTo("opqrstuv");
        assertThat(le(req.rsi())).isEqualTo("wxyzABCD");
        assertThat(le(req.r8())).isEqualTo("EFGHIJKL");
        assertThat(le(req.r9())).isEqualTo("MNOPQRST");
        assertThat(le(req.rdx())).isEqualTo("UVWXYZ!?");
        assertThat(le(FatalErrorReporter.request("é\n\0\u20ac~").r14()))
                .as("only printable ASCII reaches the VMM; anything else is '?'").isEqualTo("????~\0\0\0");
        var shortReq = FatalErrorReporter.request("oops");
        assertThat(shortReq.r14()).isEqualTo(0x73706f6fL);
        assertThat(shortReq.rdx()).isZero();
    }

    private static String le(long v) {
        return new String(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array(),
                StandardCharsets.US_ASCII);
    }

    static String message(Registers r) {
        StringBuilder sb = new StringBuilder();
        for (long v : new long[] {r.r14(), r.r15(), r.rbx(), r.rdi(), r.rsi(), r.r8(), r.r9(), r.rdx()}) {
            sb.append(le(v));
        }
        return sb.toString().replace("\0", "");
    }
}
