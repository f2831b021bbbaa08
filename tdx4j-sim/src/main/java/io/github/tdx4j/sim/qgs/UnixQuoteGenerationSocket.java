package io.github.tdx4j.sim.qgs;

import io.github.tdx4j.abi.QgsMessageLayout;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * The VMM's quote-generation socket on a real UNIX-domain socket, as QEMU's {@code quote-generation-socket} option
 * names one ({@code tdx-guest} object, {@code SocketAddress} of type unix): a fresh connection per request, the
 * request frame written, the response frame read. The whole exchange is bounded by {@code timeout} of wall time
 * (QEMU bounds it by 30 s of its virtual clock); the socket is non-blocking and every wait is a {@link Selector}
 * select, because a blocking channel of this family has no read time-out.
 *
 * @param path    the QGS socket
 * @param timeout the longest one exchange may take, positive
 */
public record UnixQuoteGenerationSocket(Path path, Duration timeout) implements QuoteGenerationSocket {
    /** QEMU's TRANSACTION_TIMEOUT, 30 s (tdx-quote-generator.c). */
    public static final Duration QEMU_TIMEOUT = Duration.ofSeconds(30);

    public UnixQuoteGenerationSocket {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the time-out must be positive: " + timeout);
        }
    }

    /** The socket at {@code path} with QEMU's 30 s time-out. */
    public static UnixQuoteGenerationSocket of(Path path) {
        return new UnixQuoteGenerationSocket(path, QEMU_TIMEOUT);
    }

    @Override
    public byte[] exchange(byte[] requestFrame, int maxResponseFrame) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try (ch; Selector selector = Selector.open()) {
            ch.configureBlocking(false);
            try {
                if (!ch.connect(UnixDomainSocketAddress.of(path))) {
                    await(ch, selector, SelectionKey.OP_CONNECT, deadline);
                    ch.finishConnect();
                }
            } catch (IOException e) {
                throw new QgsUnavailableException("cannot connect to the QGS at " + path + ": " + e.getMessage(), e);
            }
            ByteBuffer out = ByteBuffer.wrap(requestFrame);
            while (out.hasRemaining()) {
                if (ch.write(out) == 0) {
                    await(ch, selector, SelectionKey.OP_WRITE, deadline);
                }
            }
            ByteBuffer length = ByteBuffer.allocate(QgsMessageLayout.FRAME_LENGTH_SIZE);
            readFully(ch, selector, length, deadline);
            long announced = Integer.toUnsignedLong(length.flip().order(QgsMessageLayout.FRAME_ORDER).getInt(0));
            if (announced == 0 || announced > (long) maxResponseFrame - QgsMessageLayout.FRAME_LENGTH_SIZE) {
                return length.array(); // the caller refuses the length; nothing more is read
            }
            ByteBuffer frame = ByteBuffer.allocate(QgsMessageLayout.FRAME_LENGTH_SIZE + (int) announced);
            frame.put(length.array());
            readFully(ch, selector, frame, deadline);
            return Arrays.copyOf(frame.array(), frame.capacity());
        }
    }

    private static void readFully(SocketChannel ch, Selector selector, ByteBuffer into, long deadline)
            throws IOException {
        while (into.hasRemaining()) {
            int n = ch.read(into);
            if (n < 0) {
                throw new EOFException("the QGS closed the connection after " + into.position() + " of "
                        + into.capacity() + " bytes");
            }
            if (n == 0) {
                await(ch, selector, SelectionKey.OP_READ, deadline);
            }
        }
    }

    private static void await(SocketChannel ch, Selector selector, int ops, long deadline) throws IOException {
        SelectionKey key = ch.register(selector, ops);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("the QGS did not answer in time");
                }
                if (selector.select(Math.max(1, Duration.ofNanos(left).toMillis())) > 0) {
                    selector.selectedKeys().clear();
                    return;
                }
            }
        } finally {
            key.interestOps(0);
        }
    }
}
