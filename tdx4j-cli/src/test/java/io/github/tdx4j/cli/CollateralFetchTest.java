package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify QUOTE} without {@code --collateral} and {@code tdx4j collateral}: collateral fetched over the PCS v4
 * routes from a loopback server ({@link FakePcs}) holding the in-repo collateral, and every way such a fetch fails
 * reported in one sentence with exit code 1.
 */
@Timeout(60)
class CollateralFetchTest {
    private static final Path DATA = TestVectors.DIR;
    private static final String QUOTE = DATA.resolve("dcap-qvl/tdx_quote").toString();
    private static final Path COLLATERAL = DATA.resolve("dcap-qvl/tdx_quote_collateral.json");
    private static final String TCB = "/tdx/certification/v4/tcb";

    private FakePcs pcs;

    @BeforeEach
    void start() throws Exception {
        pcs = new FakePcs(QuoteCollateralV3.parse(Files.readAllBytes(COLLATERAL)));
    }

    @AfterEach
    void stop() {
        pcs.close();
    }

    private static JsonNode json(CliRun r) throws Exception {
        return new ObjectMapper().readTree(r.out());
    }

    private CliRun verify(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("verify", QUOTE, "--pccs", pcs.url(), "--no-cache",
                "--at", "1751328000", "--json"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** A fetch failure: exit 1 and exactly one line on stderr, with no Java exception text. */
    private static String oneSentence(CliRun r) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(Main.USAGE);
        List<String> lines = r.err().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).startsWith("tdx4j verify: cannot fetch collateral: ").endsWith(".")
                .doesNotContain("Exception").doesNotContain("\tat ");
        return lines.getFirst();
    }

    @Test
    @DisplayName("verify QUOTE --pccs URL fetches TCB info, QE identity, PCK CRL and root CA CRL by the quote's FMSPC and PCK CA, and verifies UpToDate")
    void fetchesAndVerifies() throws Exception {
        CliRun r = verify();
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(json(r).get("status").asText()).isEqualTo("UpToDate");
        assertThat(pcs.requests).containsExactly("/tdx/certification/v4/tcb?fmspc=B0C06F000000",
                "/tdx/certification/v4/qe/identity", "/sgx/certification/v4/pckcrl?ca=platform&encoding=der",
                "/sgx/certification/v4/rootcacrl");
        assertThat(r.err()).contains("note: fetched from " + pcs.url());
    }

    @Test
    @DisplayName("A PCCS URL given with /sgx/certification/v4/ (as in a QCNL configuration) reaches the same routes")
    void pccsUrlWithRoutePrefix() {
        CliRun r = CliRun.of("verify", QUOTE, "--pccs", pcs.url() + "/sgx/certification/v4/", "--no-cache",
                "--at", "1751328000");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(pcs.requests.getFirst()).isEqualTo("/tdx/certification/v4/tcb?fmspc=B0C06F000000");
    }

    @Test
    @DisplayName("An SGX v3 quote is fetched over the /sgx/ routes (dcap-qvl/sgx_quote: ConfigurationAndSWHardeningNeeded)")
    void sgxRoutes() throws Exception {
        pcs.close();
        pcs = new FakePcs(QuoteCollateralV3.parse(Files.readAllBytes(DATA.resolve("dcap-qvl/sgx_quote_collateral.json"))));
        CliRun r = CliRun.of("verify", DATA.resolve("dcap-qvl/sgx_quote").toString(), "--pccs", pcs.url(),
                "--no-cache", "--at", "1751328000", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(json(r).get("status").asText()).isEqualTo("ConfigurationAndSWHardeningNeeded");
        assertThat(pcs.requests.getFirst()).startsWith("/sgx/certification/v4/tcb?fmspc=");
        assertThat(pcs.requests).contains("/sgx/certification/v4/qe/identity")
                .anyMatch(s -> s.startsWith("/sgx/certification/v4/pckcrl?ca=processor"));
    }

    @Test
    @DisplayName("tdx4j collateral QUOTE --out c.json saves QuoteCollateralV3 equal to what the service holds, which verify --collateral accepts")
    void collateralCommandSaves(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("c.json");
        CliRun r = CliRun.of("collateral", QUOTE, "--pccs", pcs.url(), "--no-cache", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Collateral saved = QuoteCollateralV3.parse(Files.readAllBytes(out));
        Collateral served = QuoteCollateralV3.parse(Files.readAllBytes(COLLATERAL));
        assertThat(saved).isEqualTo(served);
        CliRun v = CliRun.of("verify", QUOTE, "--collateral", out.toString(), "--at", "1751328000");
        assertThat(v.exitCode()).isZero();
    }

    @Test
    @DisplayName("--cache DIR stores each fetched item (body and issuer chain) for the next run")
    void cacheWritten(@TempDir Path cache) throws Exception {
        CliRun r = CliRun.of("verify", QUOTE, "--pccs", pcs.url(), "--cache", cache.toString(), "--at", "1751328000");
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "pckcrl-platform.body", "pckcrl-platform.chain", "qe-identity-td.body", "qe-identity-td.chain",
                    "rootcacrl.body", "rootcacrl.chain", "tcb-B0C06F000000.body", "tcb-B0C06F000000.chain");
        }
    }

