package io.github.tdx4j.linux.internal;

import static io.github.tdx4j.linux.internal.Downcalls.CAPTURE;
import static io.github.tdx4j.linux.internal.Downcalls.downcall;
import static io.github.tdx4j.linux.internal.Downcalls.errno;
import static io.github.tdx4j.linux.internal.Downcalls.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The libc socket system calls of the Linux backend, through the FFM API: AF_VSOCK to the host's quote generation
 * service, which the JDK cannot open, and AF_UNIX, which proves the same calls on any machine. Non-blocking
 * sockets: {@code socket}, {@code connect}, {@code bind}, {@code listen}, {@code accept4}, {@code poll},
 * {@code getsockopt(SO_ERROR)}, {@code send}, {@code recv}; a socket is closed with {@link LinuxSyscalls#close}. As
 * there, each failing call throws a {@link KernelFileException} carrying the kernel's errno ({@link Downcalls}).
 */
public final class LinuxSockets {
    private LinuxSockets() {
    }

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
