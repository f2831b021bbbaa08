package io.github.tdx4j.linux.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * A connected stream socket with a time limit on every wait: the transport under the QGS client. Every call either
 * makes progress within its time-out or throws {@link SocketTimeoutException}; nothing blocks without bound.
 */
public interface SocketStream extends Closeable {
    /** What the peer is, for messages: {@code vsock CID 2 port 4050}, {@code UNIX socket /run/qgs.sock}. */
    String peer();

    /** Sends all of {@code data} within {@code timeoutNanos}. */
    void writeAll(byte[] data, long timeoutNanos) throws IOException;

    /**
     * Receives at least one byte into {@code into[off..off+len)} within {@code timeoutNanos}; returns the count, or -1
     * if the peer closed the stream.
     */
    int read(byte[] into, int off, int len, long timeoutNanos) throws IOException;

    @Override
    void close();

    /** Whole milliseconds for poll(2)/select, at least 1 while any time is left, capped at Integer.MAX_VALUE. */
    static int millis(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (nanos + 999_999) / 1_000_000));
    }
}
