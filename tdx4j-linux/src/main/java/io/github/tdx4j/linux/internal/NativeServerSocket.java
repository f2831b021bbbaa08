package io.github.tdx4j.linux.internal;

import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * A listening stream socket made through {@link LinuxSockets}: AF_VSOCK, which the JDK does not offer, for a
 * simulated QGS on vsock loopback (VMADDR_CID_LOCAL, the vsock_loopback module), or AF_UNIX, which runs exactly the
 * same calls (socket, bind, listen, poll, accept4) and so proves them on any machine. Non-blocking; every wait is a
 * {@code poll(2)} bounded by the caller's time-out.
 */
public final class NativeServerSocket implements AutoCloseable {
    private static final int BACKLOG = 16;
    private final int fd;
    private final String where;
    private boolean closed;

    private NativeServerSocket(int fd, String where) {
        this.fd = fd;
        this.where = where;
    }

    /** Listens on vsock {@code cid}:{@code port}: {@link LinuxSockets#VMADDR_CID_LOCAL} for loopback. */
    public static NativeServerSocket listenVsock(long cid, long port) throws IOException {
        return listen(LinuxSockets.AF_VSOCK, LinuxSockets.sockaddrVm(cid, port), "vsock CID " + cid + " port "
                + port);
    }

    /** Listens on the UNIX socket {@code path}, which must not exist. */
    public static NativeServerSocket listenUnix(String path) throws IOException {
        return listen(LinuxSockets.AF_UNIX, LinuxSockets.sockaddrUn(path), "UNIX socket " + path);
    }

    private static NativeServerSocket listen(int family, byte[] sockaddr, String where) throws IOException {
        int fd = LinuxSockets.socket(family,
                LinuxSockets.SOCK_STREAM | LinuxSockets.SOCK_NONBLOCK | LinuxSockets.SOCK_CLOEXEC, where);
        NativeServerSocket s = new NativeServerSocket(fd, where);
        try {
            LinuxSockets.bind(fd, sockaddr, where);
            LinuxSockets.listen(fd, BACKLOG, where);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** For messages: {@code vsock CID 1 port 5000}, {@code UNIX socket /tmp/qgs.sock}. */
    public String where() {
        return where;
    }

    /**
     * The next connection, waiting at most {@code timeoutNanos}.
     *
     * @throws SocketTimeoutException if none came in time
     */
    public NativeSocketStream accept(long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            int c = LinuxSockets.accept(fd, where);
            if (c >= 0) {
                return NativeSocketStream.adopt(c, "a client of " + where);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("no connection to " + where + " in time");
            }
            LinuxSockets.poll(fd, LinuxSockets.POLLIN, SocketStream.millis(left), where);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                LinuxSyscalls.close(fd, where);
            } catch (KernelFileException e) {
                // closing a listening socket has no deferred error worth reporting
            }
        }
    }
}
