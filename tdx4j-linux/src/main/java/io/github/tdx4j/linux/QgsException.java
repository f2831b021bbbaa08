package io.github.tdx4j.linux;

import io.github.tdx4j.abi.QgsErrorCode;
import java.util.Objects;
import java.util.Optional;

/**
 * A GetQuote exchange with the Quote Generation Service failed. {@link #kind()} says what happened and
 * {@link #source()} whose fault it is (one table: {@link Kind#source()}); the message says what to do.
 */
public final class QgsException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whose fault a QGS failure is. A closed set we produce. */
    public enum Source {
        /** The host's QGS answered, with an error code or with a message that breaks the protocol. */
        HOST_SERVICE,
        /** The connection: no listener, no vsock, closed early, or too slow. */
        TRANSPORT,
        /** This guest: a bad argument, or a request QGS says is malformed. */
        GUEST_BUG
    }

    /** What failed; each kind has exactly one {@link Source}. A closed set we produce. */
    public enum Kind {
        /** Could not connect: no socket file, nothing listening, no vsock in this kernel. */
        UNREACHABLE(Source.TRANSPORT),
        /** A connect, send or receive did not finish within its time-out: the peer stalls. */
        TIMEOUT(Source.TRANSPORT),
        /** The peer closed the connection before the whole response arrived (a short read). */
        CLOSED_EARLY(Source.TRANSPORT),
        /** Sending or receiving failed with an I/O error. */
        IO_ERROR(Source.TRANSPORT),
        /** The frame length announces more than the client accepts, or less than a response header. */
        BAD_LENGTH(Source.HOST_SERVICE),
        /** The response header is not version 1.1. */
        BAD_VERSION(Source.HOST_SERVICE),
        /** The response is not a GET_QUOTE_RESP. */
        BAD_TYPE(Source.HOST_SERVICE),
        /** The sizes in the response disagree with each other or with the frame, or the quote is empty. */
        BAD_SIZE(Source.HOST_SERVICE),
        /** QGS answered a non-zero error_code for a reason on its side (its quoting enclave, PCCS, memory). */
        SERVICE_ERROR(Source.HOST_SERVICE),
        /** QGS answered that the request is malformed (INVALID_PARAMETER, _TYPE, _SIZE, _CODE). */
        REQUEST_REJECTED(Source.GUEST_BUG),
        /** The caller passed something that is not a 1024-byte TDREPORT. */
        INVALID_ARGUMENT(Source.GUEST_BUG);

        private final Source source;

        Kind(Source source) {
            this.source = source;
        }

        public Source source() {
            return source;
        }
    }

    private final Kind kind;
    private final String endpoint;
    private final transient QgsErrorCode errorCode;

    QgsException(Kind kind, String endpoint, QgsErrorCode errorCode, String detail, Throwable cause) {
        super(kind.source() + " " + kind + " (" + endpoint + "): " + detail, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.errorCode = errorCode;
    }

    public Kind kind() {
        return kind;
    }

    public Source source() {
        return kind.source();
    }

    /** The QGS endpoint, as displayed. */
    public String endpoint() {
        return endpoint;
    }

    /** The error_code QGS answered, for {@link Kind#SERVICE_ERROR} and {@link Kind#REQUEST_REJECTED}. */
    public Optional<QgsErrorCode> errorCode() {
        return Optional.ofNullable(errorCode);
    }
}
