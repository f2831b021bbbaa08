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
}
