package io.github.tdx4j.ratls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * One-line {@link SSLContext}s for each RA-TLS role, TLS 1.3 only.
 *
 * <pre>{@code
 * SSLContext server = Ratls.serverContext(keyManager);             // a service in a TD
 * SSLContext client = Ratls.clientContext(trustManager);           // a relying party
 * SSLContext both   = Ratls.mutualContext(keyManager, trustManager); // two TDs; the server also calls
 *                                                                  // setNeedClientAuth(true) on its sockets
 * }</pre>
 *
 * <p>Session resumption: a resumed TLS session is not attested again. Client contexts made here keep sessions for
 * at most {@link #CLIENT_SESSION_LIFETIME}. A {@link RatlsKeyManager} issues no session ticket for a challenged
 * handshake, so with it every challenged connection is a full handshake with a fresh quote; against another server,
 * check after the handshake with {@link RatlsTrustManager#verify} and the nonce sent (a resumed session's
 * certificate carries an older nonce and is refused).
 */
public final class Ratls {
    /** The only protocol offered: TLS 1.3 (RFC 8446). */
    public static final String PROTOCOL = "TLSv1.3";
    /** How long a client context keeps a session for resumption. */
    public static final Duration CLIENT_SESSION_LIFETIME = Duration.ofMinutes(5);

    private Ratls() {
    }

    /** A server context that presents {@code keyManager}'s attested certificate. */
    public static SSLContext serverContext(RatlsKeyManager keyManager) {
        return context(new KeyManager[] {Objects.requireNonNull(keyManager, "keyManager")}, null);
    }

    /** A client context that accepts servers through {@code trustManager} only. */
    public static SSLContext clientContext(RatlsTrustManager trustManager) {
        return context(null, new TrustManager[] {Objects.requireNonNull(trustManager, "trustManager")});
    }

    /** A context for either role that presents an attested certificate and verifies the peer's. */
    public static SSLContext mutualContext(RatlsKeyManager keyManager, RatlsTrustManager trustManager) {
        return context(new KeyManager[] {Objects.requireNonNull(keyManager, "keyManager")},
                new TrustManager[] {Objects.requireNonNull(trustManager, "trustManager")});
    }

    private static SSLContext context(KeyManager[] km, TrustManager[] tm) {
        try {
            SSLContext ctx = SSLContext.getInstance(PROTOCOL);
            ctx.init(km, tm, null);
            ctx.getClientSessionContext().setSessionTimeout((int) CLIENT_SESSION_LIFETIME.toSeconds());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK offers no " + PROTOCOL + " context: " + e.getMessage(), e);
        }
    }

    /**
     * Client sockets of {@code context} that each send a fresh nonce on {@code transport} and are never resumed
     * (the session is invalidated once the handshake completes), so every connection proves a fresh quote to a
     * trust manager in challenge mode ({@link RatlsTrustManager.Builder#requireNonce}).
     */
    public static SSLSocketFactory challengingSocketFactory(SSLContext context, ChallengeNonce.Transport transport) {
        return new ChallengingSocketFactory(context.getSocketFactory(), transport, new SecureRandom());
    }

    /** Adds a fresh nonce to {@code socket}'s parameters; returns the nonce. */
    public static byte[] challenge(SSLSocket socket, ChallengeNonce.Transport transport, SecureRandom random) {
        byte[] nonce = ChallengeNonce.fresh(random);
        SSLParameters p = socket.getSSLParameters();
        socket.setSSLParameters(ChallengeNonce.offer(p, nonce, transport));
        socket.addHandshakeCompletedListener(e -> e.getSession().invalidate());
        return nonce;
    }

    /** Wraps a socket factory; every socket gets {@link #challenge}. */
    private static final class ChallengingSocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final ChallengeNonce.Transport transport;
        private final SecureRandom random;

        ChallengingSocketFactory(SSLSocketFactory delegate, ChallengeNonce.Transport transport, SecureRandom random) {
            this.delegate = delegate;
            this.transport = Objects.requireNonNull(transport, "transport");
            this.random = random;
        }

        private Socket prepare(Socket s) {
            challenge((SSLSocket) s, transport, random);
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return prepare(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return prepare(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return prepare(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return prepare(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return prepare(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return prepare(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