    @Test
    @DisplayName("HTTP 404: one sentence saying the service has no such item, exit 1")
    void notFound() {
        pcs.answer(TCB, FakePcs.status(404));
        assertThat(oneSentence(verify())).contains("HTTP 404 Not Found").contains("no platform of this FMSPC")
                .contains("fmspc=B0C06F000000");
    }

    @Test
    @DisplayName("HTTP 429 with Retry-After: one sentence saying when to retry, exit 1")
    void tooManyRequests() {
        pcs.answer(TCB, FakePcs.status(429, "Retry-After", "120"));
        assertThat(oneSentence(verify())).contains("HTTP 429 Too Many Requests: retry after 120 seconds");
    }

    @Test
    @DisplayName("HTTP 5xx: one sentence saying the service failed, with its Request-ID, exit 1")
    void serverError() {
        pcs.answer("/sgx/certification/v4/pckcrl", FakePcs.status(503));
        assertThat(oneSentence(verify())).contains("HTTP 503: the service failed; try again later")
                .contains("Request-ID fake-pcs-2");
    }

    @Test
    @DisplayName("A body cut short of its Content-Length: one sentence saying the response did not arrive whole, exit 1")
    void truncatedBody() {
        pcs.answer(TCB, ex -> {
            ex.getResponseHeaders().add("TCB-Info-Issuer-Chain", "x");
            ex.sendResponseHeaders(200, 10_000);
            ex.getResponseBody().write("{\"tcbInfo\":{".getBytes(StandardCharsets.US_ASCII));
            ex.getResponseBody().flush(); // the route then closes the exchange with 12 of 10000 bytes sent
        });
        assertThat(oneSentence(verify())).contains("failed before the whole response arrived");
    }

    @Test
    @DisplayName("An issuer-chain header that is not a PEM chain: one sentence naming the header, exit 1")
    void garbageChainHeader() throws Exception {
        Collateral c = QuoteCollateralV3.parse(Files.readAllBytes(COLLATERAL));
        byte[] body = ("{\"tcbInfo\":" + c.tcbInfo() + ",\"signature\":\""
                + java.util.HexFormat.of().formatHex(c.tcbInfoSignature()) + "\"}").getBytes(StandardCharsets.UTF_8);
        pcs.answer(TCB, FakePcs.ok(body, "TCB-Info-Issuer-Chain", "not a certificate"));
        assertThat(oneSentence(verify()))
                .contains("the TCB-Info-Issuer-Chain header is not a URL-encoded PEM certificate chain");
    }

    @Test
    @DisplayName("A missing issuer-chain header (a v3 name such as SGX-TCB-Info-Issuer-Chain): one sentence naming it, exit 1")
    void missingChainHeader() throws Exception {
        Collateral c = QuoteCollateralV3.parse(Files.readAllBytes(COLLATERAL));
        byte[] body = ("{\"tcbInfo\":" + c.tcbInfo() + ",\"signature\":\""
                + java.util.HexFormat.of().formatHex(c.tcbInfoSignature()) + "\"}").getBytes(StandardCharsets.UTF_8);
        pcs.answer(TCB, FakePcs.ok(body, "SGX-TCB-Info-Issuer-Chain", c.tcbInfoIssuerChain()));
        assertThat(oneSentence(verify())).contains("the response has no TCB-Info-Issuer-Chain header");
    }

    @Test
    @DisplayName("A well-formed but wrong issuer chain (the PCK CRL's chain for the TCB info) fails verification, exit 2")
    void wrongChainHeader() throws Exception {
        Collateral c = QuoteCollateralV3.parse(Files.readAllBytes(COLLATERAL));
        byte[] body = ("{\"tcbInfo\":" + c.tcbInfo() + ",\"signature\":\""
                + java.util.HexFormat.of().formatHex(c.tcbInfoSignature()) + "\"}").getBytes(StandardCharsets.UTF_8);
        pcs.answer(TCB, FakePcs.ok(body, "TCB-Info-Issuer-Chain", c.pckCrlIssuerChain()));
        CliRun r = verify();
        assertThat(r.exitCode()).isEqualTo(Main.CHECK_FAILED);
        assertThat(json(r).get("error").asText()).startsWith("TCB_");
    }

    @Test
    @DisplayName("No service listening and a URL that is not http(s): one sentence each, exit 1")
    void unreachableAndBadUrl() {
        CliRun refused = CliRun.of("verify", QUOTE, "--pccs", "http://127.0.0.1:1", "--no-cache");
        assertThat(oneSentence(refused)).contains("could not connect");
        CliRun bad = CliRun.of("verify", QUOTE, "--pccs", "ftp://pccs.example");
        assertThat(bad.exitCode()).isEqualTo(Main.USAGE);
        assertThat(bad.err().lines().toList()).containsExactly("tdx4j verify: --pccs 'ftp://pccs.example' is not an "
                + "http(s) URL with a host and no query, such as https://pccs.example:8081.");
        CliRun both = CliRun.of("verify", QUOTE, "--collateral", COLLATERAL.toString(), "--pccs", pcs.url());
        assertThat(both.exitCode()).isEqualTo(Main.USAGE);
        assertThat(pcs.requests).isEmpty();
    }

    @Test
    @DisplayName("An unwritable cache directory: one sentence suggesting --no-cache, exit 1")
    void unwritableCache(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("not-a-dir");
        Files.writeString(file, "x");
        String line = oneSentence(CliRun.of("verify", QUOTE, "--pccs", pcs.url(), "--cache", file.toString()));
        assertThat(line).contains("--no-cache");
    }
}
