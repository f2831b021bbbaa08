package io.github.tdx4j.sim.qgs;

import java.io.IOException;

/**
 * The VMM's connection to a Quote Generation Service, QEMU's {@code quote-generation-socket}
 * (qemu/qemu {@code target/i386/kvm/tdx-quote-generator.c}, {@code tdx_generate_quote}): one framed request out,
 * one framed response back, on a fresh connection each time. Framing and messages: {@link
 * io.github.tdx4j.abi.QgsMessageLayout} (qgs_msg_lib 1.1).
 *
 * <p>Two implementations: {@link QgsResponder#socket()} hands the bytes to the simulated QGS's message handling in
 * the same process (deterministic, the default of the simulated VMM), and {@link UnixQuoteGenerationSocket} sends
 * them over a real UNIX-domain socket, for example to a {@link SimulatedQgsServer}.
 */
@FunctionalInterface
public interface QuoteGenerationSocket {
    /**
     * Sends {@code requestFrame} (4-byte big-endian length, then the message) and returns the response frame as
     * read: the 4-byte length, then, when that length is 1 to {@code maxResponseFrame} − 4, that many bytes; when it
     * is not, only the 4 bytes (the caller refuses the length, as QEMU does, without reading on).
     *
     * @param maxResponseFrame the most bytes the caller can take, frame length included
     * @throws QgsUnavailableException if no connection could be made (QEMU: GET_QUOTE_SERVICE_UNAVAILABLE)
     * @throws IOException             if the exchange failed after connecting: the peer closed early, an I/O
     *                                 error, or the time-out (QEMU: GET_QUOTE_ERROR)
     */
    byte[] exchange(byte[] requestFrame, int maxResponseFrame) throws IOException;

    /** No QGS could be reached. */
    final class QgsUnavailableException extends IOException {
        private static final long serialVersionUID = 1L;

        public QgsUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
