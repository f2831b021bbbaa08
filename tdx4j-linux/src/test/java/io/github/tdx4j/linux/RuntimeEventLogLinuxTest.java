package io.github.tdx4j.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.tdx4j.attest.eventlog.RuntimeEvent;
import io.github.tdx4j.attest.eventlog.RuntimeEventLog;
import io.github.tdx4j.attest.eventlog.RuntimeLogReplay;
import io.github.tdx4j.guest.attest.AttestationException;
import io.github.tdx4j.linux.internal.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Extends through the RTMR sysfs files recorded in the persistent runtime event log first, on the fake kernel tree. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeEventLogLinuxTest {
    @TempDir
    Path tmp;
    FakeTdxGuest td;
    LinuxTdAttestation att;
    RuntimeEventLog log;
    List<byte[]> boot;

    @BeforeEach
    void setUp() {
        td = FakeTdxGuest.tdGuest(tmp.resolve("root"));
        FakeTdxGuest.FakeTime time = new FakeTdxGuest.FakeTime();
        att = new LinuxTdAttestation(td, Backoff.NONE, time, time, "test");
        log = RuntimeEventLog.at(tmp.resolve("run/tdx4j/runtime-events.cel.json-seq"));
        att.useRuntimeEventLog(log);
        boot = att.rtmrs(); // the fake TD's RTMRs before any runtime extend
    }

    @Test
    @DisplayName("extends are recorded before the sysfs write; replay on the boot values reproduces the RTMRs")
    void recordedAndReplayed() throws Exception {
        att.extendRtmr(2, FakeTdxGuest.filled(0x01), "kernel module");
        att.extendRtmr(3, FakeTdxGuest.filled(0x02), "app.jar");
        RuntimeEventLog.Contents c = log.read();
        assertThat(c.events()).extracting(RuntimeEvent::description).containsExactly("kernel module", "app.jar");
        assertThat(c.events().get(0).rtmrBefore()).isEqualTo(boot.get(2));
        RuntimeLogReplay.Result r = RuntimeLogReplay.replay(boot, c, att.rtmrs());
        assertThat(r.matches()).isTrue();
        assertThat(r.unconfirmed()).isEmpty();
        assertThat(att.rtmrs().get(3)).isEqualTo(FakeTdxGuest.extend(boot.get(3), FakeTdxGuest.filled(0x02)));
    }

    @Test
    @DisplayName("a sysfs extend that fails (EIO) leaves its record unconfirmed; replay matches and names it")
    void failedExtend() throws Exception {
        att.extendRtmr(2, FakeTdxGuest.filled(0x01), "one");
        td.rtmrWriteErrors.add(Errno.EIO);
        AttestationException e = catchThrowableOfType(AttestationException.class,
                () -> att.extendRtmr(2, FakeTdxGuest.filled(0x02), "refused"));
        assertThat(e.reason()).isEqualTo(AttestationException.Reason.MODULE_ERROR);
        RuntimeLogReplay.Result r = RuntimeLogReplay.replay(boot, log.read(), att.rtmrs());
        assertThat(r.matches()).isTrue();
        assertThat(r.unconfirmed()).extracting(RuntimeEvent::description).containsExactly("refused");
        assertThat(att.eventLog()).extracting(ev -> ev.description()).containsExactly("one");
    }

    @Test
    @DisplayName("a log that cannot be written refuses the extend with IO_ERROR naming the file; the RTMR is unchanged")
    void unwritableLog() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("not-a-dir"), "x");
        att.useRuntimeEventLog(RuntimeEventLog.at(blocker.resolve("log")));
        AttestationException e = catchThrowableOfType(AttestationException.class,
                () -> att.extendRtmr(3, FakeTdxGuest.filled(0x05), "x"));
        assertThat(e.reason()).isEqualTo(AttestationException.Reason.IO_ERROR);
        assertThat(e.failure().detail()).contains("runtime event log " + blocker.resolve("log"))
                .contains("the RTMR was not extended");
        assertThat(att.rtmrs().get(3)).isEqualTo(boot.get(3));
    }
}
