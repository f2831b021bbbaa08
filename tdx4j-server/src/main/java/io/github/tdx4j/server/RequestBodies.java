package io.github.tdx4j.server;

import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads request bodies with a size limit. Helidon refuses a declared Content-Length over the listener's limit before
 * routing; this also bounds a chunked body, whose length is known only while reading.
 */
final class RequestBodies {
    private final int maxBytes;

    RequestBodies(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    int maxBytes() {
        return maxBytes;
    }

    /**
     * The whole body.
     *
     * @throws ApiException 413 BODY_TOO_LARGE past the limit
     */
    byte[] read(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw new ApiException(413, "BODY_TOO_LARGE", "the request body is larger than the limit of "
                        + maxBytes + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
