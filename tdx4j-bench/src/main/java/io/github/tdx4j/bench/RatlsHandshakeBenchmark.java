package io.github.tdx4j.bench;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.TrustedRoot;
import io.github.tdx4j.guest.CpuidInstruction;
import io.github.tdx4j.guest.GuestConfig;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.QuoteOptions;
import io.github.tdx4j.ratls.AttestedCertificate;
import io.github.tdx4j.ratls.AttestedPeer;
import io.github.tdx4j.ratls.CertificateIssuer;
import io.github.tdx4j.ratls.ChallengeNonce;
import io.github.tdx4j.ratls.KeyCurve;
import io.github.tdx4j.ratls.RatlsRefusal;
import io.github.tdx4j.ratls.CollateralSource;
import io.github.tdx4j.ratls.Ratls;
import io.github.tdx4j.ratls.RatlsKeyManager;
import io.github.tdx4j.ratls.RatlsTrustManager;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.Vcpu;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full TLS 1.3 handshakes on 127.0.0.1 (one client thread, a sequential server thread, no session resumption),
 * with and without attestation, against a server in a simulated TD. Handshakes per second = 1000 / (ms/op).
 *
 * <ul>
 *   <li>{@code plainTls}: the same certificate trusted as a PKIX anchor: the TLS cost alone;</li>
 *   <li>{@code ratlsCached}: RA-TLS, the server's certificate already verified (the trust manager's verdict
 *       cache): the steady state of a client talking to one service;</li>
 *   <li>{@code ratlsVerifyEach}: RA-TLS with a new trust manager per handshake (the quote verifier's collateral and
 *       PCK-chain caches warm): the cost of meeting a new certificate;</li>
 *   <li>{@code ratlsChallenge}: challenge mode: a nonce per handshake, so the server mints a key, a quote and a
 *       certificate and the client verifies them, every time. The simulator's quote costs CPU only (its 20 ms
 *       quote latency is simulated time); a real TD adds its quote latency (tens of ms over vsock to the QGS, about
 *       1 s through configfs-tsm on some hosts).</li>
 * </ul>
 * Two single-threaded parts, steadier than handshakes on a busy machine: {@code mintChallengeCertificate} (what
 * challenge mode adds on the server: a key pair, a simulated quote, a signed certificate) and
 * {@code verifyNewCertificate} (what meeting a new certificate adds on the client: evidence, binding and DCAP
 * verification with warm verifier caches).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class RatlsHandshakeBenchmark {
    private RatlsKeyManager keys;
    private SSLServerSocket server;
    private QuoteVerifier verifier;
    private Collateral collateral;
    private SSLSocketFactory plain;
    private SSLSocketFactory cached;
    private SSLSocketFactory challenging;
    private CertificateIssuer issuer;
    private X509Certificate[] serverChain;

    @Setup
    public void setUp() throws Exception {
        SimulatedTd td = SimulatedTd.boot(TdConfig.production(), SimSettings.strict());
        Vcpu cpu = td.vcpu();
        CpuidInstruction cpuid = (leaf, sub) -> {
            cpu.set(Gpr.RAX, leaf & 0xFFFF_FFFFL);
            cpu.set(Gpr.RCX, sub & 0xFFFF_FFFFL);
            cpu.execute(0x20_0000L, new byte[] {0x0F, (byte) 0xA2});
            return new CpuidInstruction.Result((int) cpu.get(Gpr.RAX), (int) cpu.get(Gpr.RBX),
                    (int) cpu.get(Gpr.RCX), (int) cpu.get(Gpr.RDX));
        };
        TdxGuest guest = TdxGuest.boot(td, cpuid, GuestConfig.defaults(0x1000_0000L, 1L << 20)
                .withQuote(QuoteOptions.LINUX.withPoll(1_000_000L)));
        keys = RatlsKeyManager.builder(guest.attestation()).build();
        issuer = new CertificateIssuer(guest.attestation(), KeyCurve.P256, "bench", new SecureRandom());
        serverChain = new X509Certificate[] {keys.currentCertificate().certificate()};
        verifier = QuoteVerifier.builder().trustedRoot(TrustedRoot.of(td.quotingService().pki().rootCertificate()))
                .build();
        collateral = QuoteCollateralV3.parse(td.quotingService().collateral().quoteCollateralV3Json()
                .getBytes(StandardCharsets.UTF_8));

        server = (SSLServerSocket) Ratls.serverContext(keys).getServerSocketFactory().createServerSocket(0, 64,
                InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("bench-tls-server").start(this::serve);

        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("server", keys.currentCertificate().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(anchors);
        SSLContext plainContext = SSLContext.getInstance("TLSv1.3");
        plainContext.init(null, tmf.getTrustManagers(), null);
        plain = plainContext.getSocketFactory();
        cached = Ratls.clientContext(trustManager(false)).getSocketFactory();
        challenging = Ratls.challengingSocketFactory(Ratls.clientContext(trustManager(true)),
                ChallengeNonce.Transport.SNI);
    }

    private RatlsTrustManager trustManager(boolean challenge) {
        return RatlsTrustManager.builder(verifier, CollateralSource.fixed(collateral)).requireNonce(challenge).build();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.startHandshake();
                s.getOutputStream().write(1);
                s.getOutputStream().flush();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        server.close();
        keys.close();
    }

    /** One full handshake and one byte from the server; the session is dropped so nothing is resumed. */
    private int handshake(SSLSocketFactory factory) throws IOException {
        try (SSLSocket s = (SSLSocket) factory.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            s.startHandshake();
            int b = s.getInputStream().read();
            s.getSession().invalidate();
            return b;
        }
    }

    @Benchmark
    public AttestedCertificate mintChallengeCertificate() {
        Instant now = Instant.now();
        return issuer.issue(now, now.plusSeconds(3600), Optional.of(new byte[32]));
    }

    @Benchmark
    public AttestedPeer verifyNewCertificate() throws RatlsRefusal {
        return trustManager(false).verify(serverChain, Optional.empty());
    }

    @Benchmark
    public int plainTls() throws IOException {
        return handshake(plain);
    }

    @Benchmark
    public int ratlsCached() throws IOException {
        return handshake(cached);
    }

    @Benchmark
    public int ratlsVerifyEach() throws IOException {
        return handshake(Ratls.clientContext(trustManager(false)).getSocketFactory());
    }

    @Benchmark
    public int ratlsChallenge() throws IOException {
        return handshake(challenging);
    }
}
