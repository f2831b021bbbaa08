package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.PcsClient;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.TrustedRoot;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tdx4j serve}, with the quote and the server in separate processes as a user runs them. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeCommandTest {
    @TempDir
    Path dir;

    static ProcessBuilder tdx4j(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    @Test
    @DisplayName("A quote from tdx4j quote --simulated (another process) verifies against what tdx4j serve --simulated serves")
    void quoteProcessVerifiesAgainstServeProcess() throws Exception {
        Path quote = dir.resolve("q.dat");
        Path root = dir.resolve("root.pem");
        Process q = tdx4j("quote", "--simulated", "--out", quote.toString(), "--root-out", root.toString()).start();
        q.getOutputStream().close();
        String qOut = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).as(qOut).isZero();

        Process serve = tdx4j("serve", "--simulated", "--port", "0").redirectErrorStream(false)
                .redirectError(dir.resolve("serve.err").toFile()).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(serve.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = lines.readLine();
            Matcher m = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+) ").matcher(String.valueOf(first));
            assertThat(m.find()).as(() -> "first line: " + first + "; stderr: " + read(dir.resolve("serve.err"))).isTrue();
            String base = m.group(1);

            // Any PCCS client: tdx4j's own PcsClient fetches the collateral from the serving process.
            Collateral c = PcsClient.builder().baseUri(URI.create(base))
                    .rootCaCrlUri(URI.create(base + "/sgx/certification/v4/rootcacrl"))
                    .timeout(Duration.ofSeconds(10)).build().fetchTdx("7D4500000000", PcsClient.PckCa.PLATFORM);
            VerificationResult r = QuoteVerifier.builder().trustedRoot(TrustedRoot.of(Files.readAllBytes(root))).build()
                    .verify(Files.readAllBytes(quote), c, Instant.now());
            assertThat(r).isInstanceOfSatisfying(VerificationResult.Verified.class,
                    v -> assertThat(v.status()).isEqualTo(TcbStatus.UP_TO_DATE));

            // And the server's own verifier, over HTTP.
            HttpResponse<byte[]> v = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/verify"))
                    .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofFile(quote)).build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode result = new ObjectMapper().readTree(v.body());
            assertThat(result.get("status").textValue()).isEqualTo("UpToDate");
            assertThat(result.at("/ear/status").textValue()).isEqualTo("affirming");

            assertThat(lines.readLine()).as("the access log line of the first request").contains("\"status\":200");
            serve.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its stdout)
            String rest = String.join("\n", lines.lines().toList()); // until the process closes its stdout
            assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(rest).contains("tdx4j serve: stopped");
        } finally {
            serve.destroyForcibly();
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    @DisplayName("serve without a collateral source, or with --cache but no upstream, is a usage error (exit 1)")
    void usageErrors() {
        CliRun none = CliRun.of("serve");
        assertThat(none.exitCode()).isEqualTo(Main.USAGE);
        assertThat(none.err()).contains("--simulated");
        CliRun cache = CliRun.of("serve", "--simulated", "--cache", dir.toString());
        assertThat(cache.exitCode()).isEqualTo(Main.USAGE);
        assertThat(cache.err()).contains("--cache needs --pcs or --pccs");
    }
}
