package io.github.tdx4j.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.PcsClient;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.TrustedRoot;
import io.github.tdx4j.sim.quote.SimulatedQuotingService;
import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@code tdx4j serve} server: one Helidon SE WebServer (every request on its own virtual thread) with
 * <ul>
 *   <li>the native face ({@link VerifyRoutes}: {@code POST /verify}, {@code GET /.well-known/jwks.json});</li>
 *   <li>the PCCS-compatible face ({@link PccsRoutes});</li>
 *   <li>the Intel Trust Authority-compatible face ({@link ItaRoutes});</li>
 *   <li>the web page ({@link WebPage}), {@code GET /healthz} and {@code GET /metrics} (Prometheus text).</li>
 * </ul>
 * Bounds: request body ({@link ServerConfig#maxBodyBytes()}, 413), request line and headers
 * ({@link ServerConfig#maxHeaderBytes()}), verifications at once ({@link ServerConfig#maxConcurrentVerifications()},
 * 503 after {@link ServerConfig#queueWait()}), upstream requests ({@link ServerConfig#upstreamTimeout()} each).
 * Errors are JSON ({@link HttpErrors}); {@link #stop()} lets requests in flight finish for
 * {@link ServerConfig#shutdownGrace()}.
 */
public final class TdxServer implements AutoCloseable {
    /** The version string in tokens and {@code /healthz}. */
    public static final String BUILD = "tdx4j-server 0.1.0";
    /** The most warning lines a minute (LAZY mode's refresh failures). */
    static final int MAX_WARNINGS_PER_MINUTE = 10;

    private final WebServer server;
    private final ServerConfig config;
    private final String collateralDescription;
    private final boolean ephemeralKey;

    private final CollateralSource source;

    private TdxServer(WebServer server, ServerConfig config, CollateralSource source, String collateralDescription,
                      boolean ephemeralKey) {
        this.server = server;
        this.source = source;
        this.config = config;
        this.collateralDescription = collateralDescription;
        this.ephemeralKey = ephemeralKey;
    }

    /**
     * Starts a server.
     *
     * @throws IllegalArgumentException one sentence when a file named by the configuration is not usable, or the
     *                                  bind address is not an address or a known host name
     * @throws UncheckedIOException     "cannot listen on HOST:PORT (reason)" when the port is taken or the address is
     *                                  not this machine's
     */
    public static TdxServer start(ServerConfig config) {
        Objects.requireNonNull(config, "config");
        return start(config, () -> RefreshScheduler.onThread(config.clock()),
                line -> System.getLogger(TdxServer.class.getName()).log(System.Logger.Level.WARNING, line));
    }

    /**
     * Starts a server whose LAZY mode plans its collateral refreshes on {@code scheduler} (made only in LAZY mode)
     * and writes its warnings to {@code warnings}, at most {@link #MAX_WARNINGS_PER_MINUTE} lines a minute.
     */
    static TdxServer start(ServerConfig config, Supplier<RefreshScheduler> scheduler, Consumer<String> warnings) {
        ServerMetrics metrics = new ServerMetrics();
        TrustedRoot root;
        CollateralSource source;
        switch (config.collateral()) {
            case ServerConfig.CollateralMode.Simulated s -> {
                SimulatedQuotingService qs = new SimulatedQuotingService(s.seed(), 4, report -> true);
                Collateral c = QuoteCollateralV3.parse(qs.collateral().quoteCollateralV3Json()
                        .getBytes(StandardCharsets.UTF_8));
                source = new FixedCollateral(List.of(c), "the simulated platform (seed " + s.seed() + ")");
                root = TrustedRoot.of(qs.pki().rootPem().getBytes(StandardCharsets.US_ASCII));
            }
            case ServerConfig.CollateralMode.Offline o -> {
                source = FixedCollateral.bundle(o.bundle());
                root = TrustedRoot.intelProduction();
            }
            case ServerConfig.CollateralMode.Lazy l -> {
                PcsClient.Builder b = PcsClient.builder().baseUri(l.baseUri()).timeout(config.upstreamTimeout())
                        .clock(config.clock());
                if (l.upstreamPccs()) {
                    b.rootCaCrlUri(l.baseUri().resolve("/sgx/certification/v4/rootcacrl"));
                }
                l.cacheDir().ifPresent(b::cacheDirectory);
                source = new LazyCollateral(b.build(), config.clock(), RefreshPolicy.DEFAULT, scheduler.get(), metrics,
                        new RateLimitedLog(config.clock(), Duration.ofMinutes(1), MAX_WARNINGS_PER_MINUTE, warnings),
                        (l.upstreamPccs() ? "PCCS " : "PCS ") + l.baseUri() + ", fetched on a miss and refreshed "
                                + "before nextUpdate" + l.cacheDir().map(d -> ", cached in " + d).orElse(""));
                root = TrustedRoot.intelProduction();
            }
        }
        if (config.trustedRootPem().isPresent()) {
            try {
                root = TrustedRoot.of(config.trustedRootPem().get().getBytes(StandardCharsets.US_ASCII));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the trusted root is not a PEM or DER X.509 certificate");
            }
        }
        KeyPair earKey = config.signingKey().map(SigningKeys::readP256).orElseGet(SigningKeys::generateP256);
        EarTokens tokens = new EarTokens(earKey, config.underscoredEarClaims(), Duration.ofMinutes(5), BUILD);
        QuoteVerifier verifier = QuoteVerifier.builder().trustedRoot(root).build();
        VerificationService service = new VerificationService(verifier, source, config.maxConcurrentVerifications(),
                config.queueWait(), config.clock(), metrics);
        RequestBodies bodies = new RequestBodies(config.maxBodyBytes());
        java.util.concurrent.atomic.AtomicReference<String> base = new java.util.concurrent.atomic.AtomicReference<>();
        ItaRoutes ita = new ItaRoutes(service, bodies, config.clock(), base::get);
        String description = source.describe();
        boolean ephemeral = config.signingKey().isEmpty();

        HttpRouting.Builder routing = HttpRouting.builder()
                .addFilter(new AccessLog(config.accessLog(), metrics, config.clock()))
                .register(new VerifyRoutes(service, tokens, bodies))
                .register(new PccsRoutes(source, metrics, config.dcapQvlJsCompat()))
                .register(ita)
                .register(new WebPage())
                .get("/healthz", (req, res) -> {
                    ObjectNode o = JsonNodeFactory.instance.objectNode();
                    o.put("status", "ok");
                    o.put("build", BUILD);
                    o.put("collateral", description);
                    o.put("trustedRoot", verifierRootName(config));
                    o.put("earSigningKey", ephemeral ? "generated at start" : "from file");
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(o.toString().getBytes(StandardCharsets.UTF_8));
                })
                .get("/metrics", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, metrics.contentType());
                    res.send(metrics.scrape());
                })
                .any((req, res) -> {
                    String method = req.prologue().method().text();
                    java.util.Optional<String> allowed = AllowedMethods.of(req.path().path());
                    if (allowed.isPresent()) {
                        res.header(HeaderNames.ALLOW, allowed.get());
                        HttpErrors.send(res, 405, "METHOD_NOT_ALLOWED", bounded(req.path().rawPath()) + " takes "
                                + allowed.get() + ", not " + bounded(method));
                    } else {
                        HttpErrors.send(res, 404, "NOT_FOUND", "no route " + bounded(method) + " "
                                + bounded(req.path().rawPath()));
                    }
                })
                .error(ApiException.class, (req, res, e) -> HttpErrors.send(res, e))
                .error(Exception.class, (req, res, e) -> {
                    System.getLogger(TdxServer.class.getName()).log(System.Logger.Level.ERROR,
                            "request " + req.prologue().method().text() + " " + bounded(req.path().rawPath())
                                    + " failed", e);
                    HttpErrors.send(res, 500, "INTERNAL", "the server failed on this request; see its log");
                });

        var builder = WebServer.builder()
                .host(config.bind())
                .port(config.port())
                .maxPayloadSize(config.maxBodyBytes())
                .shutdownGracePeriod(config.shutdownGrace())
                .directHandlers(HttpErrors.directHandlers(config.maxBodyBytes(), config.maxHeaderBytes()))
                .addProtocol(Http1Config.builder().maxHeadersSize(config.maxHeaderBytes())
                        .maxPrologueLength(Math.min(config.maxHeaderBytes(), 8192)).build())
                .routing(routing);
        config.tls().ifPresent(t -> builder.tls(Tls.builder()
                .sslContext(TlsContexts.fromPem(t.certificateChain(), t.privateKey())).build()));
        WebServer server;
        try {
            checkListenable(config.bind(), config.port());
            server = builder.build().start();
            // Helidon logs a listener that fails to bind and returns a server without it (port -1).
            if (!server.isRunning() || server.port() < 0) {
                server.stop();
                throw new UncheckedIOException("cannot listen on " + config.bind() + ":" + config.port(),
                        new java.io.IOException("the listener did not start"));
            }
        } catch (RuntimeException e) {
            source.close(); // no refresh thread outlives a server that did not start
            throw e;
        }
        TdxServer started = new TdxServer(server, config, source, description, ephemeral);
        base.set(started.baseUri());
        return started;
    }

    /**
     * Whether {@code host:port} can be listened on, tried with a socket of our own (with SO_REUSEADDR, as the
     * listener binds): a port in use or an address not of this machine fails here with its reason, where Helidon
     * would log a stack trace and start without the listener.
     *
     * @throws IllegalArgumentException when {@code host} is not an address or a known name
     * @throws UncheckedIOException     "cannot listen on HOST:PORT (reason)", the BindException as cause
     */
    static void checkListenable(String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("the bind address " + host + " is not an IP address or a known host "
                    + "name");
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(address, port));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + " (" + IoReasons.of(e) + ")", e);
        }
    }

    private static String verifierRootName(ServerConfig config) {
        if (config.trustedRootPem().isPresent()) {
            return "from file";
        }
        return config.collateral() instanceof ServerConfig.CollateralMode.Simulated
                ? "the simulated platform's root" : "Intel SGX Root CA";
    }

    private static String bounded(String s) {
        return s.length() <= 128 ? s : s.substring(0, 128) + "…";
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    /** {@code http://HOST:PORT} or {@code https://…}, as clients reach it. */
    public String baseUri() {
        return (config.tls().isPresent() ? "https://" : "http://") + hostForUri(config.bind()) + ":" + port();
    }

    private static String hostForUri(String bind) {
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }

    /** Where collateral comes from, one line. */
    public String collateralDescription() {
        return collateralDescription;
    }

    /** Whether the EAR key was generated at start (tokens then verify only against this run's JWKS). */
    public boolean ephemeralKey() {
        return ephemeralKey;
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** Stops accepting connections and lets requests in flight finish, for at most the configured grace. */
    public void stop() {
        server.stop();
        source.close();
    }

    @Override
    public void close() {
        stop();
    }
}
