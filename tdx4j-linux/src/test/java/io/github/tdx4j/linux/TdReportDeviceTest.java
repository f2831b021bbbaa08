package io.github.tdx4j.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.guest.attest.AttestationException;
import io.github.tdx4j.guest.attest.AttestationException.Reason;
import io.github.tdx4j.linux.internal.Errno;
import io.github.tdx4j.linux.internal.NativeKernelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TDREPORT through ioctl(TDX_CMD_GET_REPORT0) on /dev/tdx_guest: the errno table and the REPORTDATA echo. */
class TdReportDeviceTest {
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

    private AttestationException fails() {
        return catchThrowableOfType(AttestationException.class, () -> att.report(ConfigfsTsmQuoteTest.reportData()));
    }

    @Test
    @DisplayName("the TDREPORT echoes REPORTDATA at REPORTMACSTRUCT offset 128 (tdx_guest_test.c verify_report)")
    void echoesReportData() {
        byte[] report = att.report(ConfigfsTsmQuoteTest.reportData());

        assertThat(report).hasSize(1024);
        assertThat(Arrays.copyOfRange(report, 128, 192)).isEqualTo(ConfigfsTsmQuoteTest.reportData());
    }

    @Test
    @DisplayName("a TDREPORT that does not echo REPORTDATA is refused as MODULE_ERROR")
    void mismatchRefused() {
        td.corruptReport = true;

        AttestationException e = fails();

        assertThat(e.reason()).isEqualTo(Reason.MODULE_ERROR);
        assertThat(e.failure().detail()).contains("does not bind");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"6, MODULE_ERROR, TDX_MODULE, TDX_OPERAND_INVALID", "22, MODULE_ERROR, TDX_MODULE, older kernels EINVAL",
            "5, MODULE_ERROR, TDX_MODULE, dmesg", "25, UNAVAILABLE, GUEST_BUG, not the Linux tdx_guest device",
            "14, IO_ERROR, GUEST_BUG, EFAULT (14)"})
    @DisplayName("tdx_get_report0's errnos: ENXIO/EINVAL = TDX_OPERAND_INVALID, EIO = other status, ENOTTY = wrong device")
    void ioctlErrno(int errno, Reason reason, Origin origin, String advice) {
        td.reportErrors.add(new Errno(errno));

        AttestationException e = fails();

        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.origin()).isEqualTo(origin);
        assertThat(e.failure().detail()).contains(advice);
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    @DisplayName("EBUSY (TDX_OPERAND_BUSY) is retried, then BUSY from the TDX module")
    void busy() {
        td.reportErrors.add(Errno.EBUSY);
        assertThat(att.report(ConfigfsTsmQuoteTest.reportData())).hasSize(1024);

        for (int i = 0; i < 5; i++) {
            td.reportErrors.add(Errno.EBUSY);
        }
        AttestationException e = fails();
        assertThat(e.reason()).isEqualTo(Reason.BUSY);
        assertThat(e.origin()).isEqualTo(Origin.TDX_MODULE);
        assertThat(td.reportCalls).isEqualTo(2 + 5);
    }

    @Test
    @DisplayName("no /dev/tdx_guest: UNAVAILABLE from the real open's ENOENT, naming the driver")
    void deviceMissing() throws Exception {
        Files.delete(tmp.resolve(KernelPaths.DEVICE));

        AttestationException e = fails();

        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(e.failure().detail()).contains("does not exist").contains("modprobe tdx_guest");
    }

    @Test
    @DisplayName("a device that is not tdx_guest (/dev/null) gives a real ENOTTY through the real ioctl")
    void realEnotty() throws Exception {
        Path root = tmp.resolve("null-device");
        Files.createDirectories(root.resolve("dev"));
        Files.createSymbolicLink(root.resolve(KernelPaths.DEVICE), Path.of("/dev/null"));
        LinuxTdAttestation real = new LinuxTdAttestation(new NativeKernelFiles(root), Backoff.NONE, time, time, "t");

        AttestationException e = catchThrowableOfType(AttestationException.class,
                () -> real.report(new byte[64]));

        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(e.failure().detail()).contains("ENOTTY").contains("TDX_CMD_GET_REPORT0");
        assertThat(e.getCause()).hasMessageContaining("ENOTTY (25)");
        Files.delete(root.resolve(KernelPaths.DEVICE)); // the link only; @TempDir warns about links leaving it
    }

    @Test
    @DisplayName("open EACCES is UNAVAILABLE with 'run as root'")
    void openDenied() {
        LinuxTdAttestation denied = new LinuxTdAttestation(new DelegatingFiles(td) {
            @Override
            public byte[] getReport0(String relative, byte[] reportData)
                    throws io.github.tdx4j.linux.internal.KernelFileException {
                throw new io.github.tdx4j.linux.internal.KernelFileException(Errno.EACCES, "open",
                        display(relative));
            }
        }, Backoff.NONE, time, time, "t");

        AttestationException e = catchThrowableOfType(AttestationException.class,
                () -> denied.report(new byte[64]));

        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(e.failure().detail()).contains("run as root");
    }

    @Test
    @DisplayName("REPORTDATA of other than 64 bytes is INVALID_ARGUMENT and reaches no device")
    void reportDataSize() {
        AttestationException e = catchThrowableOfType(AttestationException.class, () -> att.report(new byte[65]));

        assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
        assertThat(td.reportCalls).isZero();
    }
}
