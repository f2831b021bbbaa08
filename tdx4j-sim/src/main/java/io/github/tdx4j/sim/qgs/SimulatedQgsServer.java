package io.github.tdx4j.sim.qgs;

import io.github.tdx4j.abi.QgsErrorCode;
import io.github.tdx4j.abi.QgsMessageLayout;
import io.github.tdx4j.abi.QgsMessageType;
import io.github.tdx4j.sim.quote.QuoteGenerationException;
import io.github.tdx4j.sim.quote.QuoteGenerationService;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Quote Generation Service on a UNIX-domain socket, speaking the real QGS protocol 1.1 ({@link QgsMessageLayout}):
 * one GET_QUOTE_REQ per connection, answered with one GET_QUOTE_RESP from a {@link QuoteGenerationService} (the
 * simulated quoting enclave). Real QGS (intel/SGXDataCenterAttestationPrimitives, QuoteGeneration/quote_wrapper/qgs)
 * listens on vsock and, for the host's QEMU, on a UNIX socket; this is the UNIX-socket side.
 *
 * <p>Request checks follow qgs_msg_lib's {@code qgs_msg_inflate_get_quote_req}: a major version other than 1 is
 * answered QGS_MSG_ERROR_INVALID_VERSION, a type other than GET_QUOTE_REQ INVALID_TYPE, a header size that differs
 * from the frame INVALID_SIZE, a report size of 0 or an id list not a multiple of 16 bytes INVALID_PARAMETER. A
 * refused quote is QGS_MSG_ERROR_UNEXPECTED. Frames longer than {@link #MAX_REQUEST_FRAME} are not read: the
 * connection is closed.
 *
 * <p>{@link #inject(QgsFault...)} queues faults, one per following connection, to test clients.
 */
public final class SimulatedQgsServer implements AutoCloseable {
    /** The largest request frame read: a TDREPORT and an id list of 64 ids, with room to spare. */
    public static final int MAX_REQUEST_FRAME = 16 * 1024;

    private final Path socketPath;
    private final QuoteGenerationService service;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Deque<QgsFault> faults = new ArrayDeque<>();
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger served = new AtomicInteger();
    private volatile boolean closed;

    private SimulatedQgsServer(Path socketPath, QuoteGenerationService service) throws IOException {
        this.socketPath = socketPath;
        this.service = service;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        this.acceptor = Thread.ofPlatform().daemon().name("simulated-qgs-accept").unstarted(this::acceptLoop);
    }

    /**
     * Binds {@code socketPath} (which must not exist) and starts serving.
     *
     * @throws UncheckedIOException if the socket cannot be bound
     */
    public static SimulatedQgsServer start(Path socketPath, QuoteGenerationService service) {
        Objects.requireNonNull(socketPath, "socketPath");
        Objects.requireNonNull(service, "service");
        try {
            SimulatedQgsServer s = new SimulatedQgsServer(socketPath, service);
            s.acceptor.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the simulated QGS to " + socketPath, e);
        }
    }

    public Path socketPath() {
        return socketPath;
    }

    /** Requests answered with a quote so far. */
    public int quotesServed() {
        return served.get();
    }

    /** Queues faults: the next connections get them, one each, in order; later ones are served normally. */
    public void inject(QgsFault... next) {
        synchronized (faults) {
            for (QgsFault f : next) {
                faults.add(Objects.requireNonNull(f, "fault"));
            }
        }
    }

    private QgsFault nextFault() {
        synchronized (faults) {
            QgsFault f = faults.poll();
            return f == null ? QgsFault.NONE : f;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            open.add(ch);
            QgsFault fault = nextFault();
            Thread.ofVirtual().name("simulated-qgs-connection").start(() -> serve(ch, fault));
        }
    }

    private void serve(SocketChannel ch, QgsFault fault) {
        try (ch) {
            if (fault instanceof QgsFault.CloseImmediately) {
                return;
            }
            ByteBuffer length = readFully(ch, QgsMessageLayout.FRAME_LENGTH_SIZE);
            long frame = Integer.toUnsignedLong(length.order(QgsMessageLayout.FRAME_ORDER).getInt(0));
            if (frame > MAX_REQUEST_FRAME) {
                return; // not read: a QGS never allocates what a peer announces without bound
            }
            ByteBuffer request = readFully(ch, (int) frame).order(QgsMessageLayout.MESSAGE_ORDER);
            switch (fault) {
                case QgsFault.Stall s -> {
                    // Hold the connection without answering until the client or close() ends it.
                    ByteBuffer sink = ByteBuffer.allocate(1);
                    while (ch.read(sink.clear()) >= 0) {
                        // discard
                    }
                    return;
                }
                case QgsFault.OversizedLength o -> {
                    ByteBuffer b = ByteBuffer.allocate(4).order(QgsMessageLayout.FRAME_ORDER).putInt((int) o.length());
                    writeFully(ch, b.flip());
                    return;
                }
                default -> {
                }
            }
            byte[] response = answer(request, fault);
            ByteBuffer framed = ByteBuffer.allocate(QgsMessageLayout.FRAME_LENGTH_SIZE + response.length);
            framed.order(QgsMessageLayout.FRAME_ORDER).putInt(response.length).put(response).flip();
            if (fault instanceof QgsFault.ShortResponse s) {
                framed.limit(Math.min(framed.limit(), s.bytes()));
            }
            writeFully(ch, framed);
        } catch (IOException e) {
            // The client went away or close() closed the channel: nothing to answer.
        } finally {
            open.remove(ch);
        }
    }

    /** The response message (without the frame length) to {@code request}. */
    private byte[] answer(ByteBuffer request, QgsFault fault) {
        QgsErrorCode error = check(request);
        byte[] quote = new byte[0];
        if (error.isSuccess()) {
            if (fault instanceof QgsFault.ErrorCode e) {
                error = e.code();
            } else {
                int reportSize = request.getInt(QgsMessageLayout.REPORT_SIZE_OFFSET);
                byte[] report = new byte[reportSize];
                request.get(QgsMessageLayout.REQ_PAYLOAD_OFFSET, report);
                try {
                    quote = service.getQuote(report);
                    served.incrementAndGet();
                } catch (QuoteGenerationException e) {
                    error = QgsErrorCode.UNEXPECTED;
                }
            }
        }
        int size = QgsMessageLayout.RESP_PAYLOAD_OFFSET + quote.length;
        ByteBuffer resp = ByteBuffer.allocate(size).order(QgsMessageLayout.MESSAGE_ORDER);
        int major = QgsMessageLayout.MAJOR_VERSION;
        int minor = QgsMessageLayout.MINOR_VERSION;
        if (fault instanceof QgsFault.WrongVersion v) {
            major = v.major();
            minor = v.minor();
        }
        long type = fault instanceof QgsFault.WrongType t ? t.type() : QgsMessageType.GET_QUOTE_RESP.raw();
        int headerSize = fault instanceof QgsFault.SizeMismatch m ? size + m.delta() : size;
        resp.putShort(QgsMessageLayout.MAJOR_VERSION_OFFSET, (short) major)
                .putShort(QgsMessageLayout.MINOR_VERSION_OFFSET, (short) minor)
                .putInt(QgsMessageLayout.TYPE_OFFSET, (int) type)
                .putInt(QgsMessageLayout.SIZE_OFFSET, headerSize)
                .putInt(QgsMessageLayout.ERROR_CODE_OFFSET, (int) error.raw())
                .putInt(QgsMessageLayout.SELECTED_ID_SIZE_OFFSET, 0)
                .putInt(QgsMessageLayout.QUOTE_SIZE_OFFSET, quote.length)
                .put(QgsMessageLayout.RESP_PAYLOAD_OFFSET, quote);
        return resp.array();
    }

    /** qgs_msg_inflate_get_quote_req's checks, in its order. */
    private static QgsErrorCode check(ByteBuffer request) {
        int length = request.capacity();
        if (length < QgsMessageLayout.REQ_PAYLOAD_OFFSET) {
            return QgsErrorCode.INVALID_SIZE;
        }
        if (Short.toUnsignedInt(request.getShort(QgsMessageLayout.MAJOR_VERSION_OFFSET))
                != QgsMessageLayout.MAJOR_VERSION) {
            return QgsErrorCode.INVALID_VERSION;
        }
        if (!QgsMessageType.of(request.getInt(QgsMessageLayout.TYPE_OFFSET)).equals(QgsMessageType.GET_QUOTE_REQ)) {
            return QgsErrorCode.INVALID_TYPE;
        }
        if (Integer.toUnsignedLong(request.getInt(QgsMessageLayout.SIZE_OFFSET)) != length) {
            return QgsErrorCode.INVALID_SIZE;
        }
        long reportSize = Integer.toUnsignedLong(request.getInt(QgsMessageLayout.REPORT_SIZE_OFFSET));
        long idListSize = Integer.toUnsignedLong(request.getInt(QgsMessageLayout.ID_LIST_SIZE_OFFSET));
        if (reportSize == 0 || idListSize % QgsMessageLayout.ATT_KEY_ID_SIZE != 0) {
            return QgsErrorCode.INVALID_PARAMETER;
        }
        if (QgsMessageLayout.REQ_PAYLOAD_OFFSET + reportSize + idListSize != length) {
            return QgsErrorCode.INVALID_SIZE;
        }
        return QgsErrorCode.SUCCESS;
    }

    private static ByteBuffer readFully(SocketChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException("peer closed after " + b.position() + " of " + n + " bytes");
            }
        }
        return b.flip();
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Stops accepting, closes every open connection (ending stalls) and removes the socket file. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing a listening socket cannot fail in a way that matters here
        }
        for (SocketChannel ch : open) {
            try {
                ch.close();
            } catch (IOException e) {
                // already gone
            }
        }
        try {
            acceptor.join(5_000);
            Files.deleteIfExists(socketPath);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the socket " + socketPath, e);
        }
    }
}
