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
import io.github.tdx4j.ratls.CollateralSource;
import io.github.tdx4j.ratls.Ratls;
import io.github.tdx4j.ratls.RatlsKeyManager;
import io.github.tdx4j.ratls.RatlsRefusal;
import io.github.tdx4j.ratls.RatlsTrustManager;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.Vcpu;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
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
 * with and without attestation, in one JVM. Handshakes per second = 1000 / (ms/op); {@code ratls-handshakes.sh}
 * runs the three handshake modes and prints them.
 *
 * <p>Fair by construction: every mode uses the same JVM and fork, the same kind of server (a sequential accept loop
 * on its own thread), ECDSA P-256 keys signing with SHA256withECDSA (so the same TLS signature scheme,
 * ecdsa_secp256r1_sha256), the same client code path ({@link #handshake}), and no resumption. What differs is only
 * what attestation adds:
 * <ul>
 *   <li>{@code plainTls}: an ordinary self-signed P-256 certificate, trusted as a PKIX anchor: the TLS cost alone;</li>
 *   <li>{@code ratlsCached}: RA-TLS with the cached certificate: a larger certificate (the quote) and the trust
 *       manager's validity check and verdict-cache hit: the steady state of a client talking to one service;</li>
 *   <li>{@code ratlsChallenge}: challenge mode: a nonce per handshake, so the server mints a key, a quote and a
 *       certificate and the client verifies them, every time. The key manager's challenge rate limit is lifted
 *       here (it exists to stop exactly this load). The simulator's quote costs CPU only (its 20 ms quote latency
 *       is simulated time); a real TD adds its quote latency (a few ms over the QGS socket, about 1 s through
 *       configfs-tsm).</li>
 *   <li>{@code ratlsVerifyEach}: RA-TLS with a new trust manager per handshake (the quote verifier's caches warm):
 *       the cost of meeting a new certificate without a challenge.</li>
 * </ul>
 * Two single-threaded parts, steadier than handshakes on a busy machine: {@code mintChallengeCertificate} (what
 * challenge mode adds on the server) and {@code verifyNewCertificate} (what a new certificate adds on the client).
 * The run is bounded: 6 benchmarks × (2 × 2 s warm-up + 3 × 3 s) ≈ 80 s plus one JVM start.
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
    private SSLServerSocket plainServer;
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
        keys = RatlsKeyManager.builder(guest.attestation()).curve(KeyCurve.P256)
                .challengeRateLimit(Integer.MAX_VALUE, Duration.ofNanos(1)).build();
        issuer = new CertificateIssuer(guest.attestation(), KeyCurve.P256, "bench", new SecureRandom());
        serverChain = new X509Certificate[] {keys.currentCertificate().certificate()};
        verifier = QuoteVerifier.builder().trustedRoot(TrustedRoot.of(td.quotingService().pki().rootCertificate()))
                .build();
        collateral = QuoteCollateralV3.parse(td.quotingService().collateral().quoteCollateralV3Json()
                .getBytes(StandardCharsets.UTF_8));

        server = (SSLServerSocket) Ratls.serverContext(keys).getServerSocketFactory().createServerSocket(0, 64,
                InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("bench-ratls-server").start(() -> serve(server));

        // The baseline: an ordinary certificate, same curve and signature algorithm, no extension.
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair plainKeys = g.generateKeyPair();
        X500Name name = new X500Name("CN=plain");
        Instant now = Instant.now();
        X509Certificate plainCert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.ONE, Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(86_400)), name,
                plainKeys.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(plainKeys.getPrivate())));
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        char[] password = "bench".toCharArray();
        identity.setKeyEntry("plain", plainKeys.getPrivate(), password, new X509Certificate[] {plainCert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(identity, password);
        SSLContext plainServerContext = SSLContext.getInstance(Ratls.PROTOCOL);
        plainServerContext.init(kmf.getKeyManagers(), null, null);
        plainServer = (SSLServerSocket) plainServerContext.getServerSocketFactory().createServerSocket(0, 64,
                InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("bench-plain-server").start(() -> serve(plainServer));

        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("server", plainCert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(anchors);
        SSLContext plainContext = SSLContext.getInstance(Ratls.PROTOCOL);
        plainContext.init(null, tmf.getTrustManagers(), null);
        plain = plainContext.getSocketFactory();
        cached = Ratls.clientContext(trustManager(false)).getSocketFactory();
        challenging = Ratls.challengingSocketFactory(Ratls.clientContext(trustManager(true)),
                ChallengeNonce.Transport.SNI);
    }

    private RatlsTrustManager trustManager(boolean challenge) {
        return RatlsTrustManager.builder(verifier, CollateralSource.fixed(collateral)).requireNonce(challenge).build();
    }

    private static void serve(SSLServerSocket server) {
        while (!server.isClosed()) {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                // Without TCP_NODELAY a TLS 1.3 handshake on loopback waits about 40 ms for a delayed ACK (Nagle's
                // algorithm holds the server's last small record), which measured every mode at 47-55 ms.
                s.setTcpNoDelay(true);
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
        plainServer.close();
        keys.close();
    }

    /** One full handshake and one byte from the server; the session is dropped so nothing is resumed. */
    private static int handshake(SSLSocketFactory factory, SSLServerSocket to) throws IOException {
        try (SSLSocket s = (SSLSocket) factory.createSocket(InetAddress.getLoopbackAddress(), to.getLocalPort())) {
            s.setTcpNoDelay(true);
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
        return handshake(plain, plainServer);
    }

    @Benchmark
    public int ratlsCached() throws IOException {
        return handshake(cached, server);
    }

    @Benchmark
    public int ratlsVerifyEach() throws IOException {
        return handshake(Ratls.clientContext(trustManager(false)).getSocketFactory(), server);
    }

    @Benchmark
    public int ratlsChallenge() throws IOException {
        return handshake(challenging, server);
    }
}
