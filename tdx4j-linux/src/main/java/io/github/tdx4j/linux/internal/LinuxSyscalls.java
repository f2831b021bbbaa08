package io.github.tdx4j.linux.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * All native code of tdx4j: the libc system calls the Linux backend needs, through the FFM API.
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

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_CAPTURE = Linker.Option.captureCallState("errno");

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

    // Linker#downcallHandle is a restricted method: this package is the one place of the project that calls native
    // code, and the launcher grants it native access (--enable-native-access).
    @SuppressWarnings("restricted")
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = ERRNO_CAPTURE;
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment symbol = LINKER.defaultLookup().findOrThrow(name);
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    private static Errno errno(MemorySegment capture) {
        return new Errno((int) ERRNO.get(capture, 0L));
    }

    /**
     * {@code invokeExact} declares Throwable, but a downcall throws only unchecked exceptions (native access
     * refused, out of memory); they pass on unchanged. A checked one cannot happen.
     */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new AssertionError("a downcall threw a checked exception", t);
    }

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

    // ---- sockets (AF_VSOCK to the host's QGS; AF_UNIX proves the same calls on any machine) ----

    /** Address families, include/linux/socket.h. */
    public static final int AF_UNIX = 1;
    public static final int AF_VSOCK = 40;
    /** Socket type and flags, include/linux/net.h and include/uapi/asm-generic/fcntl.h (x86-64). */
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    /** {@code poll(2)} events, include/uapi/asm-generic/poll.h. */
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    /** {@code getsockopt(2)} level and option for the result of a non-blocking connect, asm-generic/socket.h. */
    public static final int SOL_SOCKET = 1;
    public static final int SO_ERROR = 4;
    /** {@code send(2)} flag: report EPIPE instead of raising SIGPIPE when the peer has gone. */
    public static final int MSG_NOSIGNAL = 0x4000;
    /** VMADDR_CID_HOST (include/uapi/linux/vm_sockets.h): the host, where QGS listens. */
    public static final long VMADDR_CID_HOST = 2;
    /** VMADDR_CID_LOCAL: loopback inside this machine (vsock_loopback). */
    public static final long VMADDR_CID_LOCAL = 1;

    /**
     * {@code struct sockaddr_vm} (include/uapi/linux/vm_sockets.h): family, reserved, port, cid, flags, zero[3].
     */
    public static final StructLayout SOCKADDR_VM = MemoryLayout.structLayout(
            JAVA_SHORT.withName("svm_family"),
            JAVA_SHORT.withName("svm_reserved1"),
            JAVA_INT.withName("svm_port"),
            JAVA_INT.withName("svm_cid"),
            JAVA_BYTE.withName("svm_flags"),
            MemoryLayout.sequenceLayout(3, JAVA_BYTE).withName("svm_zero")).withName("sockaddr_vm");

    /** {@code struct sockaddr_un} (include/uapi/linux/un.h): family and a 108-byte NUL-terminated path. */
    public static final StructLayout SOCKADDR_UN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sun_family"),
            MemoryLayout.sequenceLayout(108, JAVA_BYTE).withName("sun_path")).withName("sockaddr_un");

    /** {@code struct pollfd} (include/uapi/asm-generic/poll.h). */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"),
            JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents")).withName("pollfd");

    private static final MethodHandle SOCKET = downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT = downcall("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle POLL = downcall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = downcall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SEND = downcall("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = downcall("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private static final MethodHandle BIND = downcall("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = downcall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = downcall("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));

    /** A {@code sockaddr_vm} for {@code cid} and {@code port} (both u32), as bytes in native order. */
    public static byte[] sockaddrVm(long cid, long port) {
        ByteBuffer b = ByteBuffer.allocate((int) SOCKADDR_VM.byteSize()).order(ByteOrder.nativeOrder());
        b.putShort((int) SOCKADDR_VM.byteOffset(PathElement.groupElement("svm_family")), (short) AF_VSOCK);
        b.putInt((int) SOCKADDR_VM.byteOffset(PathElement.groupElement("svm_port")), (int) port);
        b.putInt((int) SOCKADDR_VM.byteOffset(PathElement.groupElement("svm_cid")), (int) cid);
        return b.array();
    }

    /** A {@code sockaddr_un} for {@code path}; a path of 108 bytes or more does not fit and is refused. */
    public static byte[] sockaddrUn(String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        long pathOffset = SOCKADDR_UN.byteOffset(PathElement.groupElement("sun_path"));
        if (p.length >= SOCKADDR_UN.byteSize() - pathOffset) {
            throw new IllegalArgumentException("a UNIX socket path is at most 107 bytes: " + path);
        }
        ByteBuffer b = ByteBuffer.allocate((int) SOCKADDR_UN.byteSize()).order(ByteOrder.nativeOrder());
        b.putShort((int) SOCKADDR_UN.byteOffset(PathElement.groupElement("sun_family")), (short) AF_UNIX);
        b.put((int) pathOffset, p);
        return b.array();
    }

    /** {@code socket(domain, type, 0)}; returns the descriptor. */
    public static int socket(int domain, int type, String what) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            int fd = (int) SOCKET.invokeExact(capture, domain, type, 0);
            if (fd < 0) {
                throw new KernelFileException(errno(capture), "socket", what);
            }
            return fd;
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code connect(fd, addr)}. Returns {@code true} when connected, {@code false} when a non-blocking socket
     * answered EINPROGRESS (wait for POLLOUT, then read {@link #SO_ERROR}). Retried on EINTR.
     */
    public static boolean connect(int fd, byte[] sockaddr, String what) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment addr = arena.allocateFrom(JAVA_BYTE, sockaddr);
            while (true) {
                int rc = (int) CONNECT.invokeExact(capture, fd, addr, sockaddr.length);
                if (rc == 0) {
                    return true;
                }
                Errno e = errno(capture);
                if (e.equals(Errno.EINPROGRESS)) {
                    return false;
                }
                if (!e.equals(Errno.EINTR)) {
                    throw new KernelFileException(e, "connect", what);
                }
            }
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code bind(fd, addr)}: the listening side's address (a simulated QGS on vsock loopback, tests). */
    public static void bind(int fd, byte[] sockaddr, String what) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment addr = arena.allocateFrom(JAVA_BYTE, sockaddr);
            if ((int) BIND.invokeExact(capture, fd, addr, sockaddr.length) < 0) {
                throw new KernelFileException(errno(capture), "bind", what);
            }
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code listen(fd, backlog)}. */
    public static void listen(int fd, int backlog, String what) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            if ((int) LISTEN.invokeExact(capture, fd, backlog) < 0) {
                throw new KernelFileException(errno(capture), "listen", what);
            }
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)} on a non-blocking listening socket: the new
     * connection's descriptor, or -1 for EAGAIN (poll for POLLIN first); retried on EINTR.
     */
    public static int accept(int fd, String what) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            while (true) {
                int c = (int) ACCEPT4.invokeExact(capture, fd, MemorySegment.NULL, MemorySegment.NULL,
                        SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (c >= 0) {
                    return c;
                }
                Errno e = errno(capture);
                if (e.equals(Errno.EAGAIN)) {
                    return -1;
                }
                if (!e.equals(Errno.EINTR)) {
                    throw new KernelFileException(e, "accept", what);
                }
            }
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code poll(2)} on one descriptor for {@code events}, at most {@code timeoutMillis}; returns the revents,
     * 0 when the time ran out. EINTR returns 0 too: the caller re-checks its deadline and polls again.
     */
    public static short poll(int fd, short events, int timeoutMillis, String what) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment pfd = arena.allocate(POLLFD);
            pfd.set(JAVA_INT, POLLFD.byteOffset(PathElement.groupElement("fd")), fd);
            pfd.set(JAVA_SHORT, POLLFD.byteOffset(PathElement.groupElement("events")), events);
            int rc = (int) POLL.invokeExact(capture, pfd, 1L, timeoutMillis);
            if (rc < 0) {
                Errno e = errno(capture);
                if (e.equals(Errno.EINTR)) {
                    return 0;
                }
                throw new KernelFileException(e, "poll", what);
            }
            return rc == 0 ? 0 : pfd.get(JAVA_SHORT, POLLFD.byteOffset(PathElement.groupElement("revents")));
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getsockopt(fd, SOL_SOCKET, SO_ERROR)}: the pending error of a socket, 0 for none. */
    public static Errno socketError(int fd, String what) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment value = arena.allocate(JAVA_INT);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, (int) JAVA_INT.byteSize());
            int rc = (int) GETSOCKOPT.invokeExact(capture, fd, SOL_SOCKET, SO_ERROR, value, len);
            if (rc < 0) {
                throw new KernelFileException(errno(capture), "getsockopt(SO_ERROR)", what);
            }
            return new Errno(value.get(JAVA_INT, 0));
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * One {@code send(fd, data[off..off+len), MSG_NOSIGNAL)} on a non-blocking socket: the bytes taken, 0 for
     * EAGAIN (poll for POLLOUT first); retried on EINTR.
     */
    public static int send(int fd, byte[] data, int off, int len, String what) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocate(Math.max(1, len));
            MemorySegment.copy(data, off, buf, JAVA_BYTE, 0, len);
            while (true) {
                long n = (long) SEND.invokeExact(capture, fd, buf, (long) len, MSG_NOSIGNAL);
                if (n >= 0) {
                    return (int) n;
                }
                Errno e = errno(capture);
                if (e.equals(Errno.EAGAIN)) {
                    return 0;
                }
                if (!e.equals(Errno.EINTR)) {
                    throw new KernelFileException(e, "send", what);
                }
            }
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * One {@code recv(fd, into[off..off+len), 0)} on a non-blocking socket: bytes received, -1 at end of stream,
     * 0 for EAGAIN (poll for POLLIN first); retried on EINTR.
     */
    public static int recv(int fd, byte[] into, int off, int len, String what) throws KernelFileException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocate(Math.max(1, len));
            while (true) {
                long n = (long) RECV.invokeExact(capture, fd, buf, (long) len, 0);
                if (n > 0) {
                    MemorySegment.copy(buf, JAVA_BYTE, 0, into, off, (int) n);
                    return (int) n;
                }
                if (n == 0) {
                    return len == 0 ? 0 : -1;
                }
                Errno e = errno(capture);
                if (e.equals(Errno.EAGAIN)) {
                    return 0;
                }
                if (!e.equals(Errno.EINTR)) {
                    throw new KernelFileException(e, "recv", what);
                }
            }
        } catch (KernelFileException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
