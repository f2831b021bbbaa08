package io.github.tdx4j.attest.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.tdx4j.attest.format.TestData;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PcsClient} against a local PCS (com.sun.net.httpserver on the loopback address only) serving go-tdx-guest's
 * saved PCS responses for FMSPC 50806f000000 (2023).
 */
class PcsClientTest {
    private static final Instant AT = Instant.ofEpochSecond(1688173200); // 2023-07-01T01:00Z
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String tcbChain = new String(TestData.bytes("go-tdx-guest/tcb_info_issuer_chain.pem"), StandardCharsets.US_ASCII);
        String crlChain = new String(TestData.bytes("go-tdx-guest/pck_crl_issuer_chain.pem"), StandardCharsets.US_ASCII);
        serve("/tdx/certification/v4/tcb", "go-tdx-guest/sample_tcbInfo_response", PcsResponses.TCB_INFO_ISSUER_CHAIN, tcbChain);
        serve("/tdx/certification/v4/qe/identity", "go-tdx-guest/sample_qeIdentity_response",
                PcsResponses.QE_IDENTITY_ISSUER_CHAIN, tcbChain);
        serve("/sgx/certification/v4/pckcrl", "go-tdx-guest/pckcrl", PcsResponses.PCK_CRL_ISSUER_CHAIN, crlChain);
        serve("/IntelSGXRootCA.der", "go-tdx-guest/rootcrl.der", null, null);
        server.start();
    }

    private void serve(String path, String file, String header, String chain) {
        byte[] body = TestData.bytes(file);
        server.createContext(path, ex -> {
            requests.add(ex.getRequestURI().toString());
            if (header != null) {
                ex.getResponseHeaders().add(header, URLEncoder.encode(chain, StandardCharsets.UTF_8));
            }
            ex.getResponseHeaders().add("Request-ID", "test-1");
            int code = status;
            ex.sendResponseHeaders(code, code == 200 ? body.length : -1);
            if (code == 200) {
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI base() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    private PcsClient client(Path cache, Instant now) {
        PcsClient.Builder b = PcsClient.builder().baseUri(base()).rootCaCrlUri(base().resolve("/IntelSGXRootCA.der"))
                .clock(Clock.fixed(now, ZoneOffset.UTC));
        if (cache != null) {
            b.cacheDirectory(cache);
        }
        return b.build();
    }

    @Test
    @DisplayName("Fetches the four PCS items with Intel's v4 paths and query parameters, keeping the signed text exact")
    void fetches() {
        Collateral c = client(null, AT).fetchTdx("50806F000000", PcsClient.PckCa.PLATFORM);
        assertThat(requests).containsExactly("/tdx/certification/v4/tcb?fmspc=50806F000000",
                "/tdx/certification/v4/qe/identity", "/sgx/certification/v4/pckcrl?ca=platform&encoding=der",
                "/IntelSGXRootCA.der");
        Collateral saved = QuoteCollateralV3.parse(TestData.bytes("go-tdx-guest/derived_collateral_v4.json"));
        assertThat(c.tcbInfo()).isEqualTo(saved.tcbInfo());
        assertThat(c.tcbInfoSignature()).isEqualTo(saved.tcbInfoSignature());
        assertThat(c.qeIdentity()).isEqualTo(saved.qeIdentity());
        assertThat(c.pckCrl()).isEqualTo(saved.pckCrl());
        assertThat(c.rootCaCrl()).isEqualTo(saved.rootCaCrl());
        assertThat(c.tcbInfoIssuerChain().strip()).isEqualTo(saved.tcbInfoIssuerChain().strip());
    }

    @Test
    @DisplayName("Fetched collateral verifies trustee's tdx_quote_4 (FMSPC 50806f000000) to UpToDate")
    void fetchedCollateralVerifies() {
        Collateral c = client(null, AT).fetchTdx("50806f000000", PcsClient.PckCa.PLATFORM);
        var r = QuoteVerifier.create().verify(TestData.bytes("trustee/tdx_quote_4.dat"), c, AT);
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Verified.class,
                v -> assertThat(v.status()).isEqualTo(TcbStatus.UP_TO_DATE));
    }

    @Test
    @DisplayName("Cached items are served without a request until their nextUpdate, then fetched again")
    void cacheFreshness(@TempDir Path cache) {
        Collateral first = client(cache, AT).fetchTdx("50806f000000", PcsClient.PckCa.PLATFORM);
        assertThat(requests).hasSize(4);
        requests.clear();
        status = 500; // the cache must not need the server while fresh
        Collateral second = client(cache, AT).fetchTdx("50806f000000", PcsClient.PckCa.PLATFORM);
        assertThat(requests).isEmpty();
        assertThat(second).isEqualTo(first);

        status = 200;
        // 2023-07-10: after the PCK CRL (07-08T07:27:52Z) and QE identity (07-08T07:24:59Z) nextUpdate, before the
        // TCB info's (07-18) and the root CRL's (2024-04-02).
        client(cache, Instant.parse("2023-07-10T00:00:00Z")).fetchTdx("50806f000000", PcsClient.PckCa.PLATFORM);
        assertThat(requests).containsExactly("/tdx/certification/v4/qe/identity",
                "/sgx/certification/v4/pckcrl?ca=platform&encoding=der");
    }

    @Test
    @DisplayName("Items one at a time: each with its issuer chain and its own nextUpdate; UPSTREAM asks the service "
            + "even while the cached copy is fresh, and replaces it")
    void itemsOneAtATime(@TempDir Path cache) {
        PcsClient client = client(cache, AT);
        PcsClient.SignedItem tcb = client.tcbInfo(PcsClient.Tee.TDX, "50806f000000",
                PcsClient.Freshness.CACHED_IF_FRESH);
        assertThat(tcb.nextUpdate()).isEqualTo(Instant.parse("2023-07-18T08:42:58Z"));
        assertThat(tcb.issuerChain()).contains("-----BEGIN CERTIFICATE-----");
        PcsClient.CrlItem crl = client.pckCrl(PcsClient.PckCa.PLATFORM, PcsClient.Freshness.CACHED_IF_FRESH);
        assertThat(crl.nextUpdate()).isEqualTo(Instant.parse("2023-07-08T07:27:52Z"));
        assertThat(client.rootCaCrl(PcsClient.Freshness.CACHED_IF_FRESH).issuerChain()).isEmpty();
        assertThat(requests).containsExactly("/tdx/certification/v4/tcb?fmspc=50806F000000",
                "/sgx/certification/v4/pckcrl?ca=platform&encoding=der", "/IntelSGXRootCA.der");
        requests.clear();
        client.tcbInfo(PcsClient.Tee.TDX, "50806f000000", PcsClient.Freshness.CACHED_IF_FRESH);
        assertThat(requests).isEmpty();
        assertThat(client.tcbInfo(PcsClient.Tee.TDX, "50806f000000", PcsClient.Freshness.UPSTREAM)).isEqualTo(tcb);
        assertThat(requests).containsExactly("/tdx/certification/v4/tcb?fmspc=50806F000000");
        status = 503;
        assertThatThrownBy(() -> client.qeIdentity(PcsClient.Tee.TDX, PcsClient.Freshness.UPSTREAM))
                .isInstanceOf(CollateralException.class).hasMessageContaining("HTTP 503");
    }

    @Test
    @DisplayName("A corrupt cached item is treated as stale and fetched again")
    void corruptCache(@TempDir Path cache) throws Exception {
        client(cache, AT).fetchTdx("50806f000000", PcsClient.PckCa.PLATFORM);
        java.nio.file.Files.writeString(cache.resolve("qe-identity-td.body"), "{not json");
        requests.clear();
        Collateral c = client(cache, AT).fetchTdx("50806f000000", PcsClient.PckCa.PLATFORM);
        assertThat(requests).containsExactly("/tdx/certification/v4/qe/identity");
        assertThat(QeIdentity.parse(c.qeIdentity()).id()).isEqualTo("TD_QE");
    }

    @Test
    @DisplayName("An HTTP error is UNAVAILABLE with the status and Request-ID, even when a stale copy is cached")
    void httpError(@TempDir Path cache) {
        client(cache, AT).fetchTdx("50806f000000", PcsClient.PckCa.PLATFORM);
        status = 503;
        assertThatThrownBy(() -> client(cache, Instant.parse("2023-08-01T00:00:00Z"))
                .fetchTdx("50806f000000", PcsClient.PckCa.PLATFORM))
                .isInstanceOfSatisfying(CollateralException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CollateralException.Reason.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("HTTP 503").contains("test-1");
                });
    }

    @Test
    @DisplayName("A response body above 4 MiB is MALFORMED and is not read into memory beyond the bound")
    void oversizedResponse() {
        server.removeContext("/tdx/certification/v4/tcb");
        server.createContext("/tdx/certification/v4/tcb", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked: no length announced, as an endless stream would be
            byte[] chunk = new byte[64 * 1024];
            try {
                for (int i = 0; i < 80; i++) { // 5 MiB
                    ex.getResponseBody().write(chunk);
                }
            } catch (IOException closedByClient) {
                // The client stops reading at the bound and closes the connection.
            }
            ex.close();
        });
        assertThatThrownBy(() -> client(null, AT).fetchTdx("50806f000000", PcsClient.PckCa.PLATFORM))
                .isInstanceOfSatisfying(CollateralException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CollateralException.Reason.MALFORMED);
                    assertThat(e.getMessage()).contains("exceeds " + PcsGet.MAX_RESPONSE_SIZE + " bytes");
                });
    }

    @Test
    @DisplayName("A bad FMSPC is a caller error, never sent")
    void badFmspc() {
        assertThatThrownBy(() -> client(null, AT).fetchTdx("50806f", PcsClient.PckCa.PLATFORM))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(requests).isEmpty();
    }
}
