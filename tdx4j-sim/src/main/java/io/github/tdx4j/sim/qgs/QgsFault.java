package io.github.tdx4j.sim.qgs;

import io.github.tdx4j.abi.QgsErrorCode;
import java.util.Objects;

/**
 * What the simulated QGS does wrong on one connection, so a client can be tested against each way a host service or
 * its transport fails. A closed set we produce.
 */
public sealed interface QgsFault {
    /** Serve the request correctly. */
    record None() implements QgsFault {
    }

    /** Send only the first {@code bytes} bytes of the framed response, then close: the client sees a short read. */
    record ShortResponse(int bytes) implements QgsFault {
        public ShortResponse {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
            }
        }
    }

    /** Announce a frame length of {@code length} (unsigned) and send nothing more. */
    record OversizedLength(long length) implements QgsFault {
    }

    /** Answer with this protocol version in the header instead of 1.1. */
    record WrongVersion(int major, int minor) implements QgsFault {
    }

    /** Answer with this message type instead of GET_QUOTE_RESP. */
    record WrongType(int type) implements QgsFault {
    }

    /** Answer GET_QUOTE_RESP with this error code and no quote. */
    record ErrorCode(QgsErrorCode code) implements QgsFault {
        public ErrorCode {
            Objects.requireNonNull(code, "code");
        }
    }

    /** Answer with a header {@code size} that disagrees with the frame length by {@code delta}. */
    record SizeMismatch(int delta) implements QgsFault {
    }

    /** Read the request and never answer until the client gives up or the server closes. */
    record Stall() implements QgsFault {
    }

    /** Close the connection right after accepting it, before reading anything. */
    record CloseImmediately() implements QgsFault {
    }

    QgsFault NONE = new None();
}
