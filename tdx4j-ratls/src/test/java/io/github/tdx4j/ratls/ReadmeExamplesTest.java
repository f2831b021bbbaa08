package io.github.tdx4j.ratls;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.policy.TdPolicy;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.guest.attest.TdAttestation;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The examples of README.md, as written there (a simulated TD stands in for the real one). */
class ReadmeExamplesTest {
    private static TdAttestation attestation;
    private static QuoteVerifier verifier;
    private static Collateral collateral;
    private static final String MRTD = io.github.tdx4j.sim.TdConfig.production().mrTd().hex();

    @BeforeAll
    static void boot() {
        SimTd td = SimTd.production();
        attestation = td.attestation();   // in a real TD: LinuxTdAttestation.open()
        verifier = td.verifier();         // for Intel's root: QuoteVerifier.create()
        collateral = td.collateral();     // for a real platform: from Intel PCS or your PCCS
    }

    @Test
    void plainSslServerSocketAndClient() throws Exception {
        // --- server, in the TD ---
        RatlsKeyManager keys = RatlsKeyManager.builder(attestation).build();
        try (keys; SSLServerSocket server = (SSLServerSocket) Ratls.serverContext(keys).getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    new PrintWriter(s.getOutputStream(), true).println("hello from the TD");
                } catch (Exception e) {
                    // the client test below fails if this does
                }
            });

            // --- client, anywhere ---
            RatlsTrustManager trust = RatlsTrustManager.builder(verifier, CollateralSource.fixed(collateral))
                    .policy(TdPolicy.builder().mrTd(MRTD).build())
                    .build();
            try (SSLSocket s = (SSLSocket) Ratls.clientContext(trust).getSocketFactory()
                    .createSocket("127.0.0.1", server.getLocalPort())) {
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                assertThat(line).isEqualTo("hello from the TD");
            }
        }
    }

    @Test
    void jdkHttpClientAgainstAnHttpsServerInTheTd() throws Exception {
        // --- server, in the TD: the JDK's HTTPS server with the RA-TLS key manager ---
        RatlsKeyManager keys = RatlsKeyManager.builder(attestation).build();
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(Ratls.serverContext(keys)));
        https.createContext("/", exchange -> {
            byte[] body = "attested hello".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        https.start();
        try (keys) {
            // --- client: the JDK HttpClient with the RA-TLS trust manager ---
            RatlsTrustManager trust = RatlsTrustManager.builder(verifier, CollateralSource.fixed(collateral))
                    .policy(TdPolicy.builder().mrTd(MRTD).build())
                    .build();
            try (HttpClient client = HttpClient.newBuilder().sslContext(Ratls.clientContext(trust)).build()) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(
                        "https://127.0.0.1:" + https.getAddress().getPort() + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("attested hello");
            }
        } finally {
            https.stop(0);
        }
    }

    @Test
    void challengeModeClient() throws Exception {
        RatlsKeyManager keys = RatlsKeyManager.builder(attestation).build();
        try (keys; LoopbackServer server = new LoopbackServer(Ratls.serverContext(keys))) {
            RatlsTrustManager trust = RatlsTrustManager.builder(verifier, CollateralSource.fixed(collateral))
                    .requireNonce(true)
                    .build();
            var sockets = Ratls.challengingSocketFactory(Ratls.clientContext(trust), ChallengeNonce.Transport.SNI);
            try (SSLSocket s = (SSLSocket) sockets.createSocket("127.0.0.1", server.port())) {
                s.startHandshake(); // the server's certificate was made for this handshake's nonce
                assertThat(LoopbackServer.greeting(s)).isEqualTo("hello\n");
            }
            assertThat(Optional.of(keys.issuedCount())).contains(2L);
        }
    }
}
