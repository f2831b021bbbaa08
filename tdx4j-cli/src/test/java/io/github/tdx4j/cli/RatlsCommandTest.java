package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tdx4j ratls serve} and {@code connect} against each other on 127.0.0.1, in-process. */
@Timeout(180)
class RatlsCommandTest {
    /** Connections the tests below make to the one server (each test says how many it uses). */
    private static final int CONNECTIONS = 7;
    private static int port;
    private static Thread server;
    private static final StringWriter serverOut = new StringWriter();
    private static final AtomicInteger serverExit = new AtomicInteger(-1);
    private static Path files;

    @BeforeAll
    static void serve(@TempDir Path dir) throws Exception {
        files = dir;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        server = Thread.ofPlatform().daemon().start(() -> serverExit.set(Main.run(new PrintWriter(serverOut),
                new PrintWriter(new StringWriter()), "ratls", "serve", "--simulated", "--port",
                Integer.toString(port), "--connections", Integer.toString(CONNECTIONS), "--root-out",
                dir.resolve("root.pem").toString(), "--collateral-out", dir.resolve("collateral.json").toString())));
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                // A plain TCP probe: the server counts it as a failed handshake, so it is one of CONNECTIONS.
                assertThat(s.isConnected()).isTrue();
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the server did not start listening");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.join(60_000);
    }

    private static String target() {
        return "127.0.0.1:" + port;
    }

    @Test
    void connectPrintsTheVerifiedIdentityWithAFreshNonce() {
        CliRun r = CliRun.of("ratls", "connect", target(), "--simulated", "--nonce");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("accepted " + target()).contains("tcb status: UpToDate")
                .contains("mrtd: 909aff49").contains("server says: hello from a TD (simulated)");
        // The nonce in the certificate is the one sent.
        String sent = r.out().lines().filter(l -> l.contains("nonce sent:")).findFirst().orElseThrow()
                .replaceAll(".*: ", "");
        assertThat(r.out()).contains("  nonce: " + sent);
    }

