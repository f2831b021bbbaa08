package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.PcsClient;
import io.github.tdx4j.attest.collateral.PcsResponses;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.TrustedRoot;
import io.github.tdx4j.attest.verify.VerificationResult;
import io.github.tdx4j.sim.SimSettings;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The PCCS-compatible face: Intel PCS v4 routes, bodies, headers and status codes, in simulated and OFFLINE mode. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PccsFaceTest {
    static SimulatedQuotes quotes;
    static Collateral simulated;
    static TdxServer server;

    @BeforeAll
    static void start() {
        quotes = SimulatedQuotes.defaultPlatform(4);
        simulated = QuoteCollateralV3.parse(quotes.collateralJson().getBytes(StandardCharsets.UTF_8));
        server = TdxServer.start(ServerConfig.defaults(new ServerConfig.CollateralMode.Simulated(
                SimSettings.DEFAULT_SEED)));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    @DisplayName("TDX TCB info: Intel's body shape with the signed text verbatim, TCB-Info-Issuer-Chain URL-encoded with %20")
    void tcbInfo() {
        HttpResponse<byte[]> r = Http.get(server.baseUri() + "/tdx/certification/v4/tcb?fmspc=7d4500000000");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        String chain = r.headers().firstValue("TCB-Info-Issuer-Chain").orElseThrow();
        assertThat(chain).startsWith("-----BEGIN%20CERTIFICATE-----%0A").doesNotContain("+").doesNotContain(" ");
        assertThat(URLDecoder.decode(chain, StandardCharsets.UTF_8)).isEqualTo(simulated.tcbInfoIssuerChain());
        PcsResponses.SignedJson body = PcsResponses.tcbInfo(r.body());
        assertThat(body.text()).isEqualTo(simulated.tcbInfo());
        assertThat(body.signature()).isEqualTo(simulated.tcbInfoSignature());
        assertThat(r.headers().firstValue("Request-ID").orElseThrow()).matches("[0-9a-f]{32}");
    }

    @Test
    @DisplayName("QE identity, PCK CRL (PEM and DER) and root CA CRL as hex text, with their headers; Request-ID echoed")
    void otherItems() {
        HttpResponse<byte[]> qe = Http.send(HttpRequest.newBuilder(URI.create(server.baseUri()
                + "/tdx/certification/v4/qe/identity?update=standard")).header("Request-ID", "abc-123").GET().build());
        assertThat(qe.statusCode()).isEqualTo(200);
        assertThat(qe.headers().firstValue("Request-ID")).hasValue("abc-123");
        assertThat(PcsResponses.issuerChain(qe.headers().firstValue("SGX-Enclave-Identity-Issuer-Chain").orElseThrow()))
                .isEqualTo(simulated.qeIdentityIssuerChain());
        assertThat(PcsResponses.qeIdentity(qe.body()).text()).isEqualTo(simulated.qeIdentity());

        HttpResponse<byte[]> der = Http.get(server.baseUri() + "/sgx/certification/v4/pckcrl?ca=platform&encoding=der");
        assertThat(der.headers().firstValue("Content-Type")).hasValue("application/pkix-crl");
        assertThat(der.body()).isEqualTo(simulated.pckCrl());
        assertThat(PcsResponses.issuerChain(der.headers().firstValue("SGX-PCK-CRL-Issuer-Chain").orElseThrow()))
                .isEqualTo(simulated.pckCrlIssuerChain());
        HttpResponse<byte[]> pem = Http.get(server.baseUri() + "/sgx/certification/v4/pckcrl?ca=platform");
        assertThat(new String(pem.body(), StandardCharsets.US_ASCII)).startsWith("-----BEGIN X509 CRL-----\n");

        HttpResponse<byte[]> root = Http.get(server.baseUri() + "/sgx/certification/v4/rootcacrl");
        assertThat(new String(root.body(), StandardCharsets.US_ASCII))
                .isEqualTo(HexFormat.of().formatHex(simulated.rootCaCrl()));
    }

    @Test
    @DisplayName("Status codes: 400 for bad parameters, 404 for an unknown platform or CA, 410 for PCS v3")
    void statusCodes() {
        assertThat(Http.get(server.baseUri() + "/tdx/certification/v4/tcb?fmspc=xyz").statusCode()).isEqualTo(400);
        assertThat(Http.get(server.baseUri() + "/tdx/certification/v4/tcb").statusCode()).isEqualTo(400);
        assertThat(Http.get(server.baseUri() + "/tdx/certification/v4/tcb?fmspc=7d4500000000&update=late")
                .statusCode()).isEqualTo(400);
        assertThat(Http.get(server.baseUri() + "/tdx/certification/v4/tcb?fmspc=00906ED50000").statusCode())
                .isEqualTo(404);
        assertThat(Http.get(server.baseUri() + "/sgx/certification/v4/tcb?fmspc=7d4500000000").statusCode())
                .isEqualTo(404);
        assertThat(Http.get(server.baseUri() + "/sgx/certification/v4/pckcrl?ca=processor").statusCode())
                .isEqualTo(404);
        assertThat(Http.get(server.baseUri() + "/sgx/certification/v4/pckcrl?ca=nobody").statusCode())
                .isEqualTo(400);
        HttpResponse<byte[]> v3 = Http.get(server.baseUri() + "/sgx/certification/v3/pckcrl?ca=platform");
        assertThat(v3.statusCode()).isEqualTo(410);
        assertThat(v3.headers().firstValue("Request-ID")).isPresent();
    }

    @Test
    @DisplayName("tdx4j's own PCCS client fetches the simulated collateral from the server and a simulated quote verifies UpToDate")
    void pcsClientFetchesAndVerifies() {
        PcsClient client = PcsClient.builder().baseUri(URI.create(server.baseUri()))
                .rootCaCrlUri(URI.create(server.baseUri() + "/sgx/certification/v4/rootcacrl"))
                .timeout(Duration.ofSeconds(10)).build();
        Collateral fetched = client.fetchTdx("7D4500000000", PcsClient.PckCa.PLATFORM);
        assertThat(fetched).isEqualTo(simulated);
        VerificationResult r = QuoteVerifier.builder()
                .trustedRoot(TrustedRoot.of(quotes.rootPem().getBytes(StandardCharsets.US_ASCII))).build()
                .verify(quotes.quote(9), fetched, Instant.now());
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Verified.class,
                v -> assertThat(v.status()).isEqualTo(TcbStatus.UP_TO_DATE));
    }

    @Test
    @DisplayName("OFFLINE mode serves an imported bundle (dcap-qvl's Intel collateral) and verifies its quote with it")
    void offlineBundle() {
        Instant at = Instant.ofEpochSecond(1751328000);
        ServerConfig config = ServerConfig.defaults(new ServerConfig.CollateralMode.Offline(
                Vectors.path("dcap-qvl/tdx_quote_collateral.json"))).withClock(Clock.fixed(at, ZoneOffset.UTC));
        Collateral bundle = QuoteCollateralV3.parse(Vectors.bytes("dcap-qvl/tdx_quote_collateral.json"));
        try (TdxServer offline = TdxServer.start(config)) {
            PcsClient client = PcsClient.builder().baseUri(URI.create(offline.baseUri()))
                    .rootCaCrlUri(URI.create(offline.baseUri() + "/sgx/certification/v4/rootcacrl"))
                    .clock(Clock.fixed(at, ZoneOffset.UTC)).build();
            assertThat(client.fetchTdx("B0C06F000000", PcsClient.PckCa.PLATFORM)).isEqualTo(bundle);
            HttpResponse<byte[]> r = Http.post(offline.baseUri() + "/verify", "application/octet-stream",
                    Vectors.bytes("dcap-qvl/tdx_quote"));
            assertThat(Http.json(r).get("status").textValue()).isEqualTo("UpToDate");
            assertThat(Http.json(Http.post(offline.baseUri() + "/verify", "application/octet-stream",
                    quotes.quote(1))).get("error").textValue())
                    .as("a platform the bundle does not hold").isEqualTo("NO_COLLATERAL");
        }
    }
}
