package io.github.tdx4j.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The structured access log: one JSON object per answered request, on one line, written to a sink (the command
 * prints it on stdout). Fields: {@code ts} (ISO-8601), {@code method}, {@code path} (without the query, which can
 * hold a quote), {@code route} (the matched pattern), {@code status}, {@code bytes}, {@code micros}, {@code remote}
 * and {@code requestId} (the Request-ID header, when sent). Also counts the request in {@link ServerMetrics}.
 */
final class AccessLog implements Filter {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The longest path logged: paths are client input, and a log line must stay bounded. */
    static final int MAX_PATH_CHARS = 256;

    private final Consumer<String> sink;
    private final ServerMetrics metrics;
    private final Clock clock;

    AccessLog(Consumer<String> sink, ServerMetrics metrics, Clock clock) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            long micros = (System.nanoTime() - start) / 1000;
            String route = req.matchingPattern().orElse("unmatched");
            int status = res.status().code();
            metrics.request(route, status);
            ObjectNode o = JSON.createObjectNode();
            o.put("ts", clock.instant().toString());
            o.put("method", req.prologue().method().text());
            o.put("path", bounded(req.path().rawPath()));
            o.put("route", route);
            o.put("status", status);
            o.put("bytes", res.bytesWritten());
            o.put("micros", micros);
            o.put("remote", req.remotePeer().host());
            req.headers().first(HeaderNames.create("Request-ID")).ifPresent(id -> o.put("requestId", bounded(id)));
            sink.accept(o.toString());
        }
    }

    private static String bounded(String s) {
        return s.length() <= MAX_PATH_CHARS ? s : s.substring(0, MAX_PATH_CHARS) + "…";
    }
}
