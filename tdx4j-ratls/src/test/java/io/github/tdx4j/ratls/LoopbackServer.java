package io.github.tdx4j.ratls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server on 127.0.0.1 for tests: accepts connections one at a time on a thread, handshakes, writes "hello\n"
 * and closes. Handshake failures on the server side (a refused client in mutual mode) are kept.
 */
final class LoopbackServer implements AutoCloseable {
    final SSLServerSocket socket;
    final List<Exception> failures = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final Optional<Consumer<SSLSocket>> prepare;

    LoopbackServer(SSLContext context) throws IOException {
        this(context, false, Optional.empty());
    }

    LoopbackServer(SSLContext context, boolean needClientAuth, Optional<Consumer<SSLSocket>> prepare)
            throws IOException {
        socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 16,
                InetAddress.getLoopbackAddress());
        socket.setNeedClientAuth(needClientAuth);
        this.prepare = prepare;
        thread = Thread.ofPlatform().daemon().name("loopback-tls").start(this::serve);
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (SSLSocket s = (SSLSocket) socket.accept()) {
                s.setSoTimeout(10_000);
                prepare.ifPresent(p -> p.accept(s));
                try {
                    s.startHandshake();
                    OutputStream out = s.getOutputStream();
                    out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    failures.add(e);
                }
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                failures.add(e);
            }
        }
    }

    /** Reads the server's greeting on a connected client socket. */
    static String greeting(SSLSocket s) throws IOException {
        InputStream in = s.getInputStream();
        return new String(in.readNBytes(6), StandardCharsets.US_ASCII);
    }

    /** Stops accepting and waits (bounded) for the serving thread; may be called more than once. */
    void stop() throws IOException {
        socket.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
