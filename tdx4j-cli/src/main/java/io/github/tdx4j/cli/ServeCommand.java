package io.github.tdx4j.cli;

import io.github.tdx4j.server.ServerConfig;
import io.github.tdx4j.server.TdxServer;
import io.github.tdx4j.sim.SimSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tdx4j serve}: the verification and collateral server (tdx4j-server), until SIGINT or SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve quote verification (POST /verify, EAR tokens), a PCCS-compatible collateral face, "
                + "/healthz, /metrics and a web page at /, on loopback by default.",
                "",
                "Examples:",
                "  tdx4j serve --simulated                          # the simulated platform's collateral",
                "  tdx4j serve --offline vectors/dcap-qvl/tdx_quote_collateral.json",
                "  tdx4j serve --pcs https://api.trustedservices.intel.com --cache ~/.cache/tdx4j", ""})
final class ServeCommand implements Callable<Integer> {
    /** Held so that the level set on it stays (java.util.logging keeps loggers weakly). */
    private static final java.util.logging.Logger HELIDON_LOG = java.util.logging.Logger.getLogger("io.helidon");

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8081",
            description = "TCP port (default ${DEFAULT-VALUE}, Intel PCCS's; 0 picks a free one).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only).")
    String bind;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate chain.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert.")
    Path tlsKey;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--simulated", description = "Serve and trust the simulated platform's collateral.")
        boolean simulated;

        @Option(names = "--offline", paramLabel = "BUNDLE",
                description = "Serve only this QuoteCollateralV3 file or folder of them (PCCS OFFLINE mode).")
        Path offline;

        @Option(names = "--pcs", paramLabel = "URL", description = "Fetch on a miss from Intel's PCS at URL, refresh daily before nextUpdate (LAZY).")
        URI pcs;

        @Option(names = "--pccs", paramLabel = "URL", description = "Fetch on a miss from an upstream PCCS, refresh daily before nextUpdate (LAZY).")
        URI pccs;
    }

    @Option(names = "--cache", paramLabel = "DIR", description = "With --pcs or --pccs: keep raw responses in DIR.")
    Path cache;

    @Option(names = "--root", paramLabel = "CERT", description = "Trust this root CA (PEM or DER) instead of the default.")
    Path root;

    @Option(names = "--signing-key", paramLabel = "PEM",
            description = "P-256 key that signs EAR tokens (default: a new key per start).")
    Path signingKey;

    @Option(names = "--ear-underscored", description = "EAR claim names of draft-ietf-rats-ear-03 (ear_status, ...).")
    boolean underscored;

    @Option(names = "--max-concurrent", paramLabel = "N", defaultValue = "16",
            description = "Verifications at once (default ${DEFAULT-VALUE}); more wait, then get 503.")
    int maxConcurrent;

    @Option(names = "--dcap-qvl-js-compat",
            description = "Answer pckcrl?ca=processor with the Platform CA's CRL when no Processor CA CRL is held "
                    + "(npm @phala/dcap-qvl 0.3.9 always asks for the Processor CA's).")
    boolean dcapQvlJsCompat;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (cache != null && source.pcs == null && source.pccs == null) {
            throw new IllegalArgumentException("--cache needs --pcs or --pccs: only fetched collateral is cached");
        }
        ServerConfig.CollateralMode mode;
        if (source.simulated) {
            mode = new ServerConfig.CollateralMode.Simulated(SimSettings.DEFAULT_SEED);
        } else if (source.offline != null) {
            mode = new ServerConfig.CollateralMode.Offline(source.offline);
        } else {
            URI upstream = source.pcs != null ? source.pcs : source.pccs;
            mode = new ServerConfig.CollateralMode.Lazy(upstream, source.pccs != null, Optional.ofNullable(cache));
        }
        Optional<String> rootPem = Optional.empty();
        if (root != null) {
            rootPem = Optional.of(new String(Files.readAllBytes(root), StandardCharsets.ISO_8859_1));
        }
        Object lock = new Object();
        ServerConfig config = ServerConfig.defaults(mode)
                .withNetwork(bind, port, tlsCert == null ? Optional.empty()
                        : Optional.of(new ServerConfig.Tls(tlsCert, tlsKey)))
                .withTrustedRoot(rootPem)
                .withEar(Optional.ofNullable(signingKey), underscored)
                .withLimits(ServerConfig.DEFAULT_MAX_BODY_BYTES, ServerConfig.DEFAULT_MAX_HEADER_BYTES, maxConcurrent,
                        Duration.ofSeconds(2))
                .withDcapQvlJsCompat(dcapQvlJsCompat)
                .withAccessLog(line -> {
                    synchronized (lock) {
                        out.println(line);
                        out.flush();
                    }
                });
        // Helidon's start-up banner and per-listener INFO lines would interleave with the access log on the console.
        HELIDON_LOG.setLevel(java.util.logging.Level.WARNING);
        TdxServer server = TdxServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            synchronized (lock) {
                out.println("tdx4j serve: stopped");
                out.flush();
            }
            stopped.countDown();
        }, "tdx4j-serve-shutdown"));
        synchronized (lock) {
            out.println("tdx4j serve: listening on " + server.baseUri() + " (collateral: "
                    + server.collateralDescription() + (server.ephemeralKey() ? "; EAR key generated at start" : "")
                    + ")");
            out.flush();
        }
        stopped.await();
        return Main.OK;
    }
}
