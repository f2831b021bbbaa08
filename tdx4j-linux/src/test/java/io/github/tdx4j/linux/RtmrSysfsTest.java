package io.github.tdx4j.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.guest.attest.AttestationException;
import io.github.tdx4j.guest.attest.AttestationException.Reason;
import io.github.tdx4j.guest.attest.TdAttestation.RtmrEvent;
import io.github.tdx4j.linux.internal.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RTMR read and extend, MRTD read, through /sys/class/misc/tdx_guest/measurements (Linux 6.16) on a fake tree. */
class RtmrSysfsTest {
    @TempDir
    Path tmp;
    FakeTdxGuest td;
    FakeTdxGuest.FakeTime time;
    LinuxTdAttestation att;

    @BeforeEach
    void setUp() {
        td = FakeTdxGuest.tdGuest(tmp);
        time = new FakeTdxGuest.FakeTime();
        att = new LinuxTdAttestation(td, Backoff.DEFAULT, time, time, "test");
    }

    private AttestationException fails(Runnable r) {
        return catchThrowableOfType(AttestationException.class, r::run);
    }

    @Test
    @DisplayName("rtmrs() and mrTd() read the four rtmrN:sha384 files and mrtd:sha384, 48 bytes each")
    void readsMeasurements() {
        List<byte[]> rtmrs = att.rtmrs();

        assertThat(rtmrs).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(rtmrs.get(i)).isEqualTo(FakeTdxGuest.filled(0x20 + i));
        }
        assertThat(att.mrTd().toByteArray()).isEqualTo(FakeTdxGuest.filled(0x11));
    }

    @Test
    @DisplayName("extend writes the digest once, and replaying eventLog() from the old value gives the new RTMR")
    void extendAndReplay() {
        byte[] before = att.rtmrs().get(2);
        byte[] d1 = FakeTdxGuest.filled(0xA1);
        byte[] d2 = FakeTdxGuest.filled(0xB2);

        att.extendRtmr(2, d1, "config file");
        att.extendRtmr(3, FakeTdxGuest.filled(0xC3), "other register");
        att.extendRtmr(2, d2, "binary");

        byte[] replay = before;
        for (RtmrEvent ev : att.eventLog()) {
            if (ev.index() == 2) {
                replay = FakeTdxGuest.extend(replay, ev.digest());
            }
        }
        assertThat(att.rtmrs().get(2)).isEqualTo(replay);
        assertThat(att.eventLog()).extracting(RtmrEvent::index, RtmrEvent::description)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, "config file"),
                        org.assertj.core.groups.Tuple.tuple(3, "other register"),
                        org.assertj.core.groups.Tuple.tuple(2, "binary"));
    }

    @Test
    @DisplayName("a digest of other than 48 bytes and an index outside 0..3 are INVALID_ARGUMENT; nothing is logged")
    void argumentChecks() {
        assertThat(fails(() -> att.extendRtmr(2, new byte[47], "x")).reason()).isEqualTo(Reason.INVALID_ARGUMENT);
        assertThat(fails(() -> att.extendRtmr(4, new byte[48], "x")).reason()).isEqualTo(Reason.INVALID_ARGUMENT);
        assertThat(fails(() -> att.extendRtmr(-1, new byte[48], "x")).reason()).isEqualTo(Reason.INVALID_ARGUMENT);
        assertThat(att.eventLog()).isEmpty();
    }

    @Test
    @DisplayName("a partial write is IO_ERROR and is not recorded, so the log never claims an extend that did not happen")
    void partialWrite() {
        td.shortWrite = 40;

        AttestationException e = fails(() -> att.extendRtmr(2, new byte[48], "x"));

        assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
        assertThat(e.failure().detail()).contains("took 40 of 48");
        assertThat(att.eventLog()).isEmpty();
    }

    @Test
    @DisplayName("ENXIO (TDX_OPERAND_INVALID: RTMR locked) is MODULE_ERROR from the TDX module, not logged")
    void moduleRefuses() {
        td.rtmrWriteErrors.add(Errno.ENXIO);

        AttestationException e = fails(() -> att.extendRtmr(0, new byte[48], "x"));

        assertThat(e.reason()).isEqualTo(Reason.MODULE_ERROR);
        assertThat(e.origin()).isEqualTo(Origin.TDX_MODULE);
        assertThat(e.failure().detail()).contains("RTMR[0]").contains("RTMR 2 and 3");
        assertThat(att.eventLog()).isEmpty();
    }

    @Test
    @DisplayName("EIO is MODULE_ERROR, EINVAL is INVALID_ARGUMENT, EACCES is UNAVAILABLE")
    void otherErrnos() {
        td.rtmrWriteErrors.add(Errno.EIO);
        assertThat(fails(() -> att.extendRtmr(2, new byte[48], "x")).reason()).isEqualTo(Reason.MODULE_ERROR);
        td.rtmrWriteErrors.add(Errno.EINVAL);
        assertThat(fails(() -> att.extendRtmr(2, new byte[48], "x")).reason()).isEqualTo(Reason.INVALID_ARGUMENT);
        assertThat(att.eventLog()).isEmpty();
    }

    @Test
    @DisplayName("EBUSY (TDX_OPERAND_BUSY) is retried; the extend is logged once")
    void busyRetried() {
        td.rtmrWriteErrors.add(Errno.EBUSY);

        att.extendRtmr(3, new byte[48], "x");

        assertThat(att.eventLog()).hasSize(1);
        assertThat(time.sleeps).hasSize(1);
    }

    @Test
    @DisplayName("no measurements directory and no device (kernel < 6.16, not a TD): UNAVAILABLE naming Linux 6.16")
    void noSysfs() {
        FakeTdxGuest bare = FakeTdxGuest.empty(tmp.resolve("bare"));
        LinuxTdAttestation a = new LinuxTdAttestation(bare, Backoff.NONE, time, time, "test");

        AttestationException read = fails(a::rtmrs);
        AttestationException extend = fails(() -> a.extendRtmr(2, new byte[48], "x"));

        assertThat(read.reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(read.failure().detail()).contains("does not exist").contains("Linux 6.16");
        assertThat(extend.reason()).isEqualTo(Reason.UNAVAILABLE);
    }

    @Test
    @DisplayName("before Linux 6.16 (device but no measurements), rtmrs() and mrTd() come from a fresh TDREPORT")
    void fallbackToTdreport() throws Exception {
        FakeTdxGuest old = FakeTdxGuest.empty(tmp.resolve("old"));
        old.put("dev/tdx_guest", "");
        LinuxTdAttestation a = new LinuxTdAttestation(old, Backoff.NONE, time, time, "test");

        assertThat(a.rtmrs().get(1)).isEqualTo(FakeTdxGuest.filled(0x21));
        assertThat(a.mrTd().toByteArray()).isEqualTo(FakeTdxGuest.filled(0x11));
        assertThat(old.reportCalls).isEqualTo(2);
        assertThat(Files.exists(tmp.resolve("old").resolve(KernelPaths.MEASUREMENTS))).isFalse();
    }

    @Test
    @DisplayName("a measurement file that reads other than 48 bytes is IO_ERROR")
    void wrongSize() {
        td.put(KernelPaths.rtmr(1), new byte[47]);

        AttestationException e = fails(att::rtmrs);

        assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
        assertThat(e.failure().detail()).contains("47 bytes");
    }

    @Test
    @DisplayName("the digest array is copied: the caller changing it afterwards does not change the log")
    void digestCopied() {
        byte[] d = FakeTdxGuest.filled(7);
        att.extendRtmr(2, d, "x");
        d[0] = 99;

        assertThat(att.eventLog().getFirst().digest()).isEqualTo(FakeTdxGuest.filled(7));
    }
}
