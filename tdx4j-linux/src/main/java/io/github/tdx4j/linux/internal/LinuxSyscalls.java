package io.github.tdx4j.linux.internal;

import static io.github.tdx4j.linux.internal.Downcalls.CAPTURE;
import static io.github.tdx4j.linux.internal.Downcalls.downcall;
import static io.github.tdx4j.linux.internal.Downcalls.errno;
import static io.github.tdx4j.linux.internal.Downcalls.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * The libc file and ioctl system calls the Linux backend needs, through the FFM API: {@code open}, {@code read},
 * {@code write}, {@code close}, {@code mkdir}, {@code rmdir} and {@code ioctl(TDX_CMD_GET_REPORT0)}. The socket calls
 * are {@link LinuxSockets}; both call libc through {@link Downcalls}. This package holds all native code of tdx4j.
 *
 * <p>Why native at all: {@code ioctl(2)} and AF_VSOCK sockets (the guest's connection to the host's quote
 * generation service) have no Java API, and Java's file I/O hides errno (its exceptions carry a
 * locale-dependent message) and loops over short writes. The backend must tell EBUSY (retry) from EIO (the host
 * failed) from EINVAL (a partial write the kernel refused), so every call here returns the kernel's errno,
 * captured with {@link Linker.Option#captureCallState(String...)} right after the call, before the JVM can clobber
 * it. Each failing call throws a {@link KernelFileException} carrying that errno; nothing here interprets it.
 *
 * <p>Needs native access: {@code --enable-native-access=ALL-UNNAMED} on the class path,
 * {@code --enable-native-access=io.github.tdx4j.linux} on the module path, or the jar manifest line
 * {@code Enable-Native-Access: ALL-UNNAMED}; otherwise the JDK prints a warning on first use.
 */
public final class LinuxSyscalls {
    private LinuxSyscalls() {
    }

    /** {@code open(2)} flags, include/uapi/asm-generic/fcntl.h (x86-64). */
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    /** Close on exec, so a forked child never inherits the device. */
    public static final int O_CLOEXEC = 0x80000;

    /** FIONREAD (include/uapi/asm-generic/ioctls.h): bytes readable from a pipe or socket; used to test the plumbing. */
    public static final long FIONREAD = 0x541B;

    // _IOC encoding, include/uapi/asm-generic/ioctl.h: nr in bits 7:0, type in 15:8, size in 29:16, dir in 31:30.
    private static final int IOC_NRSHIFT = 0;
    private static final int IOC_TYPESHIFT = 8;
    private static final int IOC_SIZESHIFT = 16;
    private static final int IOC_DIRSHIFT = 30;
    private static final int IOC_SIZEBITS = 14;
    private static final int IOC_WRITE = 1;
    private static final int IOC_READ = 2;

    /** {@code _IOWR(type, nr, size)}: an ioctl that copies {@code size} bytes in and back out. */
    public static long iowr(char type, int nr, long size) {
        if (size < 0 || size >= (1L << IOC_SIZEBITS)) {
            throw new IllegalArgumentException("ioctl argument size must fit in 14 bits: " + size);
        }
        return ((long) (IOC_READ | IOC_WRITE) << IOC_DIRSHIFT) | (size << IOC_SIZESHIFT)
                | ((long) (type & 0xFF) << IOC_TYPESHIFT) | ((long) (nr & 0xFF) << IOC_NRSHIFT);
    }

    /**
     * {@code struct tdx_report_req { __u8 reportdata[64]; __u8 tdreport[1024]; }}, include/uapi/linux/tdx-guest.h:
     * REPORTDATA in, TDREPORT_STRUCT out.
     */
    public static final StructLayout TDX_REPORT_REQ = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(64, JAVA_BYTE).withName("reportdata"),
            MemoryLayout.sequenceLayout(1024, JAVA_BYTE).withName("tdreport")).withName("tdx_report_req");
    private static final long REPORTDATA_OFFSET = TDX_REPORT_REQ.byteOffset(PathElement.groupElement("reportdata"));
    private static final long TDREPORT_OFFSET = TDX_REPORT_REQ.byteOffset(PathElement.groupElement("tdreport"));
    private static final int REPORTDATA_LEN = 64;
    private static final int TDREPORT_LEN = 1024;

    /** {@code TDX_CMD_GET_REPORT0 = _IOWR('T', 1, struct tdx_report_req)} = 0xC4405401, the driver's only ioctl. */
    public static final long TDX_CMD_GET_REPORT0 = iowr('T', 1, TDX_REPORT_REQ.byteSize());

    // open(2) and ioctl(2) are variadic: the mode and the ioctl argument follow the "..." (index 2).
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle MKDIR = downcall("mkdir", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RMDIR = downcall("rmdir", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    /** {@code open(path, flags | O_CLOEXEC)}; returns the file descriptor. */
    public static int open(String path, int flags) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment cPath = arena.allocateFrom(path);
            int fd = (int) OPEN.invokeExact(capture, cPath, flags | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new KernelFileException(errno(capture), "open", path);
            }
            return fd;
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code close(fd)}; its errno is reported because some file systems report deferred write errors at close.
     * Not retried on EINTR: Linux has released the descriptor by then.
     */
    public static void close(int fd, String path) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            int rc = (int) CLOSE.invokeExact(capture, fd);
            if (rc < 0) {
                throw new KernelFileException(errno(capture), "close", path);
            }
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Bytes asked of each {@code read(2)}: a quote fits in one or two. */
    private static final int READ_CHUNK = 64 * 1024;

    /**
     * Reads until end of file, at most {@code limit} bytes; a file longer than that fails with EFBIG so nobody
     * silently gets a truncated quote. {@code read(2)} is retried on EINTR. Reads to the end rather than trusting
     * the file size, which is 0 for /proc files and 4096 for sysfs attributes.
     */
    public static byte[] readAll(int fd, String path, int limit) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment chunk = arena.allocate(READ_CHUNK);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                long n = (long) READ.invokeExact(capture, fd, chunk, (long) READ_CHUNK);
                if (n < 0) {
                    Errno e = errno(capture);
                    if (e.equals(Errno.EINTR)) {
                        continue;
                    }
                    throw new KernelFileException(e, "read", path);
                }
                if (n == 0) {
                    return out.toByteArray();
                }
                if (out.size() + n > limit) {
                    throw new KernelFileException(Errno.EFBIG, "read (longer than " + limit + " bytes)", path);
                }
                out.writeBytes(chunk.asSlice(0, n).toArray(JAVA_BYTE));
            }
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * One {@code write(2)} of all of {@code data}, retried only on EINTR; returns what the kernel took. Never loops
     * over a short write: the measurement files accept exactly one 48-byte write at offset 0, so a short count is
     * the caller's to report.
     */
    public static int write(int fd, String path, byte[] data) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocateFrom(JAVA_BYTE, data);
            while (true) {
                long n = (long) WRITE.invokeExact(capture, fd, buf, (long) data.length);
                if (n >= 0) {
                    return (int) n;
                }
                Errno e = errno(capture);
                if (!e.equals(Errno.EINTR)) {
                    throw new KernelFileException(e, "write", path);
                }
            }
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code mkdir(path, 0700)}. In configfs this creates an item: a TSM report entry with its attributes. */
    public static void mkdir(String path) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            int rc = (int) MKDIR.invokeExact(capture, arena.allocateFrom(path), 0700);
            if (rc < 0) {
                throw new KernelFileException(errno(capture), "mkdir", path);
            }
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code rmdir(path)}. In configfs this drops the item and frees its blobs. */
    public static void rmdir(String path) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            int rc = (int) RMDIR.invokeExact(capture, arena.allocateFrom(path));
            if (rc < 0) {
                throw new KernelFileException(errno(capture), "rmdir", path);
            }
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code ioctl(fd, TDX_CMD_GET_REPORT0, &req)}: the tdx_guest driver runs TDG.MR.REPORT with
     * {@code reportData} and returns the 1024-byte TDREPORT_STRUCT (drivers/virt/coco/tdx-guest/tdx-guest.c,
     * {@code tdx_get_report0}).
     */
    public static byte[] getReport0(int fd, String path, byte[] reportData) throws KernelFileException {
        if (reportData.length != REPORTDATA_LEN) {
            throw new IllegalArgumentException("REPORTDATA must be 64 bytes, got " + reportData.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment req = arena.allocate(TDX_REPORT_REQ);
            MemorySegment.copy(reportData, 0, req, JAVA_BYTE, REPORTDATA_OFFSET, REPORTDATA_LEN);
            int rc = (int) IOCTL.invokeExact(capture, fd, TDX_CMD_GET_REPORT0, req);
            if (rc < 0) {
                throw new KernelFileException(errno(capture), "ioctl(TDX_CMD_GET_REPORT0)", path);
            }
            return req.asSlice(TDREPORT_OFFSET, TDREPORT_LEN).toArray(JAVA_BYTE);
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code ioctl(fd, request, &value)} for a request whose argument is one {@code int} the kernel writes, such
     * as FIONREAD; returns that int. The generic form of the call {@link #getReport0} makes, so its argument
     * passing and errno capture can be proven on any machine (a pipe answers FIONREAD, /dev/null refuses it).
     */
    public static int ioctlReadInt(int fd, String path, long request) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment value = arena.allocate(JAVA_INT);
            int rc = (int) IOCTL.invokeExact(capture, fd, request, value);
            if (rc < 0) {
                throw new KernelFileException(errno(capture), String.format("ioctl(0x%X)", request), path);
            }
            return value.get(JAVA_INT, 0);
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
