package io.github.tdx4j.linux.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.foreign.MemoryLayout.PathElement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FFM plumbing on real kernel objects of any Linux machine: a pipe answers FIONREAD through the same ioctl
 * downcall TDX_CMD_GET_REPORT0 uses, /dev/null refuses both with ENOTTY, and errno arrives intact.
 */
class LinuxSyscallsTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("TDX_CMD_GET_REPORT0 = _IOWR('T', 1, struct tdx_report_req) = 0xC4405401 (include/uapi/linux/tdx-guest.h)")
    void reportIoctlNumber() {
        assertThat(LinuxSyscalls.TDX_CMD_GET_REPORT0).isEqualTo(0xC4405401L);
        assertThat(LinuxSyscalls.TDX_REPORT_REQ.byteSize()).isEqualTo(1088);
        assertThat(LinuxSyscalls.TDX_REPORT_REQ.byteOffset(PathElement.groupElement("reportdata"))).isZero();
        assertThat(LinuxSyscalls.TDX_REPORT_REQ.byteOffset(PathElement.groupElement("tdreport"))).isEqualTo(64);
    }

    @Test
    @DisplayName("_IOWR encodes dir 3 in bits 31:30, size in 29:16, type in 15:8, nr in 7:0; size over 14 bits is refused")
    void iowrEncoding() {
        assertThat(LinuxSyscalls.iowr('T', 2, 16)).isEqualTo(0xC0105402L);
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> LinuxSyscalls.iowr('T', 1, 1 << 14)))
                .isNotNull();
    }

    @Test
    @DisplayName("FIONREAD (0x541B) on a pipe holding 9 bytes returns 9 through the ioctl downcall")
    void fionreadOnPipe() throws Exception {
        Path fifo = tmp.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mk.waitFor(10, TimeUnit.SECONDS)).as("mkfifo finished").isTrue();
        assertThat(mk.exitValue()).as("mkfifo exit code").isZero();

        // O_RDWR on a FIFO does not block on Linux (fifo(7)): this descriptor is both ends.
        int fd = LinuxSyscalls.open(fifo.toString(), LinuxSyscalls.O_RDWR);
        try {
            assertThat(LinuxSyscalls.ioctlReadInt(fd, "fifo", LinuxSyscalls.FIONREAD)).isZero();
            assertThat(LinuxSyscalls.write(fd, "fifo", "tdx4j-tdx".getBytes(StandardCharsets.US_ASCII))).isEqualTo(9);
            assertThat(LinuxSyscalls.ioctlReadInt(fd, "fifo", LinuxSyscalls.FIONREAD)).isEqualTo(9);
        } finally {
            LinuxSyscalls.close(fd, "fifo");
        }
    }

    @Test
    @DisplayName("an ioctl /dev/null does not know fails with errno ENOTTY (25), for FIONREAD and TDX_CMD_GET_REPORT0")
    void enottyOnDevNull() throws Exception {
        int fd = LinuxSyscalls.open("/dev/null", LinuxSyscalls.O_RDWR);
        try {
            KernelFileException e = catchThrowableOfType(KernelFileException.class,
                    () -> LinuxSyscalls.ioctlReadInt(fd, "/dev/null", LinuxSyscalls.FIONREAD));
            assertThat(e.errno()).isEqualTo(Errno.ENOTTY);
            assertThat(e).hasMessage("ioctl(0x541B) /dev/null: ENOTTY (25)");

            KernelFileException r = catchThrowableOfType(KernelFileException.class,
                    () -> LinuxSyscalls.getReport0(fd, "/dev/null", new byte[64]));
            assertThat(r.errno()).isEqualTo(Errno.ENOTTY);
            assertThat(r.operation()).isEqualTo("ioctl(TDX_CMD_GET_REPORT0)");
        } finally {
            LinuxSyscalls.close(fd, "/dev/null");
        }
    }

    @Test
    @DisplayName("errno of each call is its own: ENOENT from open, EBADF from ioctl/close on a closed descriptor")
    void errnoPerCall() throws Exception {
        KernelFileException open = catchThrowableOfType(KernelFileException.class,
                () -> LinuxSyscalls.open(tmp.resolve("absent").toString(), LinuxSyscalls.O_RDONLY));
        assertThat(open.errno()).isEqualTo(Errno.ENOENT);

        Path f = Files.writeString(tmp.resolve("f"), "x");
        int fd = LinuxSyscalls.open(f.toString(), LinuxSyscalls.O_RDONLY);
        LinuxSyscalls.close(fd, "f");
        assertThat(catchThrowableOfType(KernelFileException.class,
                () -> LinuxSyscalls.ioctlReadInt(fd, "f", LinuxSyscalls.FIONREAD)).errno()).isEqualTo(Errno.EBADF);
        assertThat(catchThrowableOfType(KernelFileException.class, () -> LinuxSyscalls.close(fd, "f")).errno())
                .isEqualTo(Errno.EBADF);
    }

    @Test
    @DisplayName("files through NativeKernelFiles: write, read back, EFBIG past the limit, EEXIST, ENOTEMPTY, EISDIR")
    void fileOperations() throws Exception {
        NativeKernelFiles files = new NativeKernelFiles(tmp);
        files.mkdir("d");
        Files.writeString(tmp.resolve("d/a"), "");

        assertThat(files.write("d/a", new byte[] {1, 2, 3})).isEqualTo(3);
        assertThat(files.read("d/a", 3)).containsExactly(1, 2, 3);
        assertThat(catchThrowableOfType(KernelFileException.class, () -> files.read("d/a", 2)).errno())
                .isEqualTo(Errno.EFBIG);
        assertThat(catchThrowableOfType(KernelFileException.class, () -> files.mkdir("d")).errno())
                .isEqualTo(Errno.EEXIST);
        assertThat(catchThrowableOfType(KernelFileException.class, () -> files.rmdir("d")).errno())
                .isEqualTo(Errno.ENOTEMPTY);
        assertThat(catchThrowableOfType(KernelFileException.class, () -> files.write("d", new byte[1])).errno())
                .isEqualTo(Errno.EISDIR);
        Files.delete(tmp.resolve("d/a"));
        files.rmdir("d");
        assertThat(files.exists("d")).isFalse();
    }

    @Test
    @DisplayName("/proc files, whose size reads as 0, are read to the end")
    void procFile() throws Exception {
        byte[] release = new NativeKernelFiles(Path.of("/")).read("proc/sys/kernel/osrelease", 256);

        assertThat(new String(release, StandardCharsets.US_ASCII).strip())
                .isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
    }

    @Test
    @DisplayName("native access is enabled for this code (surefire's --enable-native-access), so the JDK prints no warning")
    void nativeAccessEnabled() {
        assertThat(LinuxSyscalls.class.getModule().isNativeAccessEnabled()).isTrue();
    }

    @Test
    @DisplayName("an errno this table does not name prints as a number and never throws")
    void unknownErrno() {
        assertThat(new Errno(200)).hasToString("errno 200");
        assertThat(new Errno(200).symbol()).isNull();
        assertThat(Errno.EBUSY).hasToString("EBUSY (16)");
    }
}
