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
            assertThat(read(dir.resolve("serve.err"))).as("stderr of a clean run and stop")
                    .doesNotContain("There is no Helidon logging implementation");
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

    /** One sentence on stderr, exit 1, nothing on stdout, no library vocabulary. */
    static void oneSentence(CliRun r, String expected) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(Main.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).containsExactly(expected);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("helidon");
    }

    @Test
    @DisplayName("serve --port 70000 and --port -1 name the option (was Helidon's 'port out of range:70000')")
    void servePortOutOfRange() {
        oneSentence(CliRun.of("serve", "--simulated", "--port", "70000"),
                "tdx4j serve: --port 70000 is not a TCP port (0..65535; 0 picks a free one).");
        oneSentence(CliRun.of("serve", "--simulated", "--port", "-1"),
                "tdx4j serve: --port -1 is not a TCP port (0..65535; 0 picks a free one).");
    }

    @Test
    @DisplayName("serve --max-concurrent 0 names the option (was 'limits too small: body 2097152, headers 16384, concurrent 0')")
    void serveMaxConcurrentZero() {
        oneSentence(CliRun.of("serve", "--simulated", "--max-concurrent", "0"),
                "tdx4j serve: --max-concurrent must be 1..4096, not 0.");
    }

    @Test
    @DisplayName("serve on a port in use: 'cannot listen on 127.0.0.1:P (address already in use)', exit 1")
    void servePortInUse() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int p = taken.getLocalPort();
            oneSentence(CliRun.of("serve", "--simulated", "--port", String.valueOf(p)),
                    "tdx4j serve: cannot listen on 127.0.0.1:" + p + " (address already in use): another program may "
                            + "use the port, or the address is not one of this machine's; choose another --port or "
                            + "--bind.");
        }
    }

    @Test
    @DisplayName("serve --pccs with a URL that is not http(s) with a host is one sentence (was picocli's URISyntaxException)")
    void servePccsNotAUrl() {
        oneSentence(CliRun.of("serve", "--pccs", "not a url"), "tdx4j serve: --pccs 'not a url' is not a URL.");
        oneSentence(CliRun.of("serve", "--pcs", "example.com"), "tdx4j serve: --pcs 'example.com' is not an http(s) URL "
                + "with a host and no query, such as https://pccs.example:8081.");
        oneSentence(CliRun.of("serve", "--pccs", "ftp://example.com"), "tdx4j serve: --pccs 'ftp://example.com' is not "
                + "an http(s) URL with a host and no query, such as https://pccs.example:8081.");
    }

    @Test
    @DisplayName("serve --offline, --root, --signing-key: a missing file or a folder is named with the reason (was 'cannot read the bundle file F: F')")
    void serveMissingFiles() throws Exception {
        Path missing = dir.resolve("missing.json");
        oneSentence(CliRun.of("serve", "--offline", missing.toString(), "--port", "0"),
                "tdx4j serve: cannot read " + missing + " (no such file or directory).");
        oneSentence(CliRun.of("serve", "--simulated", "--root", missing.toString(), "--port", "0"),
                "tdx4j serve: cannot read " + missing + " (no such file or directory).");
        oneSentence(CliRun.of("serve", "--simulated", "--signing-key", dir.toString(), "--port", "0"),
                "tdx4j serve: cannot read " + dir + " (it is a directory).");
        Path empty = Files.createDirectories(dir.resolve("empty-bundle"));
        oneSentence(CliRun.of("serve", "--offline", empty.toString(), "--port", "0"),
                "tdx4j serve: the bundle " + empty + " holds no QuoteCollateralV3 JSON file.");
    }

    @Test
    @DisplayName("serve --signing-key, --tls-key with random bytes: 'holds no ... key', no 'Input length = 1' or BouncyCastle text")
    void serveGarbageKeys() throws Exception {
        byte[] random = new byte[3000];
        new java.util.SplittableRandom(7).nextBytes(random);
        Path garbage = Files.write(dir.resolve("random.pem"), random);
        oneSentence(CliRun.of("serve", "--simulated", "--signing-key", garbage.toString(), "--port", "0"),
                "tdx4j serve: the signing key " + garbage + " holds no EC private key (PEM \"EC PRIVATE KEY\" or "
                        + "\"PRIVATE KEY\").");
        // A key of another 256-bit curve (secp256k1, "openssl ecparam -genkey -name secp256k1"): this used to pass the
        // check of the field size and stop the server with "the server did not start on 127.0.0.1:0".
        Path k1 = Files.writeString(dir.resolve("secp256k1.pem"), """
                -----BEGIN EC PRIVATE KEY-----
                MHQCAQEEIBc7CEhGTECQ30InQsegAXZnfrSidnLbSLFPlc99ZX6WoAcGBSuBBAAK
                oUQDQgAEyRRqnI47NAcqX/iJaH9xf7jBPPyI4GU3QkOZDNXFo9ohLZFz6jnT1pTJ
                uH9IINsMw+JwenGEC7wIfHFo3oal1Q==
                -----END EC PRIVATE KEY-----
                """);
        oneSentence(CliRun.of("serve", "--simulated", "--signing-key", k1.toString(), "--port", "0"),
                "tdx4j serve: the signing key " + k1 + " is not a P-256 key.");
        oneSentence(CliRun.of("serve", "--simulated", "--tls-cert", garbage.toString(), "--tls-key", garbage.toString(),
                "--port", "0"), "tdx4j serve: the TLS certificate " + garbage + " is not a PEM certificate chain.");
        oneSentence(CliRun.of("serve", "--simulated", "--root", garbage.toString(), "--port", "0"),
                "tdx4j serve: " + garbage + " is not a root certificate: it holds no PEM or DER X.509 certificate.");
    }
}
