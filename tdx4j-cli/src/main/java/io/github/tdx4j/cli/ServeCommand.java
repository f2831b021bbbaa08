package io.github.tdx4j.cli;

import io.github.tdx4j.server.ServerConfig;
import io.github.tdx4j.server.TdxServer;
import io.github.tdx4j.sim.SimSettings;
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
        description = {"Serve quote verification (POST /verify, EAR tokens), a PCCS-compatible collateral face "
                + "(/sgx|tdx/certification/v4/...), an Intel Trust Authority-compatible face (/appraisal/v1|v2/nonce "
                + "and attest, /certs), /healthz, /metrics and a web page at /, on loopback by default. "
                + "Stop it with Ctrl-C or SIGTERM.",
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
        String pcs;

        @Option(names = "--pccs", paramLabel = "URL", description = "Fetch on a miss from an upstream PCCS, refresh daily before nextUpdate (LAZY).")
        String pccs;
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

    /** The most verifications at once that --max-concurrent takes: each holds a virtual thread and a quote. */
    static final int MAX_CONCURRENT = 4096;
    /** The files of a bundle folder checked here; the server refuses a folder with more (a handful is usual). */
    static final int MAX_BUNDLE_FILES = 1024;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String bad = checkOptions();
        if (bad != null) {
            err.println("tdx4j serve: " + bad + ".");
            return Main.USAGE;
        }
        ServerConfig.CollateralMode mode;
        if (source.simulated) {
            mode = new ServerConfig.CollateralMode.Simulated(SimSettings.DEFAULT_SEED);
        } else if (source.offline != null) {
            mode = new ServerConfig.CollateralMode.Offline(source.offline);
        } else {
            URI upstream = source.pcs != null ? CollateralSource.base("--pcs", source.pcs)
                    : CollateralSource.base("--pccs", source.pccs); // checked in checkOptions
            mode = new ServerConfig.CollateralMode.Lazy(upstream, source.pccs != null, Optional.ofNullable(cache));
        }
        Optional<String> rootPem = Optional.empty();
        try {
            if (root != null) {
                RootFile.read(root); // one sentence naming the file if it is not one certificate
                rootPem = Optional.of(new String(CliFiles.read(root), StandardCharsets.ISO_8859_1));
            }
            // Files the server reads at start: a missing file, a folder or a device is named here, by its option.
            for (Path input : new Path[] {tlsCert, tlsKey, signingKey}) {
                if (input != null) {
                    CliFiles.read(input, 1 << 20, "a PEM file");
                }
            }
            if (source.offline != null) {
                checkBundle(source.offline);
            }
        } catch (CliFiles.FileFailure e) {
            err.println("tdx4j serve: " + e.getMessage() + ".");
            return Main.USAGE;
        }
        Object lock = new Object();
        ServerConfig config;
        try {
            config = config(mode, rootPem, out, lock);
        } catch (IllegalArgumentException e) {
            err.println("tdx4j serve: " + e.getMessage() + ".");
            return Main.USAGE;
        }
        // Helidon's start-up banner and per-listener INFO lines would interleave with the access log on the console.
        HELIDON_LOG.setLevel(java.util.logging.Level.WARNING);
        TdxServer server;
        try {
            server = TdxServer.start(config);
        } catch (IllegalArgumentException e) {
            err.println("tdx4j serve: " + e.getMessage() + ".");
            return Main.USAGE;
        } catch (RuntimeException e) {
            err.println("tdx4j serve: " + startFailure(e) + ".");
            return Main.USAGE;
        }
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

    private ServerConfig config(ServerConfig.CollateralMode mode, Optional<String> rootPem, PrintWriter out,
                                Object lock) {
        return ServerConfig.defaults(mode)
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
    }

    /**
     * The --offline bundle's files are JSON objects: a file that is not text, not JSON or empty gets one sentence of
     * ours here, not the JSON parser's (the server then checks that each is QuoteCollateralV3 collateral).
     */
    private static void checkBundle(Path bundle) throws CliFiles.FileFailure {
        java.util.List<Path> files = new java.util.ArrayList<>();
        if (Files.isDirectory(bundle)) {
            try (java.util.stream.Stream<Path> s = Files.list(bundle)) {
                s.filter(p -> p.getFileName().toString().endsWith(".json")).limit(MAX_BUNDLE_FILES + 1L)
                        .forEach(files::add);
            } catch (java.io.IOException e) {
                throw new CliFiles.FileFailure("cannot list " + CliPaths.show(bundle) + " (" + CliFiles.reason(e) + ")");
            }
        } else {
            files.add(bundle);
        }
        for (Path f : files.subList(0, Math.min(files.size(), MAX_BUNDLE_FILES))) {
            JsonInput.object(CliFiles.read(f, CliFiles.MAX_INPUT_SIZE, "a QuoteCollateralV3 bundle file"), f,
                    "QuoteCollateralV3 collateral");
        }
    }

    /** One sentence, or null: option values the server would refuse, checked before anything starts. */
    private String checkOptions() {
        if (port < 0 || port > 65535) {
            return "--port " + port + " is not a TCP port (0..65535; 0 picks a free one)";
        }
        if (maxConcurrent < 1 || maxConcurrent > MAX_CONCURRENT) {
            return "--max-concurrent must be 1.." + MAX_CONCURRENT + ", not " + maxConcurrent;
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            return "--tls-cert and --tls-key go together";
        }
        if (cache != null && source.pcs == null && source.pccs == null) {
            return "--cache needs --pcs or --pccs: only fetched collateral is cached";
        }
        if (source.pcs != null || source.pccs != null) {
            try {
                if (source.pcs != null) {
                    CollateralSource.base("--pcs", source.pcs);
                } else {
                    CollateralSource.base("--pccs", source.pccs);
                }
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        if (cache != null && Files.exists(cache) && !Files.isDirectory(cache)) {
            return "--cache " + CliPaths.show(cache) + " is a file; it must be a folder (made if missing)";
        }
        return null;
    }

    /**
     * Why the listener did not start, for the failures a user meets: the port is taken, or the address is not this
     * machine's or is unknown. Anything else is named without the library's text.
     */
    private String startFailure(RuntimeException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.BindException) {
                return "cannot listen on " + bind + ":" + port + " (" + CliFiles.reason((java.net.BindException) c)
                        + "): another program may use the port, or the address is not one of this machine's; choose "
                        + "another --port or --bind";
            }
            if (c instanceof java.net.UnknownHostException || c instanceof java.nio.channels.UnresolvedAddressException) {
                return "--bind " + bind + " is not an address or a known host name";
            }
        }
        return "the server did not start on " + bind + ":" + port;
    }
}
