package io.github.tdx4j.sim.qgs;

import io.github.tdx4j.abi.QgsMessageLayout;
import io.github.tdx4j.sim.quote.QuoteGenerationService;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Quote Generation Service on a UNIX-domain socket, speaking the real QGS protocol 1.1 ({@link QgsMessageLayout}):
 * one GET_QUOTE_REQ per connection, answered with one GET_QUOTE_RESP from a {@link QuoteGenerationService} (the
 * simulated quoting enclave). Real QGS (intel/SGXDataCenterAttestationPrimitives, QuoteGeneration/quote_wrapper/qgs)
 * listens on vsock and, for the host's QEMU, on a UNIX socket; this serves a UNIX socket through the JDK, or any
 * other transport through a {@link QgsListener} (vsock, from a module with native access).
 *
 * <p>The messages are answered by {@link QgsResponder} (qgs_msg_lib's request checks). Frames longer than {@link
 * #MAX_REQUEST_FRAME} are not read: the connection is closed.
 *
 * <p>{@link #inject(QgsFault...)} queues faults, one per following connection, to test clients.
 */
public final class SimulatedQgsServer implements AutoCloseable {
    /** The largest request frame read: a TDREPORT and an id list of 64 ids, with room to spare. */
    public static final int MAX_REQUEST_FRAME = 16 * 1024;

    private final Optional<Path> socketPath;
    private final QgsListener listener;
    private final QgsResponder responder;
    private final Thread acceptor;
    private final Deque<QgsFault> faults = new ArrayDeque<>();
    private final Set<ByteChannel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private SimulatedQgsServer(Optional<Path> socketPath, QgsListener listener, QuoteGenerationService service) {
        this.socketPath = socketPath;
        this.listener = listener;
        this.responder = new QgsResponder(service);
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
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(socketPath));
            } catch (IOException e) {
                server.close();
                throw e;
            }
            SimulatedQgsServer s = new SimulatedQgsServer(Optional.of(socketPath), new QgsListener() {
                @Override
                public ByteChannel accept() throws IOException {
                    return server.accept();
                }

                @Override
                public String display() {
                    return "UNIX socket " + socketPath;
                }

                @Override
                public void close() throws IOException {
                    server.close();
                }
            }, service);
            s.acceptor.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the simulated QGS to " + socketPath, e);
        }
    }

    /**
     * Serves the connections {@code listener} takes, for example vsock from a module with native access; closing
     * the server closes the listener.
     */
    public static SimulatedQgsServer start(QgsListener listener, QuoteGenerationService service) {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(service, "service");
        SimulatedQgsServer s = new SimulatedQgsServer(Optional.empty(), listener, service);
        s.acceptor.start();
        return s;
    }

    /** Where it listens, for messages. */
    public String display() {
        return listener.display();
    }

    /**
     * The UNIX socket it listens on.
     *
     * @throws IllegalStateException if it was started on another {@link QgsListener}
     */
    public Path socketPath() {
        return socketPath.orElseThrow(() -> new IllegalStateException("this QGS listens on " + display()));
    }

    /** Requests answered with a quote so far. */
    public int quotesServed() {
        return responder.quotesServed();
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
            ByteChannel ch;
            try {
                ch = listener.accept();
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

    private void serve(ByteChannel ch, QgsFault fault) {
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
            byte[] response = responder.respond(request, fault);
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

    private static ByteBuffer readFully(ByteChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException("peer closed after " + b.position() + " of " + n + " bytes");
            }
        }
        return b.flip();
    }

    private static void writeFully(ByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Stops accepting, closes every open connection (ending stalls) and removes the socket file. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing a listening socket cannot fail in a way that matters here
        }
        for (ByteChannel ch : open) {
            try {
                ch.close();
            } catch (IOException e) {
                // already gone
            }
        }
        try {
            acceptor.join(5_000);
            if (socketPath.isPresent()) {
                Files.deleteIfExists(socketPath.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the socket " + socketPath.get(), e);
        }
    }
}
