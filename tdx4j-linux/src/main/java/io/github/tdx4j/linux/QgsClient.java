package io.github.tdx4j.linux;

import io.github.tdx4j.abi.QgsErrorCode;
import io.github.tdx4j.abi.QgsMessageLayout;
import io.github.tdx4j.abi.QgsMessageType;
import io.github.tdx4j.call.policy.NanoClock;
import io.github.tdx4j.linux.QgsException.Kind;
import io.github.tdx4j.linux.internal.KernelFileException;
import io.github.tdx4j.linux.internal.NativeSocketStream;
import io.github.tdx4j.linux.internal.SocketStream;
import io.github.tdx4j.linux.internal.UnixSocketStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * A client of the host's Quote Generation Service (QGS): one GET_QUOTE_REQ carrying a TDREPORT, one GET_QUOTE_RESP
 * carrying the quote, on a fresh connection each time, as libtdx_attest's {@code vsock_get_quote_payload} does
 * (intel/SGXDataCenterAttestationPrimitives, QuoteGeneration/quote_wrapper/tdx_attest/tdx_attest.c). Messages and
 * framing: {@link QgsMessageLayout} (qgs_msg_lib 1.1).
 *
 * <p>Unlike configfs-tsm, whose kernel driver polls the host once a second, this returns as soon as QGS answers.
 * The host is untrusted: every length it sends is checked against {@link Options#maxResponseBytes()} before
 * anything is allocated, every wait is bounded by {@link Options}, and the response is validated as QEMU's
 * {@code tdx_generate_quote} does (version 1.1, type GET_QUOTE_RESP, error_code 0, selected_id_size 0, sizes
 * consistent). Every failure is a {@link QgsException} whose {@link QgsException.Kind} names its origin.
 *
 * <p>Thread-safe: no state is shared between requests.
 */
public final class QgsClient {
    /**
     * Bounds on one request.
     *
     * @param connectTimeout   the longest wait for the connection
     * @param requestTimeout   the longest the whole exchange (connect, send, receive) may take
     * @param maxResponseBytes the largest response message accepted, header included
     */
    public record Options(Duration connectTimeout, Duration requestTimeout, int maxResponseBytes) {
        /**
         * 2 s to connect (the vsock default connect time-out, net/vmw_vsock/af_vsock.c VSOCK_DEFAULT_CONNECT_TIMEOUT),
         * 30 s in all (QEMU's and the Linux driver's GetQuote limit), and a response of at most the 128 KiB GetQuote
         * buffer (a quote with its PCK chain is about 5 KiB).
         */
        public static final Options DEFAULT = new Options(Duration.ofSeconds(2), Duration.ofSeconds(30),
                LinuxTdAttestation.QUOTE_LIMIT);

        public Options {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            if (connectTimeout.isNegative() || connectTimeout.isZero() || requestTimeout.isNegative()
                    || requestTimeout.isZero()) {
                throw new IllegalArgumentException("time-outs must be positive: " + connectTimeout + ", "
                        + requestTimeout);
            }
            if (maxResponseBytes < QgsMessageLayout.RESP_PAYLOAD_OFFSET) {
                throw new IllegalArgumentException("maxResponseBytes must hold a response header: "
                        + maxResponseBytes);
            }
        }
    }

    /** Opens the connection: the seam between the protocol and the transports. */
    @FunctionalInterface
    interface Connector {
        SocketStream connect(QgsEndpoint endpoint, long timeoutNanos) throws IOException;
    }

    /** vsock through the native calls, UNIX sockets through the JDK. */
    static final Connector DEFAULT_CONNECTOR = (endpoint, timeoutNanos) -> switch (endpoint) {
        case QgsEndpoint.Vsock v -> NativeSocketStream.connectVsock(v.cid(), v.port(), timeoutNanos);
        case QgsEndpoint.UnixSocket u -> UnixSocketStream.connect(u.path(), timeoutNanos);
    };

    private final QgsEndpoint endpoint;
    private final Options options;
    private final NanoClock clock;
    private final Connector connector;

    QgsClient(QgsEndpoint endpoint, Options options, NanoClock clock, Connector connector) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.connector = Objects.requireNonNull(connector, "connector");
    }

    public static QgsClient of(QgsEndpoint endpoint) {
        return of(endpoint, Options.DEFAULT);
    }

    public static QgsClient of(QgsEndpoint endpoint, Options options) {
        return new QgsClient(endpoint, options, NanoClock.SYSTEM, DEFAULT_CONNECTOR);
    }

    public QgsEndpoint endpoint() {
        return endpoint;
    }

    public Options options() {
        return options;
    }

    /**
     * The quote QGS generates for {@code tdReport}, a 1024-byte TDREPORT_STRUCT.
     *
     * @throws QgsException if the exchange fails; nothing is retried
     */
    public byte[] getQuote(byte[] tdReport) throws QgsException {
        Objects.requireNonNull(tdReport, "tdReport");
        if (tdReport.length != QgsMessageLayout.REPORT_SIZE) {
            throw fail(Kind.INVALID_ARGUMENT, "a GET_QUOTE_REQ carries a 1024-byte TDREPORT, got " + tdReport.length
                    + " bytes", null);
        }
        byte[] request = frame(encodeRequest(tdReport));
        long deadline = clock.nanoTime() + options.requestTimeout().toNanos();
        SocketStream stream;
        try {
            stream = connector.connect(endpoint, Math.min(options.connectTimeout().toNanos(), left(deadline)));
        } catch (SocketTimeoutException e) {
            throw fail(Kind.TIMEOUT, "no connection within " + options.connectTimeout().toMillis() + " ms: QGS is "
                    + "not answering (check that qgsd runs on the host)", e);
        } catch (IOException e) {
            throw fail(Kind.UNREACHABLE, "cannot connect (" + describe(e) + "): " + unreachableAdvice(), e);
        }
        try (stream) {
            stream.writeAll(request, left(deadline));
            byte[] length = readFully(stream, QgsMessageLayout.FRAME_LENGTH_SIZE, deadline, "the frame length");
            long announced = Integer.toUnsignedLong(
                    ByteBuffer.wrap(length).order(QgsMessageLayout.FRAME_ORDER).getInt());
            if (announced > options.maxResponseBytes() || announced < QgsMessageLayout.RESP_PAYLOAD_OFFSET) {
                throw fail(Kind.BAD_LENGTH, "the response frame announces " + announced + " bytes; a GET_QUOTE_RESP "
                        + "is " + QgsMessageLayout.RESP_PAYLOAD_OFFSET + ".." + options.maxResponseBytes()
                        + " bytes: the peer is not a QGS 1.1 or is misbehaving", null);
            }
            byte[] response = readFully(stream, (int) announced, deadline, "the response");
            return decodeResponse(response);
        } catch (SocketTimeoutException e) {
            throw fail(Kind.TIMEOUT, "the exchange did not finish within " + options.requestTimeout().toMillis()
                    + " ms (" + e.getMessage() + "): QGS or its PCCS is stalled", e);
        } catch (IOException e) {
            throw fail(Kind.IO_ERROR, "the exchange failed (" + describe(e) + ")", e);
        }
    }

    private long left(long deadline) throws SocketTimeoutException {
        long left = deadline - clock.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("the request time-out has passed");
        }
        return left;
    }

    private byte[] readFully(SocketStream stream, int n, long deadline, String what) throws IOException,
            QgsException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            int got = stream.read(b, off, n - off, left(deadline));
            if (got < 0) {
                throw fail(Kind.CLOSED_EARLY, "the peer closed the connection after " + off + " of " + n + " bytes of "
                        + what + ": QGS crashed or dropped the request; its log on the host says why", null);
            }
            off += got;
        }
        return b;
    }

    /** The GET_QUOTE_REQ message for {@code tdReport}, without the frame length; no attestation key id list. */
    static byte[] encodeRequest(byte[] tdReport) {
        int size = QgsMessageLayout.REQ_PAYLOAD_OFFSET + tdReport.length;
        return ByteBuffer.allocate(size).order(QgsMessageLayout.MESSAGE_ORDER)
                .putShort(QgsMessageLayout.MAJOR_VERSION_OFFSET, (short) QgsMessageLayout.MAJOR_VERSION)
                .putShort(QgsMessageLayout.MINOR_VERSION_OFFSET, (short) QgsMessageLayout.MINOR_VERSION)
                .putInt(QgsMessageLayout.TYPE_OFFSET, (int) QgsMessageType.GET_QUOTE_REQ.raw())
                .putInt(QgsMessageLayout.SIZE_OFFSET, size)
                .putInt(QgsMessageLayout.ERROR_CODE_OFFSET, 0)
                .putInt(QgsMessageLayout.REPORT_SIZE_OFFSET, tdReport.length)
                .putInt(QgsMessageLayout.ID_LIST_SIZE_OFFSET, 0)
                .put(QgsMessageLayout.REQ_PAYLOAD_OFFSET, tdReport)
                .array();
    }

    /** {@code message} preceded by its length, 4 bytes big-endian. */
    static byte[] frame(byte[] message) {
        return ByteBuffer.allocate(QgsMessageLayout.FRAME_LENGTH_SIZE + message.length)
                .order(QgsMessageLayout.FRAME_ORDER).putInt(message.length).put(message).array();
    }

    /** The quote in a GET_QUOTE_RESP message (frame length removed), checked as QEMU checks it. */
    byte[] decodeResponse(byte[] message) throws QgsException {
        ByteBuffer m = ByteBuffer.wrap(message).order(QgsMessageLayout.MESSAGE_ORDER);
        int major = Short.toUnsignedInt(m.getShort(QgsMessageLayout.MAJOR_VERSION_OFFSET));
        int minor = Short.toUnsignedInt(m.getShort(QgsMessageLayout.MINOR_VERSION_OFFSET));
        if (major != QgsMessageLayout.MAJOR_VERSION || minor != QgsMessageLayout.MINOR_VERSION) {
            throw fail(Kind.BAD_VERSION, "the response is version " + major + "." + minor + ", not "
                    + QgsMessageLayout.MAJOR_VERSION + "." + QgsMessageLayout.MINOR_VERSION
                    + ": the host runs a QGS this client does not speak", null);
        }
        QgsMessageType type = QgsMessageType.of(m.getInt(QgsMessageLayout.TYPE_OFFSET));
        if (!type.equals(QgsMessageType.GET_QUOTE_RESP)) {
            throw fail(Kind.BAD_TYPE, "the response is a " + type + ", not a GET_QUOTE_RESP", null);
        }
        long size = Integer.toUnsignedLong(m.getInt(QgsMessageLayout.SIZE_OFFSET));
        if (size != message.length) {
            throw fail(Kind.BAD_SIZE, "the header says " + size + " bytes but the frame holds " + message.length,
                    null);
        }
        QgsErrorCode error = QgsErrorCode.of(m.getInt(QgsMessageLayout.ERROR_CODE_OFFSET));
        if (!error.isSuccess()) {
            throw errorCode(error);
        }
        long selectedId = Integer.toUnsignedLong(m.getInt(QgsMessageLayout.SELECTED_ID_SIZE_OFFSET));
        long quoteSize = Integer.toUnsignedLong(m.getInt(QgsMessageLayout.QUOTE_SIZE_OFFSET));
        if (selectedId != 0) {
            throw fail(Kind.BAD_SIZE, "the response selects an attestation key id (" + selectedId + " bytes) "
                    + "although the request named none", null);
        }
        if (quoteSize == 0 || QgsMessageLayout.RESP_PAYLOAD_OFFSET + quoteSize != size) {
            throw fail(Kind.BAD_SIZE, "quote_size " + quoteSize + " does not fill the " + size + "-byte response"
                    + (quoteSize == 0 ? " (an empty quote: the host's QGS is too old or misconfigured)" : ""), null);
        }
        byte[] quote = new byte[(int) quoteSize];
        m.get(QgsMessageLayout.RESP_PAYLOAD_OFFSET, quote);
        return quote;
    }

    /**
     * The one table of QGS error codes: which ones say our request was malformed (a guest bug, if QGS is right) and
     * which are the service's own failure, with what to do.
     */
    private QgsException errorCode(QgsErrorCode code) {
        Kind kind;
        String advice;
        if (code.equals(QgsErrorCode.INVALID_PARAMETER) || code.equals(QgsErrorCode.INVALID_TYPE)
                || code.equals(QgsErrorCode.INVALID_SIZE) || code.equals(QgsErrorCode.INVALID_CODE)) {
            kind = Kind.REQUEST_REJECTED;
            advice = "QGS says the GET_QUOTE_REQ is malformed; report this to tdx4j with the QGS version";
        } else if (code.equals(QgsErrorCode.INVALID_VERSION)) {
            kind = Kind.SERVICE_ERROR;
            advice = "QGS does not speak protocol 1.1; update the host's QGS";
        } else if (code.equals(QgsErrorCode.OUT_OF_MEMORY)) {
            kind = Kind.SERVICE_ERROR;
            advice = "QGS ran out of memory on the host; try again later";
        } else {
            // UNEXPECTED, and codes of the quote library behind QGS (its quoting enclave, PCCS access).
            kind = Kind.SERVICE_ERROR;
            advice = "QGS could not generate the quote; its log on the host (journalctl -u qgsd) says why, most "
                    + "often an unreachable or misconfigured PCCS";
        }
        return new QgsException(kind, endpoint.display(), code, "QGS answered error_code " + code + ": " + advice,
                null);
    }

    private QgsException fail(Kind kind, String detail, Throwable cause) {
        return new QgsException(kind, endpoint.display(), null, detail, cause);
    }

    private String unreachableAdvice() {
        return switch (endpoint) {
            case QgsEndpoint.Vsock v -> "check that the VM has a vsock device and that the host's QGS listens on "
                    + "vsock port " + v.port() + " (qgsd -p " + v.port() + "; QuoteGeneration/quote_wrapper/qgs)";
            case QgsEndpoint.UnixSocket u -> "check that a QGS listens on " + u.path();
        };
    }

    /** Why a socket operation failed, in words: the kernel's errno, or the JDK's reason without its class name. */
    static String describe(IOException e) {
        if (e instanceof KernelFileException k) {
            return k.operation() + ": " + k.errno();
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e instanceof java.net.ConnectException ? "connection refused" : "an I/O error";
        }
        return m.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + m.substring(1);
    }
}
