package io.github.tdx4j.linux;

import io.github.tdx4j.linux.internal.NativeServerSocket;
import io.github.tdx4j.linux.internal.NativeSocketStream;
import io.github.tdx4j.sim.qgs.QgsListener;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

/**
 * A {@link io.github.tdx4j.sim.qgs.SimulatedQgsServer}'s listener on a {@link NativeServerSocket}: the simulated QGS on
 * vsock (loopback), which the JDK cannot open, or on AF_UNIX through the same native calls.
 */
final class NativeQgsListener implements QgsListener {
    /** How long one read of a connection may wait; the server's own faults (a stall) end by close. */
    private static final long READ_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private final NativeServerSocket socket;
    private volatile boolean closed;

    NativeQgsListener(NativeServerSocket socket) {
        this.socket = socket;
    }

    @Override
    public ByteChannel accept() throws IOException {
        while (!closed) {
            try {
                return new StreamChannel(socket.accept(TimeUnit.MILLISECONDS.toNanos(200)));
            } catch (SocketTimeoutException e) {
                // look at closed again
            }
        }
        throw new ClosedChannelException();
    }

    @Override
    public String display() {
        return socket.where();
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
    }

    /** A blocking channel over a native stream. */
    private static final class StreamChannel implements ByteChannel {
        private final NativeSocketStream stream;
        private volatile boolean open = true;

        StreamChannel(NativeSocketStream stream) {
            this.stream = stream;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            byte[] b = new byte[dst.remaining()];
            int n = stream.read(b, 0, b.length, READ_TIMEOUT_NANOS);
            if (n > 0) {
                dst.put(b, 0, n);
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            byte[] b = new byte[src.remaining()];
            src.get(b);
            stream.writeAll(b, READ_TIMEOUT_NANOS);
            return b.length;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
            stream.close();
        }
    }
}
