package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.tdx4j.sim.SimSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An existing PCCS client, unchanged: npm {@code @phala/dcap-qvl@0.3.9}'s {@code getCollateral(pccsUrl, quote)}
 * against the server, then its own verification. Installs the package into a temporary folder with npm; skips with
 * one line when node or npm is not installed.
 *
 * <p>The servers run with {@link ServerConfig#dcapQvlJsCompat()}: this client version always asks for the
 * Processor CA's PCK CRL (see there), and the collateral held here is the Platform CA's.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DcapQvlClientTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void install() throws Exception {
        boolean tools = available("node", "--version") && available("npm", "--version");
        if (!tools) {
            System.out.println("DcapQvlClientTest skipped: node and npm are not both on PATH");
        }
        assumeTrue(tools, "node and npm are not both on PATH");
        run(dir, 240, "npm", "init", "-y");
        Result r = run(dir, 240, "npm", "install", "--no-audit", "--no-fund", "@phala/dcap-qvl@0.3.9");
        assertThat(r.exit).as("npm install @phala/dcap-qvl@0.3.9: " + r.output).isZero();
        try (InputStream in = DcapQvlClientTest.class.getResourceAsStream("dcap-qvl-client.js")) {
            Files.write(dir.resolve("client.js"), in.readAllBytes());
        }
    }

    record Result(int exit, String output) {
    }

    static boolean available(String... command) {
        try {
            return run(Path.of("."), 30, command).exit == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static Result run(Path cwd, int seconds, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static JsonNode client(String pccsUrl, byte[] quote, String root, long now) throws Exception {
        Path q = Files.write(dir.resolve("quote-" + System.nanoTime()), quote);
        Result r = run(dir, 60, "node", "client.js", pccsUrl, q.toString(), root, Long.toString(now));
        String last = List.of(r.output.strip().split("\n")).getLast();
        return Http.JSON.readTree(last);
    }

    @Test
    @DisplayName("Without the compatibility switch, the server answers dcap-qvl's ca=processor request with 404, as Intel's PCCS")
    void processorCrlNotHeldIs404() throws Exception {
        SimulatedQuotes quotes = SimulatedQuotes.defaultPlatform(4);
        try (TdxServer server = TdxServer.start(ServerConfig.defaults(new ServerConfig.CollateralMode.Simulated(
                SimSettings.DEFAULT_SEED)))) {
            JsonNode r = client(server.baseUri(), quotes.quote(43), "intel", Instant.now().getEpochSecond());
            assertThat(r.get("error").textValue()).isEqualTo("Failed to fetch PCK CRL: 404");
        }
    }

    @Test
    @DisplayName("--simulated: dcap-qvl fetches the simulated collateral and, trusting the simulated root, gets UpToDate")
    void simulatedQuote() throws Exception {
        SimulatedQuotes quotes = SimulatedQuotes.defaultPlatform(4);
        String pem = quotes.rootPem();
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        Path root = Files.write(dir.resolve("sim-root.der"), der);
        try (TdxServer server = TdxServer.start(ServerConfig.defaults(new ServerConfig.CollateralMode.Simulated(
                SimSettings.DEFAULT_SEED)).withDcapQvlJsCompat(true))) {
            JsonNode r = client(server.baseUri(), quotes.quote(42), root.toString(), Instant.now().getEpochSecond());
            assertThat(r.path("error").isMissingNode()).as("dcap-qvl said: " + r).isTrue();
            assertThat(r.get("status").textValue()).isEqualTo("UpToDate");
            // The same quote with Intel's root: the chain does not lead there.
            JsonNode intel = client(server.baseUri(), quotes.quote(42), "intel", Instant.now().getEpochSecond());
            assertThat(intel.has("error")).as(intel.toString()).isTrue();
        }
    }

    @Test
    @DisplayName("OFFLINE: dcap-qvl fetches the in-repo Intel collateral for dcap-qvl/tdx_quote and gets UpToDate with Intel's root")
    void offlineIntelVectors() throws Exception {
        Instant at = Instant.ofEpochSecond(1751328000);
        ServerConfig config = ServerConfig.defaults(new ServerConfig.CollateralMode.Offline(
                Vectors.path("dcap-qvl/tdx_quote_collateral.json"))).withClock(Clock.fixed(at, ZoneOffset.UTC))
                .withDcapQvlJsCompat(true);
        try (TdxServer server = TdxServer.start(config)) {
            JsonNode r = client(server.baseUri(), Vectors.bytes("dcap-qvl/tdx_quote"), "intel", at.getEpochSecond());
            assertThat(r.path("error").isMissingNode()).as("dcap-qvl said: " + r).isTrue();
            assertThat(r.get("status").textValue()).isEqualTo("UpToDate");
        }
    }
}
