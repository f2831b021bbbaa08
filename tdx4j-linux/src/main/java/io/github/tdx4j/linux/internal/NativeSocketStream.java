package io.github.tdx4j.linux.internal;

import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * A {@link SocketStream} on a non-blocking socket made through {@link LinuxSyscalls}: AF_VSOCK to the host's QGS (the
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
        return connect(LinuxSyscalls.AF_VSOCK, LinuxSyscalls.sockaddrVm(cid, port),
                "vsock CID " + cid + " port " + port, timeoutNanos);
    }

    /** Connects to the UNIX socket at {@code path} within {@code timeoutNanos}, with the native calls. */
    public static NativeSocketStream connectUnix(String path, long timeoutNanos) throws IOException {
        return connect(LinuxSyscalls.AF_UNIX, LinuxSyscalls.sockaddrUn(path), "UNIX socket " + path, timeoutNanos);
    }

    private static NativeSocketStream connect(int family, byte[] sockaddr, String peer, long timeoutNanos)
            throws IOException {
        int fd = LinuxSyscalls.socket(family,
                LinuxSyscalls.SOCK_STREAM | LinuxSyscalls.SOCK_NONBLOCK | LinuxSyscalls.SOCK_CLOEXEC, peer);
        NativeSocketStream s = new NativeSocketStream(fd, peer);
        try {
            if (!LinuxSyscalls.connect(fd, sockaddr, peer)) {
                long deadline = System.nanoTime() + timeoutNanos;
                s.await(LinuxSyscalls.POLLOUT, deadline, "connect");
                Errno pending = LinuxSyscalls.socketError(fd, peer);
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
            short revents = LinuxSyscalls.poll(fd, events, SocketStream.millis(left), peer);
            if ((revents & (events | LinuxSyscalls.POLLERR | LinuxSyscalls.POLLHUP)) != 0) {
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
            int n = LinuxSyscalls.send(fd, data, off, data.length - off, peer);
            if (n == 0) {
                await(LinuxSyscalls.POLLOUT, deadline, "send to");
            }
            off += n;
        }
    }

    @Override
    public int read(byte[] into, int off, int len, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            int n = LinuxSyscalls.recv(fd, into, off, len, peer);
            if (n != 0) {
                return n;
            }
            await(LinuxSyscalls.POLLIN, deadline, "receive from");
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
