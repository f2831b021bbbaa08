package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.github.tdx4j.sim.SimSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad input gets a 4xx JSON error naming the problem, the server keeps serving, and every bound holds. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BoundsAndErrorsTest {
    static TdxServer server;

    @BeforeAll
    static void start() {
        server = TdxServer.start(ServerConfig.defaults(new ServerConfig.CollateralMode.Simulated(
                SimSettings.DEFAULT_SEED)).withLimits(64 * 1024, 4096, 2, Duration.ofMillis(200)));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static void assertError(HttpResponse<byte[]> r, int status, String code) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode e = Http.json(r);
        assertThat(e.get("error").textValue()).isEqualTo(code);
        assertThat(e.get("detail").textValue()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    @DisplayName("Text that is neither hex nor base64, bad JSON, unknown fields and bad policies are 400 with a code")
    void badInputIs400() {
        String u = server.baseUri() + "/verify";
        assertError(Http.post(u, "text/plain", "not a quote!".getBytes(StandardCharsets.US_ASCII)), 400,
                "BAD_QUOTE_ENCODING");
        assertError(Http.post(u, "application/json", "{\"quote\":".getBytes(StandardCharsets.US_ASCII)), 400,
                "BAD_JSON");
        assertError(Http.post(u, "application/json", "{\"quote\":\"00\",\"x\":1}".getBytes(StandardCharsets.US_ASCII)),
                400, "BAD_JSON");
        assertError(Http.post(u, "application/json", "{\"nonce\":\"a\"}".getBytes(StandardCharsets.US_ASCII)), 400,
                "NO_QUOTE");
        assertError(Http.post(u, "application/json",
                "{\"quote\":\"00\",\"policy\":{\"mrTd\":\"12\"}}".getBytes(StandardCharsets.US_ASCII)), 400, "BAD_POLICY");
        assertError(Http.post(u, "application/json",
                "{\"quote\":\"00\",\"policy\":{\"acceptedStatuses\":[\"Fine\"]}}".getBytes(StandardCharsets.US_ASCII)),
                400, "BAD_POLICY");
        assertError(Http.post(u, "application/json",
                "{\"quote\":\"00\",\"collateral\":{\"tcb_info\":1}}".getBytes(StandardCharsets.US_ASCII)), 400,
                "BAD_COLLATERAL");
        assertError(Http.post(u, "image/png", new byte[] {1}), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertError(Http.get(server.baseUri() + "/no/such/route"), 404, "NOT_FOUND");
        assertThat(Http.get(server.baseUri() + "/healthz").statusCode()).as("still serving").isEqualTo(200);
    }

    @Test
    @DisplayName("A route asked with another method is 405 METHOD_NOT_ALLOWED with Allow (GET /verify was 404 'no route'); each route answers its own method")
    void wrongMethodIs405() {
        for (AllowedMethods.Route route : AllowedMethods.ROUTES) {
            String uri = server.baseUri() + route.example();
            assertThat(route.path().matcher(route.example()).matches()).as(route.example()).isTrue();
            HttpResponse<byte[]> own = Http.send(java.net.http.HttpRequest.newBuilder(URI.create(uri))
                    .timeout(Duration.ofSeconds(20)).method(route.method(), java.net.http.HttpRequest.BodyPublishers
                            .ofString("{}")).header("Content-Type", "application/json").build());
            assertThat(own.statusCode()).as(route.method() + " " + route.example() + " is routed").isNotEqualTo(405);
            if (own.statusCode() == 404) { // a route's own 404 (NO_CACHE_DATA), not "no route"
                assertThat(Http.json(own).get("error").textValue()).as(route.example()).isNotEqualTo("NOT_FOUND");
            }
            String other = route.method().equals("GET") ? "POST" : "GET";
            for (String wrong : java.util.List.of(other, "DELETE")) {
                HttpResponse<byte[]> r = Http.send(java.net.http.HttpRequest.newBuilder(URI.create(uri))
                        .timeout(Duration.ofSeconds(20)).method(wrong, java.net.http.HttpRequest.BodyPublishers
                                .noBody()).build());
                assertError(r, 405, "METHOD_NOT_ALLOWED");
                assertThat(r.headers().firstValue("Allow")).as(wrong + " " + route.example()).hasValue(route.method());
                assertThat(Http.json(r).get("detail").textValue()).isEqualTo(route.example() + " takes "
                        + route.method() + ", not " + wrong);
            }
        }
        assertError(Http.get(server.baseUri() + "/verify/"), 404, "NOT_FOUND");
        assertThat(Http.get(server.baseUri() + "/healthz").statusCode()).as("still serving").isEqualTo(200);
    }

    @Test
    @DisplayName("A JSON body nested 20,000 deep is 400 BAD_JSON (was 500 INTERNAL: a NullPointerException on the parser's location)")
    void deepJsonIs400() {
        byte[] deep = ("{\"quote\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}")
                .getBytes(StandardCharsets.US_ASCII);
        HttpResponse<byte[]> r = Http.post(server.baseUri() + "/verify", "application/json", deep);
        assertError(r, 400, "BAD_JSON");
        assertThat(Http.json(r).get("detail").textValue()).isEqualTo("the request body is beyond the JSON reader's "
                + "limits (nesting deeper than 1000 levels, or a value longer than it reads)");
        assertThat(Http.get(server.baseUri() + "/healthz").statusCode()).as("still serving").isEqualTo(200);
    }

    @Test
    @DisplayName("Collateral sent as text that is not JSON is 400 BAD_COLLATERAL naming line and column, not Jackson's 'Unrecognized token'")
    void collateralTextThatIsNotJson() {
        HttpResponse<byte[]> r = Http.post(server.baseUri() + "/verify", "application/json",
                "{\"quote\":\"00\",\"collateral\":\"nope\"}".getBytes(StandardCharsets.US_ASCII));
        assertError(r, 400, "BAD_COLLATERAL");
        assertThat(Http.json(r).get("detail").textValue()).isEqualTo("field \"collateral\" is a string, and its text "
                + "is not valid JSON (line 1, column 5)");
        HttpResponse<byte[]> list = Http.post(server.baseUri() + "/verify", "application/json",
                "{\"quote\":\"00\",\"collateral\":[1]}".getBytes(StandardCharsets.US_ASCII));
        assertError(list, 400, "BAD_COLLATERAL");
        assertThat(Http.json(list).get("detail").textValue()).isEqualTo("field \"collateral\" must be a "
                + "QuoteCollateralV3 object, or its JSON text");
    }

    @Test
    @DisplayName("curl's default Content-Type (application/x-www-form-urlencoded) is 415 with a hint to set it")
    void formContentTypeGetsAHint() {
        HttpResponse<byte[]> r = Http.post(server.baseUri() + "/verify", "application/x-www-form-urlencoded",
                new byte[] {3, 0, 2, 0});
        assertError(r, 415, "UNSUPPORTED_MEDIA_TYPE");
        assertThat(Http.json(r).get("detail").textValue()).contains("curl -d and --data-binary send this type");
    }

    @Test
    @DisplayName("A body over the limit is 413 BODY_TOO_LARGE; headers over the limit are refused as JSON; the server keeps serving")
    void sizeLimits() throws Exception {
        assertError(Http.post(server.baseUri() + "/verify", "application/octet-stream", new byte[65 * 1024]), 413,
                "BODY_TOO_LARGE");
        // Headers over 4 KiB, sent raw: the JDK client refuses nothing, but this shows the bytes on the wire.
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(8000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(s.getInputStream().readNBytes(4096), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 4").contains("application/json").contains("\"error\"");
        }
        assertThat(Http.get(server.baseUri() + "/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("Concurrent verifications are bounded (503 BUSY with Retry-After) and upstream fetches time out (502)")
    void concurrencyAndUpstreamBounds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", ex -> {
            try {
                release.await(20, TimeUnit.SECONDS); // a PCS that does not answer in time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        upstream.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        upstream.start();
        URI base = URI.create("http://127.0.0.1:" + upstream.getAddress().getPort());
        ServerConfig config = ServerConfig.defaults(new ServerConfig.CollateralMode.Lazy(base, true, Optional.empty()))
                .withLimits(64 * 1024, 8192, 1, Duration.ofMillis(100))
                .withUpstreamTimeout(Duration.ofMillis(1500));
        SimulatedQuotes quotes = SimulatedQuotes.defaultPlatform(4);
        try (TdxServer lazy = TdxServer.start(config)) {
            CompletableFuture<HttpResponse<byte[]>> first = CompletableFuture.supplyAsync(
                    () -> Http.post(lazy.baseUri() + "/verify", "application/octet-stream", quotes.quote(1)));
            Thread.sleep(400); // the first request now holds the only slot, waiting on the upstream
            assertError(Http.post(lazy.baseUri() + "/verify", "application/octet-stream", quotes.quote(2)), 503,
                    "BUSY");
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = first.get(15, TimeUnit.SECONDS);
            assertError(r, 502, "UPSTREAM");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        } finally {
            release.countDown();
            upstream.stop(0);
        }
    }

    @Test
    @DisplayName("stop() lets a request in flight finish with its answer, then refuses connections")
    void gracefulStop() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", ex -> {
            arrived.countDown();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        upstream.start();
        URI base = URI.create("http://127.0.0.1:" + upstream.getAddress().getPort());
        TdxServer lazy = TdxServer.start(ServerConfig.defaults(
                new ServerConfig.CollateralMode.Lazy(base, true, Optional.empty())));
        try {
            SimulatedQuotes quotes = SimulatedQuotes.defaultPlatform(4);
            CompletableFuture<HttpResponse<byte[]>> inFlight = CompletableFuture.supplyAsync(
                    () -> Http.post(lazy.baseUri() + "/verify", "application/octet-stream", quotes.quote(1)));
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
            int port = lazy.port();
            lazy.stop();
            HttpResponse<byte[]> r = inFlight.get(15, TimeUnit.SECONDS);
            assertError(r, 502, "UPSTREAM"); // the upstream's 404, reported: an answer, not a reset connection
            assertThat(lazy.isRunning()).isFalse();
            assertThat(CompletableFuture.supplyAsync(() -> {
                try (Socket _ = new Socket("127.0.0.1", port)) {
                    return "connected";
                } catch (IOException e) {
                    return "refused";
                }
            }).get(10, TimeUnit.SECONDS)).isEqualTo("refused");
        } finally {
            lazy.stop();
            upstream.stop(0);
        }
    }
}
