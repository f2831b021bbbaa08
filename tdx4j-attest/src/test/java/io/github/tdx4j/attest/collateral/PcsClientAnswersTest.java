package io.github.tdx4j.attest.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.tdx4j.attest.format.TestData;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@link PcsClient} makes of each kind of answer a PCS or PCCS can give, on a local server bound to the loopback
 * address: error statuses with the sentence a caller needs (Intel PCS API v4 status codes), a missing or unreadable
 * issuer-chain header, CRLs as DER or as hex text, no answer at all, and the SGX routes. The PcsClientTest class holds
 * the TDX happy path and the cache.
 */
class PcsClientAnswersTest {
    private static final Instant AT = Instant.ofEpochSecond(1688173200); // 2023-07-01T01:00Z
    private static final String TCB = "/tdx/certification/v4/tcb";
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> served = new java.util.HashSet<>();
    private String tcbChain;
    private String crlChain;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tcbChain = new String(TestData.bytes("go-tdx-guest/tcb_info_issuer_chain.pem"), StandardCharsets.US_ASCII);
        crlChain = new String(TestData.bytes("go-tdx-guest/pck_crl_issuer_chain.pem"), StandardCharsets.US_ASCII);
        byte[] tcbBody = TestData.bytes("go-tdx-guest/sample_tcbInfo_response");
        byte[] qeBody = TestData.bytes("go-tdx-guest/sample_qeIdentity_response");
        for (String tee : List.of("tdx", "sgx")) {
            serve("/" + tee + "/certification/v4/tcb", ok(tcbBody, PcsResponses.TCB_INFO_ISSUER_CHAIN, tcbChain));
            serve("/" + tee + "/certification/v4/qe/identity",
                    ok(qeBody, PcsResponses.QE_IDENTITY_ISSUER_CHAIN, tcbChain));
        }
        serve("/sgx/certification/v4/pckcrl", ok(TestData.bytes("go-tdx-guest/pckcrl"),
                PcsResponses.PCK_CRL_ISSUER_CHAIN, crlChain));
        serve("/IntelSGXRootCA.der", ok(TestData.bytes("go-tdx-guest/rootcrl.der"), null, null));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** An answer: HTTP 200 with {@code body} and, when {@code header} is not null, the URL-encoded chain in it. */
    private static Consumer<HttpExchange> ok(byte[] body, String header, String chain) {
        return ex -> {
            if (header != null) {
                ex.getResponseHeaders().add(header, URLEncoder.encode(chain, StandardCharsets.UTF_8));
            }
            send(ex, 200, body);
        };
    }

