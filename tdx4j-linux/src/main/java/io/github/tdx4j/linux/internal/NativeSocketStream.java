package io.github.tdx4j.linux.internal;

import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * A {@link SocketStream} on a non-blocking socket made through {@link LinuxSockets}: AF_VSOCK to the host's QGS (the
 * JDK has no vsock), or AF_UNIX, which runs exactly the same system calls and so proves them on any machine.
 * Every wait is a {@code poll(2)} bounded by the caller's time-out.
 */
public final class NativeSocketStream implements SocketStream {
    private final int fd;
    private final String peer;
    private boolean closed;

    private NativeSocketStream(int fd, String peer) {
        this.fd = fd;
        this.peer = peer;
    }

    /** A stream on an accepted connection's descriptor ({@link NativeServerSocket}). */
    static NativeSocketStream adopt(int fd, String peer) {
        return new NativeSocketStream(fd, peer);
    }

    /** Connects to vsock {@code cid}:{@code port} within {@code timeoutNanos}. */
    public static NativeSocketStream connectVsock(long cid, long port, long timeoutNanos) throws IOException {
        return connect(LinuxSockets.AF_VSOCK, LinuxSockets.sockaddrVm(cid, port),
                "vsock CID " + cid + " port " + port, timeoutNanos);
    }

    /** Connects to the UNIX socket at {@code path} within {@code timeoutNanos}, with the native calls. */
    public static NativeSocketStream connectUnix(String path, long timeoutNanos) throws IOException {
        return connect(LinuxSockets.AF_UNIX, LinuxSockets.sockaddrUn(path), "UNIX socket " + path, timeoutNanos);
    }

    private static NativeSocketStream connect(int family, byte[] sockaddr, String peer, long timeoutNanos)
            throws IOException {
        int fd = LinuxSockets.socket(family,
                LinuxSockets.SOCK_STREAM | LinuxSockets.SOCK_NONBLOCK | LinuxSockets.SOCK_CLOEXEC, peer);
        NativeSocketStream s = new NativeSocketStream(fd, peer);
        try {
            if (!LinuxSockets.connect(fd, sockaddr, peer)) {
                long deadline = System.nanoTime() + timeoutNanos;
                s.await(LinuxSockets.POLLOUT, deadline, "connect");
                Errno pending = LinuxSockets.socketError(fd, peer);
                if (pending.value() != 0) {
                    throw new KernelFileException(pending, "connect", peer);
                }
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Polls until {@code events} (or an error/hang-up, which the next call reports) or the deadline. */
    private void await(short events, long deadline, String operation) throws IOException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException(operation + " " + peer + " timed out");
            }
            short revents = LinuxSockets.poll(fd, events, SocketStream.millis(left), peer);
            if ((revents & (events | LinuxSockets.POLLERR | LinuxSockets.POLLHUP)) != 0) {
                return;
            }
        }
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public void writeAll(byte[] data, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        int off = 0;
        while (off < data.length) {
            int n = LinuxSockets.send(fd, data, off, data.length - off, peer);
            if (n == 0) {
                await(LinuxSockets.POLLOUT, deadline, "send to");
            }
            off += n;
        }
    }

    @Override
    public int read(byte[] into, int off, int len, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            int n = LinuxSockets.recv(fd, into, off, len, peer);
            if (n != 0) {
                return n;
            }
            await(LinuxSockets.POLLIN, deadline, "receive from");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                LinuxSyscalls.close(fd, peer);
            } catch (KernelFileException e) {
                // Linux releases the descriptor even when close reports an error; nothing was written that needs it.
            }
        }
    }
}
