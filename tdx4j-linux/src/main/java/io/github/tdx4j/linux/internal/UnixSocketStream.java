package io.github.tdx4j.linux.internal;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A {@link SocketStream} on a UNIX-domain socket through the JDK ({@link UnixDomainSocketAddress}, Java 16+): a
 * non-blocking {@link SocketChannel} whose every wait is a {@link Selector#select(long)} bounded by the caller's
 * time-out (a blocking channel of this family has no read time-out).
 */
public final class UnixSocketStream implements SocketStream {
    private final SocketChannel channel;
    private final Selector selector;
    private final String peer;

    private UnixSocketStream(SocketChannel channel, Selector selector, String peer) {
        this.channel = channel;
        this.selector = selector;
        this.peer = peer;
    }

    /** Connects to {@code path} within {@code timeoutNanos}. */
    public static UnixSocketStream connect(Path path, long timeoutNanos) throws IOException {
        String peer = "UNIX socket " + path;
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector sel = null;
        try {
            ch.configureBlocking(false);
            sel = Selector.open();
            UnixSocketStream s = new UnixSocketStream(ch, sel, peer);
            if (!ch.connect(UnixDomainSocketAddress.of(path))) {
                s.await(SelectionKey.OP_CONNECT, System.nanoTime() + timeoutNanos, "connect to");
                ch.finishConnect();
            }
            return s;
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (sel != null) {
                sel.close();
            }
            throw e;
        }
    }

    private void await(int ops, long deadline, String operation) throws IOException {
        SelectionKey key = channel.register(selector, ops);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException(operation + " " + peer + " timed out");
                }
                if (selector.select(SocketStream.millis(left)) > 0) {
                    selector.selectedKeys().clear();
                    return;
                }
            }
        } finally {
            key.interestOps(0);
        }
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public void writeAll(byte[] data, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
            if (channel.write(b) == 0) {
                await(SelectionKey.OP_WRITE, deadline, "send to");
            }
        }
    }

    @Override
    public int read(byte[] into, int off, int len, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        ByteBuffer b = ByteBuffer.wrap(into, off, len);
        while (true) {
            int n = channel.read(b);
            if (n != 0) {
                return n;
            }
            await(SelectionKey.OP_READ, deadline, "receive from");
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            // closing a UNIX socket has no deferred error worth reporting after the exchange
        }
    }
}
