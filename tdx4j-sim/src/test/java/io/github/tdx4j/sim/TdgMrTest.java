package io.github.tdx4j.sim;

import static io.github.tdx4j.sim.Tdx.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.abi.TdcallLeaf;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TdgMrTest {
    private static final long REPORT = 0x10_0000;
    private static final long DATA = 0x10_0400;

    private static byte[] sha384(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-384");
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    private static byte[] report(SimulatedTd td, byte[] reportData) {
        td.memory().write(DATA, reportData);
        assertThat(status(td, TdcallLeaf.TDG_MR_REPORT, REPORT, DATA, 0, 0)).isZero();
        return td.memory().read(REPORT, TdReportLayout.SIZE);
    }

    @Test
    @DisplayName("TDG.MR.REPORT writes a 1024-byte TDREPORT_STRUCT whose hashes are SHA-384 of TEE_TCB_INFO and TDINFO")
    void reportLayout() throws Exception {
        SimulatedTd td = SimulatedTd.boot();
        byte[] rd = new byte[64];
        for (int i = 0; i < 64; i++) {
            rd[i] = (byte) i;
        }
        byte[] r = report(td, rd);
        assertThat(Arrays.copyOfRange(r, 0, 4)).containsExactly(0x81, 0, 1, 0);
        assertThat(Arrays.copyOfRange(r, 128, 192)).isEqualTo(rd);
        assertThat(Arrays.copyOfRange(r, 32, 80)).isEqualTo(sha384(Arrays.copyOfRange(r, 256, 495)));
        assertThat(Arrays.copyOfRange(r, 80, 128)).isEqualTo(sha384(Arrays.copyOfRange(r, 512, 1024)));
        assertThat(Arrays.copyOfRange(r, 256, 264)).as("TEE_TCB_INFO.VALID as a real TDX 1.5 report")
                .isEqualTo(Tdx.hex("ff01030000000000"));
        assertThat(Arrays.copyOfRange(r, 528, 576)).isEqualTo(td.config().mrTd().toByteArray());
        assertThat(r[512 + 3]).as("SEPT_VE_DISABLE (bit 28) in ATTRIBUTES").isEqualTo((byte) 0x10);
        assertThat(Arrays.copyOfRange(r, 384, 400)).as("TEE_TCB_SVN2").isEqualTo(td.config().teeTcbSvn());
    }

    @Test
    @DisplayName("TDG.MR.REPORT rejects RCX not 1024-aligned (RCX), RDX not 64-aligned (RDX) and subtype != 0 (R8)")
    void reportOperands() {
        SimulatedTd td = SimulatedTd.boot();
        assertThat(status(td, TdcallLeaf.TDG_MR_REPORT, REPORT + 64, DATA, 0, 0)).isEqualTo(0xC000_0100_0000_0001L);
        assertThat(status(td, TdcallLeaf.TDG_MR_REPORT, REPORT, DATA + 8, 0, 0)).isEqualTo(0xC000_0100_0000_0002L);
        assertThat(status(td, TdcallLeaf.TDG_MR_REPORT, REPORT, DATA, 1, 0)).isEqualTo(0xC000_0100_0000_0008L);
        assertThat(status(td, TdcallLeaf.TDG_MR_REPORT, REPORT | td.config().sharedBit(), DATA, 0, 0))
                .isEqualTo(0xC000_0100_0000_0001L);
    }

    @Test
    @DisplayName("A TDCALL memory operand on a private page the host refuses to map stops the TD")
    void refusedOperandMapping() {
        SimulatedTd td = SimulatedTd.boot(TdConfig.builder().septVeDisable(false).debug(true).build(),
                SimSettings.strict(), RefusingVmm.FACTORY);
        long unmapped = 1L << 30;
        assertThatThrownBy(() -> status(td, TdcallLeaf.TDG_MR_REPORT, REPORT, unmapped, 0, 0))
                .isInstanceOf(TdStopped.class);
        assertThat(td.stopReason().kind()).isEqualTo(StopReason.Kind.UNRESOLVED_EPT_VIOLATION);
    }

    @Test
    @DisplayName("TDG.MR.RTMR.EXTEND sets RTMR = SHA-384(RTMR || data) and the TDREPORT shows it")
    void extend() throws Exception {
        SimulatedTd td = SimulatedTd.boot();
        byte[] digest = sha384("event".getBytes());
        td.memory().write(DATA, digest);
        assertThat(status(td, TdcallLeaf.TDG_MR_RTMR_EXTEND, DATA, 2, 0, 0)).isZero();
        byte[] expected = sha384(new byte[48], digest);
        assertThat(td.rtmr(2)).isEqualTo(expected);
        byte[] r = report(td, new byte[64]);
        assertThat(Arrays.copyOfRange(r, TdReportLayout.rtmrOffset(2), TdReportLayout.rtmrOffset(2) + 48))
                .isEqualTo(expected);
    }

    @Test
    @DisplayName("TDG.MR.RTMR.EXTEND rejects index 4 with OPERAND_INVALID(RDX) and unaligned data with OPERAND_INVALID(RCX)")
    void extendOperands() {
        SimulatedTd td = SimulatedTd.boot();
        assertThat(status(td, TdcallLeaf.TDG_MR_RTMR_EXTEND, DATA, 4, 0, 0)).isEqualTo(0xC000_0100_0000_0002L);
        assertThat(status(td, TdcallLeaf.TDG_MR_RTMR_EXTEND, DATA + 32, 0, 0, 0)).isEqualTo(0xC000_0100_0000_0001L);
        assertThat(td.rtmr(0)).isEqualTo(new byte[48]);
    }

    @Test
    @DisplayName("TDG.MR.VERIFYREPORT accepts a report of this platform and rejects a tampered one with INVALID_REPORTMACSTRUCT")
    void verifyReport() {
        SimulatedTd td = SimulatedTd.boot();
        byte[] r = report(td, new byte[64]);
        assertThat(status(td, TdcallLeaf.TDG_MR_VERIFYREPORT, REPORT, 0, 0, 0)).isZero();
        r[130] ^= 1;
        td.memory().write(REPORT, r);
        assertThat(status(td, TdcallLeaf.TDG_MR_VERIFYREPORT, REPORT, 0, 0, 0)).isEqualTo(0xC000_1001_0000_0000L);
        SimulatedTd other = SimulatedTd.boot(TdConfig.production(), SimSettings.builder().seed(1).build());
        r[130] ^= 1;
        other.memory().write(REPORT, r);
        assertThat(status(other, TdcallLeaf.TDG_MR_VERIFYREPORT, REPORT, 0, 0, 0))
                .as("another platform's key").isEqualTo(0xC000_1001_0000_0000L);
    }

    @Test
    @DisplayName("The same seed gives byte-identical TDREPORTs; another seed another MAC")
    void deterministic() {
        byte[] a = report(SimulatedTd.boot(), new byte[64]);
        byte[] b = report(SimulatedTd.boot(), new byte[64]);
        byte[] c = report(SimulatedTd.boot(TdConfig.production(), SimSettings.builder().seed(7).build()), new byte[64]);
        assertThat(a).isEqualTo(b);
        assertThat(Arrays.copyOfRange(c, 224, 256)).isNotEqualTo(Arrays.copyOfRange(a, 224, 256));
    }
}
