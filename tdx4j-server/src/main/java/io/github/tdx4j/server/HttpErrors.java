package io.github.tdx4j.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * Every error the server answers, as one JSON object {@code {"error": CODE, "detail": sentence}}: refused requests
 * ({@link ApiException}), unexpected failures (500 {@code INTERNAL}, detail without internals), and the errors
 * Helidon answers before routing (body over the size limit: 413 {@code BODY_TOO_LARGE}; request line or headers over
 * their limits, or malformed: 400 {@code BAD_REQUEST} or 431), through Helidon's direct handlers.
 */
final class HttpErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpErrors() {
    }

    /** The error body. */
    static byte[] body(String code, String detail) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", code);
        o.put("detail", detail);
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void send(ServerResponse res, ApiException e) {
        send(res, e.status, e.code, e.getMessage());
    }

    static void send(ServerResponse res, int status, String code, String detail) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        if (status == 503) {
            res.header(HeaderNames.RETRY_AFTER, "1");
        }
        res.send(body(code, detail));
    }

    /**
     * JSON answers for the errors found while reading a request, before any route runs. Helidon's own message is
     * replaced by a sentence of ours: it may quote the input.
     */
    static DirectHandlers directHandlers(long maxBodyBytes, int maxHeaderBytes) {
        DirectHandler handler = (request, eventType, status, headers, message) -> {
            String code;
            String detail;
            if (eventType == DirectHandler.EventType.PAYLOAD_TOO_LARGE || status.code() == 413) {
                code = "BODY_TOO_LARGE";
                detail = "the request body is larger than the limit of " + maxBodyBytes + " bytes";
            } else if (status.code() == 431) {
                code = "HEADERS_TOO_LARGE";
                detail = "the request headers are larger than the limit of " + maxHeaderBytes + " bytes";
            } else if (status.code() >= 500) {
                code = "INTERNAL";
                detail = "the server failed to read the request";
            } else {
                code = "BAD_REQUEST";
                detail = "the request is not valid HTTP/1.1, or its request line or headers exceed "
                        + maxHeaderBytes + " bytes";
            }
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .keepAlive(false)
                    .entity(body(code, detail))
                    .build();
        };
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
            b.addHandler(t, handler);
        }
        return b.build();
    }
}