    @Test
    void connectWithAWrongMrtdPolicyExitsTwoWithTheRule(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, "{\"mrTd\": \"" + "ab".repeat(48) + "\", \"acceptedStatuses\": [\"UpToDate\"]}");
        CliRun r = CliRun.of("ratls", "connect", target(), "--simulated", "--policy", policy.toString());
        assertThat(r.exitCode()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.err()).contains("TD_POLICY").contains("MRTD_MISMATCH").contains("ab".repeat(48))
                .doesNotContain("\tat ");
    }

    @Test
    void connectWithAPolicyAllowingTheTdAndAlpnNonceSucceeds(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, "{\"mrTd\": \"909aff4935203201255468139421ee99cd16c48c8008933cb5597013eef5e99d9b999fbf"
                + "55f8edcc29d6d9cb7854e7ea\", \"allowDebug\": false}");
        CliRun r = CliRun.of("ratls", "connect", target(), "--simulated", "--policy", policy.toString(), "--nonce",
                "--nonce-via", "alpn");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void connectReadsTheRepositorysPolicyDocumentLikeVerifyAndItsFlagsOverrideTheFile() throws Exception {
        // The example document of tdx4j-attest (tdx4j verify --policy) names another TD's MRTD: refused by its rule.
        Path example = Path.of("..", "tdx4j-attest", "examples", "td-policy.json");
        CliRun other = CliRun.of("ratls", "connect", target(), "--simulated", "--policy", example.toString());
        assertThat(other.exitCode()).as(other.err()).isEqualTo(Main.CHECK_FAILED);
        assertThat(other.err()).contains("TD_POLICY").contains("MRTD_MISMATCH")
                .contains("91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7");
        // verify's --mrtd flag overrides the document's mrTd here too.
        CliRun flag = CliRun.of("ratls", "connect", target(), "--simulated", "--mrtd", "cd".repeat(48));
        assertThat(flag.exitCode()).isEqualTo(Main.CHECK_FAILED);
        assertThat(flag.err()).contains("MRTD_MISMATCH").contains("cd".repeat(48));
    }

    @Test
    void connectWithTheRootAndCollateralTheServerWroteSucceeds() {
        CliRun r = CliRun.of("ratls", "connect", target(), "--root", files.resolve("root.pem").toString(),
                "--collateral", files.resolve("collateral.json").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("tcb status: UpToDate");
    }

    @Test
    void badInputGetsOneSentenceAndExitOne(@TempDir Path dir) throws Exception {
        CliRun noPort = CliRun.of("ratls", "connect", "localhost", "--simulated");
        assertThat(noPort.exitCode()).isEqualTo(Main.USAGE);
        assertThat(noPort.err()).contains("is not HOST:PORT");

        Path policy = dir.resolve("p.json");
        Files.writeString(policy, "{\"mrdt\": \"00\"}");
        CliRun typo = CliRun.of("ratls", "connect", target(), "--simulated", "--policy", policy.toString());
        assertThat(typo.exitCode()).isEqualTo(Main.USAGE);
        assertThat(typo.err()).contains("unknown field \"mrdt\"").doesNotContain("\tat ");
        assertThat(typo.err().strip().lines()).hasSize(1);

        // The snake_case file of earlier releases is not a policy document: refused, never half-read.
        Files.writeString(policy, "{\"allow_debug\": true}");
        CliRun snake = CliRun.of("ratls", "connect", target(), "--simulated", "--policy", policy.toString());
        assertThat(snake.exitCode()).isEqualTo(Main.USAGE);
        assertThat(snake.err()).contains("unknown field \"allow_debug\"");

        CliRun notJson = CliRun.of("ratls", "connect", target(), "--simulated", "--policy",
                dir.resolve("missing.json").toString());
        assertThat(notJson.exitCode()).isEqualTo(Main.USAGE);
        assertThat(notJson.err().strip().lines()).hasSize(1);

        CliRun noCollateral = CliRun.of("ratls", "connect", target());
        assertThat(noCollateral.exitCode()).isEqualTo(Main.USAGE);
        assertThat(noCollateral.err()).contains("--collateral");

        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        CliRun refused = CliRun.of("ratls", "connect", "127.0.0.1:" + closed, "--simulated", "--timeout", "5");
        assertThat(refused.exitCode()).isEqualTo(Main.USAGE);
        assertThat(refused.err()).contains("cannot connect to 127.0.0.1:" + closed).doesNotContain("\tat ");
    }

    @Test
    void serveRefusesABadPort() {
        CliRun r = CliRun.of("ratls", "serve", "--simulated", "--port", "70000");
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("--port 70000 is not a TCP port");
    }

    /** One sentence on stderr, exit 1, no JSSE or Java exception text. */
    private static void oneSentence(CliRun r, String expected) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(Main.USAGE);
        assertThat(r.err().lines().toList()).containsExactly(expected);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void connectWithATimeoutOfZeroIsAUsageError() {
        oneSentence(CliRun.of("ratls", "connect", "127.0.0.1:1", "--simulated", "--timeout", "0"),
                "tdx4j ratls connect: --timeout must be 1..3600 seconds, not 0");
        oneSentence(CliRun.of("ratls", "connect", "127.0.0.1:1", "--simulated", "--timeout", "-5"),
                "tdx4j ratls connect: --timeout must be 1..3600 seconds, not -5");
    }

    @Test
    void connectToAPortThatDoesNotSpeakTlsSaysSoWithoutJsseText() throws Exception {
        try (ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answer = Thread.ofVirtual().start(() -> {
                try (Socket s = http.accept()) {
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    s.getInputStream().readNBytes(1);
                } catch (java.io.IOException e) {
                    // the client went away
                }
            });
            String target = "127.0.0.1:" + http.getLocalPort();
            oneSentence(CliRun.of("ratls", "connect", target, "--simulated", "--timeout", "10"),
                    "tdx4j ratls connect: the TLS handshake with " + target + " failed: the server does not speak TLS "
                            + "on this port");
            answer.join(10_000);
        }
    }

    @Test
    void connectToAnIpv6AddressInBracketsParsesTheHost() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        CliRun r = CliRun.of("ratls", "connect", "[::1]:" + closed, "--simulated", "--timeout", "5");
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err()).startsWith("tdx4j ratls connect: cannot connect to [::1]:" + closed + ": ")
                .doesNotContain("unknown host");
    }

    @Test
    void connectWithAnEmptyOrBinaryPolicyFileNamesTheFileNotTheJsonParser(@TempDir Path dir) throws Exception {
        Path empty = Files.write(dir.resolve("empty.json"), new byte[0]);
        oneSentence(CliRun.of("ratls", "connect", "127.0.0.1:1", "--simulated", "--policy", empty.toString()),
                "tdx4j ratls connect: " + empty + " is not a policy document: it is empty");
        Path binary = Files.write(dir.resolve("p.bin"), new byte[] {'{', (byte) 0x89, 0x01});
        oneSentence(CliRun.of("ratls", "connect", "127.0.0.1:1", "--simulated", "--policy", binary.toString()),
                "tdx4j ratls connect: " + binary + " is not a policy document: it is not UTF-8 text (byte 0x89 at "
                        + "offset 1)");
        Path cut = Files.writeString(dir.resolve("cut.json"), "{\"mrTd\": ");
        oneSentence(CliRun.of("ratls", "connect", "127.0.0.1:1", "--simulated", "--policy", cut.toString()),
                "tdx4j ratls connect: " + cut + " is not a policy document: it ends in the middle of a JSON value at "
                        + "line 1, column 10");
    }

    @Test
    void serveOnAPortInUseNamesThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int p = taken.getLocalPort();
            oneSentence(CliRun.of("ratls", "serve", "--simulated", "--port", String.valueOf(p), "--connections", "1"),
                    "tdx4j ratls serve: cannot listen on 127.0.0.1:" + p + " (address already in use): another "
                            + "program may use the port, or the address is not one of this machine's; choose another "
                            + "--port or --bind.");
        }
    }

    @Test
    void serveWritesItsTwoFilesOrNeither(@TempDir Path dir) throws Exception {
        Path root = Files.writeString(dir.resolve("root.pem"), "the user's old file");
        Path collateral = dir.resolve("missing/collateral.json");
        oneSentence(CliRun.of("ratls", "serve", "--simulated", "--port", "0", "--connections", "1",
                        "--root-out", root.toString(), "--collateral-out", collateral.toString()),
                "tdx4j ratls serve: cannot write " + collateral + " (no such file or directory).");
        assertThat(Files.readString(root)).as("the root file written first is not replaced").isEqualTo("the user's old file");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no staged file left").containsExactly("root.pem");
        }
    }
}