    private static void send(HttpExchange ex, int code, byte[] body) {
        try {
            ex.sendResponseHeaders(code, body == null ? -1 : body.length);
            if (body != null) {
                ex.getResponseBody().write(body);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            ex.close();
        }
    }

    /** Answers {@code path} with {@code answer} from now on, replacing what it answered before. */
    private void serve(String path, Consumer<HttpExchange> answer) {
        if (!served.add(path)) {
            server.removeContext(path);
        }
        server.createContext(path, ex -> {
            requests.add(ex.getRequestURI().toString());
            answer.accept(ex);
        });
    }

    private URI base() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    private PcsClient.Builder builder() {
        return PcsClient.builder().baseUri(base()).rootCaCrlUri(base().resolve("/IntelSGXRootCA.der"))
                .clock(Clock.fixed(AT, ZoneOffset.UTC));
    }

    private CollateralException tcbFails() {
        PcsClient client = builder().build();
        try {
            client.tcbInfo(PcsClient.Tee.TDX, "50806f000000", PcsClient.Freshness.UPSTREAM);
        } catch (CollateralException e) {
            return e;
        }
        throw new AssertionError("the TCB info fetch did not fail");
    }

    private void tcbAnswers(int code, String... headers) {
        serve(TCB, ex -> {
            for (int i = 0; i < headers.length; i += 2) {
                ex.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            send(ex, code, null);
        });
    }

    @Test
    @DisplayName("HTTP 404 says the service has no such item (for TCB info: no platform of this FMSPC)")
    void notFound() {
        tcbAnswers(404);
        CollateralException e = tcbFails();
        assertThat(e.reason()).isEqualTo(CollateralException.Reason.UNAVAILABLE);
        assertThat(e.getMessage()).contains("answered HTTP 404 Not Found: the service has no such item");
    }

    @Test
    @DisplayName("HTTP 429 names the wait: Retry-After 120 is '120 seconds', an HTTP date is quoted as sent, none is "
            + "'a while'")
    void tooManyRequests() {
        tcbAnswers(429, "Retry-After", "120");
        assertThat(tcbFails().getMessage()).contains("HTTP 429 Too Many Requests: retry after 120 seconds "
                + "(Retry-After)");
        tcbAnswers(429, "Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT");
        assertThat(tcbFails().getMessage()).contains("retry after Wed, 21 Oct 2026 07:28:00 GMT (Retry-After)");
        tcbAnswers(429);
        assertThat(tcbFails().getMessage()).contains("retry after a while (Retry-After)");
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 503, 599})
    @DisplayName("HTTP 500 to 599 says the service failed and to try again later")
    void serverErrors(int code) {
        tcbAnswers(code);
        assertThat(tcbFails().getMessage()).endsWith("answered HTTP " + code
                + ": the service failed; try again later");
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {400, 499})
    @DisplayName("Other error statuses (400, 499: just below the 5xx range) give the status alone")
    void otherStatuses(int code) {
        tcbAnswers(code);
        assertThat(tcbFails().getMessage()).endsWith("answered HTTP " + code);
    }

    @Test
    @DisplayName("A 200 answer without the issuer-chain header is MALFORMED, naming the header")
    void missingChainHeader() {
        serve(TCB, ok(TestData.bytes("go-tdx-guest/sample_tcbInfo_response"), null, null));
        CollateralException e = tcbFails();
        assertThat(e.reason()).isEqualTo(CollateralException.Reason.MALFORMED);
        assertThat(e.getMessage()).contains("the response has no TCB-Info-Issuer-Chain header");
    }

    @Test
    @DisplayName("An issuer-chain header that is not a PEM certificate chain is MALFORMED, naming the header")
    void chainHeaderNotPem() {
        serve(TCB, ok(TestData.bytes("go-tdx-guest/sample_tcbInfo_response"), PcsResponses.TCB_INFO_ISSUER_CHAIN,
                "not a certificate"));
        CollateralException e = tcbFails();
        assertThat(e.reason()).isEqualTo(CollateralException.Reason.MALFORMED);
        assertThat(e.getMessage()).contains("the TCB-Info-Issuer-Chain header is not a URL-encoded PEM certificate chain");
    }

    @Test
    @DisplayName("A PCK CRL sent as hex text (some PCCS versions) is the same DER; a body neither DER nor hex is MALFORMED")
    void crlAsHexText() {
        byte[] der = TestData.bytes("go-tdx-guest/pckcrl");
        serve("/sgx/certification/v4/pckcrl", ok((HexFormat.of().formatHex(der) + "\n").getBytes(
                StandardCharsets.US_ASCII), PcsResponses.PCK_CRL_ISSUER_CHAIN, crlChain));
        PcsClient.CrlItem crl = builder().build().pckCrl(PcsClient.PckCa.PLATFORM, PcsClient.Freshness.UPSTREAM);
        assertThat(crl.der()).isEqualTo(der);
        assertThat(crl.nextUpdate()).isEqualTo(Instant.parse("2023-07-08T07:27:52Z"));

        serve("/sgx/certification/v4/pckcrl", ok("zz not hex".getBytes(StandardCharsets.US_ASCII),
                PcsResponses.PCK_CRL_ISSUER_CHAIN, crlChain));
        assertThatThrownBy(() -> builder().build().pckCrl(PcsClient.PckCa.PLATFORM, PcsClient.Freshness.UPSTREAM))
                .isInstanceOfSatisfying(CollateralException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CollateralException.Reason.MALFORMED);
                    assertThat(e.getMessage()).contains("neither DER nor hex");
                });
        assertThat(PcsClient.der(new byte[0])).as("an empty body: no bytes, and no index error").isEmpty();
    }

    @Test
    @DisplayName("A root CA CRL whose bytes are hex of something that is not a CRL is MALFORMED, naming its URL")
    void rootCrlNotACrl() {
        serve("/IntelSGXRootCA.der", ok("3000".getBytes(StandardCharsets.US_ASCII), null, null));
        assertThatThrownBy(() -> builder().build().rootCaCrl(PcsClient.Freshness.UPSTREAM))
                .isInstanceOfSatisfying(CollateralException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CollateralException.Reason.MALFORMED);
                    assertThat(e.getMessage()).contains("/IntelSGXRootCA.der is not a DER X.509 CRL");
                });
    }

    @Test
    @DisplayName("No server on the port: UNAVAILABLE, 'could not connect'")
    void connectionRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PcsClient client = PcsClient.builder().baseUri(URI.create("http://127.0.0.1:" + port))
                .timeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> client.qeIdentity(PcsClient.Tee.TDX, PcsClient.Freshness.UPSTREAM))
                .isInstanceOfSatisfying(CollateralException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CollateralException.Reason.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("could not connect");
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "connect, No route to host | could not connect (No route to host)",
        "connect, blank message    | could not connect (connection refused)",
        "reset, with message       | failed before the whole response arrived (stream reset by peer)",
        "reset, no message         | failed before the whole response arrived (IOException)"})
    @DisplayName("A network failure is UNAVAILABLE and its message says what the network said, or what kind of failure")
    void networkFailureMessages(String kind, String expected) {
        IOException failure = switch (kind) {
            case "connect, No route to host" -> new ConnectException("No route to host");
            case "connect, blank message" -> new ConnectException(" ");
            case "reset, with message" -> new IOException("stream reset by peer");
            default -> new IOException();
        };
        PcsClient client = builder().httpClient(new FailingHttpClient(failure)).build();
        assertThatThrownBy(() -> client.qeIdentity(PcsClient.Tee.TDX, PcsClient.Freshness.UPSTREAM))
                .isInstanceOfSatisfying(CollateralException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CollateralException.Reason.UNAVAILABLE);
                    assertThat(e.getMessage()).endsWith(expected);
                });
    }

    @Test
    @DisplayName("A server that answers nothing within the timeout: UNAVAILABLE, 'got no answer within 1 s'")
    void noAnswerWithinTimeout() {
        serve(TCB, ex -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(ex, 500, null);
        });
        PcsClient client = builder().timeout(Duration.ofSeconds(1)).build();
        assertThatThrownBy(() -> client.tcbInfo(PcsClient.Tee.TDX, "50806f000000", PcsClient.Freshness.UPSTREAM))
                .isInstanceOfSatisfying(CollateralException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CollateralException.Reason.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("got no answer within 1 s");
                });
    }

    @Test
    @DisplayName("A fetch on an interrupted thread is UNAVAILABLE 'interrupted' and leaves the thread interrupted")
    void interrupted() {
        PcsClient client = builder().build();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> client.qeIdentity(PcsClient.Tee.TDX, PcsClient.Freshness.UPSTREAM))
                    .isInstanceOfSatisfying(CollateralException.class, e -> {
                        assertThat(e.reason()).isEqualTo(CollateralException.Reason.UNAVAILABLE);
                        assertThat(e.getMessage()).endsWith("interrupted");
                    });
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    @DisplayName("A caller's HttpClient is the one used (its proxy and TLS settings apply)")
    void callersHttpClient() {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            PcsClient client = builder().httpClient(http).build();
            assertThat(QeIdentity.parse(client.qeIdentity(PcsClient.Tee.TDX, PcsClient.Freshness.UPSTREAM).json()
                    .text()).id()).isEqualTo(QeIdentity.TD_QE_ID);
        }
        assertThat(requests).containsExactly("/tdx/certification/v4/qe/identity");
    }

    @Test
    @DisplayName("A timeout of zero or below is refused when the client is built")
    void timeoutMustBePositive() {
        assertThatThrownBy(() -> PcsClient.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> PcsClient.builder().timeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("SGX collateral comes from the /sgx/ routes, cached under keys of their own beside the TDX items")
    void sgxRoutes(@TempDir Path cache) throws Exception {
        builder().cacheDirectory(cache).build().fetchSgx("50806f000000", PcsClient.PckCa.PROCESSOR);
        assertThat(requests).containsExactly("/sgx/certification/v4/tcb?fmspc=50806F000000",
                "/sgx/certification/v4/qe/identity", "/sgx/certification/v4/pckcrl?ca=processor&encoding=der",
                "/IntelSGXRootCA.der");
        assertThat(Files.exists(cache.resolve("sgx-tcb-50806F000000.body"))).isTrue();
        assertThat(Files.exists(cache.resolve("qe-identity-sgx.body"))).isTrue();
        requests.clear();
        builder().cacheDirectory(cache).build().fetchTdx("50806f000000", PcsClient.PckCa.PROCESSOR);
        assertThat(requests).as("the TDX items are not the cached SGX ones").containsExactly(
                "/tdx/certification/v4/tcb?fmspc=50806F000000", "/tdx/certification/v4/qe/identity");
    }

    @Test
    @DisplayName("fetchFor reads the FMSPC and PCK CA from a TD quote's PCK certificate, takes the TDX routes and returns "
            + "what fetchTdx returns")
    void fetchForTdQuote() {
        Collateral c = builder().build().fetchFor(TestData.bytes("trustee/tdx_quote_4.dat"));
        assertThat(requests).containsExactly("/tdx/certification/v4/tcb?fmspc=50806F000000",
                "/tdx/certification/v4/qe/identity", "/sgx/certification/v4/pckcrl?ca=platform&encoding=der",
                "/IntelSGXRootCA.der");
        assertThat(c).isEqualTo(builder().build().fetchTdx("50806f000000", PcsClient.PckCa.PLATFORM));
    }

    @Test
    @DisplayName("fetchFor of an SGX quote (version 3; dcap-qvl's, FMSPC 00A067110000 under the Processor CA) takes the "
            + "SGX routes and returns what fetchSgx returns")
    void fetchForSgxQuote() {
        Collateral c = builder().build().fetchFor(TestData.bytes("dcap-qvl/sgx_quote"));
        assertThat(requests).containsExactly("/sgx/certification/v4/tcb?fmspc=00A067110000",
                "/sgx/certification/v4/qe/identity", "/sgx/certification/v4/pckcrl?ca=processor&encoding=der",
                "/IntelSGXRootCA.der");
        assertThat(c).isNotNull().isEqualTo(builder().build().fetchSgx("00a067110000", PcsClient.PckCa.PROCESSOR));
        byte[] version259 = TestData.bytes("dcap-qvl/sgx_quote");
        version259[1] = 1; // version 0x0103: not 3, so the TD decoder reads it, and refuses it
        assertThatThrownBy(() -> builder().build().fetchFor(version259)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only TD quotes of version 4 and 5");
    }

    @Test
    @DisplayName("A response body of exactly 4 MiB (the bound) is read; one byte more is MALFORMED")
    void bodyOfExactlyTheBound() {
        byte[] tcb = TestData.bytes("go-tdx-guest/sample_tcbInfo_response");
        byte[] padded = java.util.Arrays.copyOf(tcb, PcsGet.MAX_RESPONSE_SIZE);
        java.util.Arrays.fill(padded, tcb.length, padded.length, (byte) ' ');
        serve(TCB, ok(padded, PcsResponses.TCB_INFO_ISSUER_CHAIN, tcbChain));
        assertThat(builder().build().tcbInfo(PcsClient.Tee.TDX, "50806f000000", PcsClient.Freshness.UPSTREAM)
                .nextUpdate()).isEqualTo(Instant.parse("2023-07-18T08:42:58Z"));
        byte[] over = java.util.Arrays.copyOf(padded, PcsGet.MAX_RESPONSE_SIZE + 1);
        over[over.length - 1] = ' ';
        serve(TCB, ok(over, PcsResponses.TCB_INFO_ISSUER_CHAIN, tcbChain));
        assertThat(tcbFails().getMessage()).contains("exceeds " + PcsGet.MAX_RESPONSE_SIZE + " bytes");
    }

    @Test
    @DisplayName("fetchFor of bytes that are no quote is a caller error, and nothing is sent")
    void fetchForGarbage() {
        assertThatThrownBy(() -> builder().build().fetchFor(new byte[] {4, 0, 2, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the quote does not decode");
        assertThatThrownBy(() -> builder().build().fetchFor(new byte[] {3, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the quote does not decode");
        assertThat(requests).isEmpty();
    }

    @Test
    @DisplayName("A cache directory that cannot be created is CACHE_IO, naming the item")
    void cacheNotWritable(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        PcsClient client = builder().cacheDirectory(file.resolve("cache")).build();
        assertThatThrownBy(() -> client.qeIdentity(PcsClient.Tee.TDX, PcsClient.Freshness.CACHED_IF_FRESH))
                .isInstanceOfSatisfying(CollateralException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CollateralException.Reason.CACHE_IO);
                    assertThat(e.getMessage()).contains("writing cached qe-identity-td");
                });
    }

    @Test
    @DisplayName("CrlItem: a copy of the DER in and out, equal by content, printed by size and nextUpdate")
    void crlItemValue() {
        byte[] der = {0x30, 0x01, 0x02};
        Instant next = Instant.parse("2030-01-01T00:00:00Z");
        PcsClient.CrlItem a = new PcsClient.CrlItem(der, "chain", next);
        der[1] = 0x7F;
        assertThat(a.der()).containsExactly(0x30, 0x01, 0x02);
        a.der()[0] = 0;
        assertThat(a.der()[0]).isEqualTo((byte) 0x30);
        PcsClient.CrlItem same = new PcsClient.CrlItem(new byte[] {0x30, 0x01, 0x02}, "chain", next);
        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(a).isNotEqualTo(new PcsClient.CrlItem(new byte[] {0x30, 0x01, 0x03}, "chain", next));
        assertThat(a).isNotEqualTo(new PcsClient.CrlItem(new byte[] {0x30, 0x01, 0x02}, "other", next));
        assertThat(a).isNotEqualTo(new PcsClient.CrlItem(new byte[] {0x30, 0x01, 0x02}, "chain", next.plusSeconds(1)));
        assertThat(a.toString()).isEqualTo("CrlItem[3 bytes DER, nextUpdate 2030-01-01T00:00:00Z]");
    }
}
