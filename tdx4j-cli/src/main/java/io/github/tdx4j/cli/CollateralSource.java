package io.github.tdx4j.cli;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.CollateralException;
import io.github.tdx4j.attest.collateral.CollateralFiles;
import io.github.tdx4j.attest.collateral.PcsClient;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where {@code tdx4j verify} and {@code tdx4j collateral} get collateral: one QuoteCollateralV3 JSON file; Intel's
 * separate files (a directory, or several {@code --collateral} files, read by {@link CollateralFiles}); or, with no
 * {@code --collateral}, Intel's PCS or a PCCS ({@code --pccs}) through {@link PcsClient} and its on-disk cache.
 */
final class CollateralSource {
    /** A directory of collateral files holds a handful; more than this is not such a directory. */
    static final int MAX_FILES = 64;

    @Option(names = "--collateral", paramLabel = "FILE|DIR",
            description = {"Collateral: QuoteCollateralV3 JSON; or a directory, or this option repeated, of Intel's "
                    + "separate files (tcbInfo.json, qeIdentity.json, CRLs as DER, PEM or hex, PEM issuer chains).",
                    "Without it, collateral is fetched from Intel's PCS (or --pccs)."})
    List<Path> collateral;

    @Option(names = "--pccs", paramLabel = "URL",
            description = "Fetch collateral from this PCCS (or PCS-compatible service) instead of Intel's PCS, e.g. https://pccs.example:8081.")
    String pccs;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Cache fetched collateral here until each item's nextUpdate (default: $XDG_CACHE_HOME/tdx4j/pcs or ~/.cache/tdx4j/pcs).")
    Path cache;

    @Option(names = "--no-cache", description = {"Fetch every item, reading and writing no cache.",
            "tdx4j verify: also keep nothing between verifications (with --repeat each call parses every "
                    + "certificate, CRL and JSON item and checks all 15 signatures, as Intel's QVL and dcap-qvl do "
                    + "per call); with --collateral only this."})
    boolean noCache;

    /** Collateral that cannot be had; the message is one sentence, and the exit code is 1 (I/O or usage). */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    /**
     * The loaded collateral, or why the single JSON file did not parse (a verification failure, as before separate
     * files and fetching existed: exit 2 with MALFORMED_COLLATERAL).
     *
     * @param collateral the collateral, unless {@code malformed} is set
     * @param malformed  the JSON file's parse failure
     * @param notes      one sentence per file passed over in a directory, or where the collateral came from
     */
    record Loaded(Optional<Collateral> collateral, Optional<CollateralException> malformed, List<String> notes) {
    }

    /** Whether collateral is fetched (no {@code --collateral}). */
    boolean fetches() {
        return collateral == null || collateral.isEmpty();
    }

    /**
     * Checks the options that need no I/O; returns an error sentence or null.
     *
     * @param noCacheAlsoVerifies whether the command's verifier honours --no-cache too (tdx4j verify), so that it
     *                            means something with --collateral
     */
    String check(boolean noCacheAlsoVerifies) {
        if (!fetches() && (pccs != null || cache != null || (noCache && !noCacheAlsoVerifies))) {
            return noCacheAlsoVerifies ? "--pccs and --cache apply only when collateral is fetched, not with --collateral"
                    : "--pccs, --cache and --no-cache apply only when collateral is fetched, not with --collateral";
        }
        if (cache != null && noCache) {
            return "--cache and --no-cache exclude each other";
        }
        if (pccs != null) {
            try {
                base(pccs);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    /**
     * Loads the collateral for {@code quote}.
     *
     * @throws Unavailable          if the files do not make collateral, or fetching fails
     * @throws IllegalArgumentException if collateral is fetched and the quote names no platform to fetch it for
     * @throws CliFiles.FileFailure if a file cannot be read
     */
    Loaded load(byte[] quote) throws Unavailable, CliFiles.FileFailure {
        if (fetches()) {
            PcsClient client = client();
            try {
                return new Loaded(Optional.of(client.fetchFor(quote)), Optional.empty(),
                        List.of("fetched from " + (pccs == null ? "Intel PCS " + PcsClient.INTEL_PCS : pccs)));
            } catch (CollateralException e) {
                throw new Unavailable("cannot fetch collateral: " + e.getMessage()
                        + (e.reason() == CollateralException.Reason.CACHE_IO ? " (use --no-cache or --cache DIR)" : ""));
            }
        }
        if (collateral.size() == 1 && !Files.isDirectory(collateral.getFirst())) {
            byte[] json = CliFiles.read(collateral.getFirst());
            try {
                // Random bytes or a nesting bomb get one sentence naming the file, not the JSON parser's message.
                JsonInput.object(json, collateral.getFirst(), "QuoteCollateralV3 collateral");
                return new Loaded(Optional.of(QuoteCollateralV3.parse(json)), Optional.empty(), List.of());
            } catch (CliFiles.FileFailure e) {
                return new Loaded(Optional.empty(), Optional.of(new CollateralException(
                        CollateralException.Reason.MALFORMED, e.getMessage())), List.of());
            } catch (CollateralException e) {
                return new Loaded(Optional.empty(), Optional.of(new CollateralException(e.reason(),
                        CliPaths.show(collateral.getFirst()) + ": " + e.getMessage(), e)), List.of());
            }
        }
        List<CollateralFiles.NamedFile> files = new ArrayList<>();
        CollateralFiles.Unrecognized unrecognized = CollateralFiles.Unrecognized.REJECT;
        for (Path p : collateral) {
            if (Files.isDirectory(p)) {
                unrecognized = CollateralFiles.Unrecognized.SKIP;
                for (Path f : list(p)) {
                    files.add(new CollateralFiles.NamedFile(f.toString(), CliFiles.read(f)));
                }
            } else {
                files.add(new CollateralFiles.NamedFile(p.toString(), CliFiles.read(p)));
            }
        }
        try {
            CollateralFiles.Assembled a = CollateralFiles.assemble(files, unrecognized);
            return new Loaded(Optional.of(a.collateral()), Optional.empty(), a.passedOver());
        } catch (CollateralException e) {
            throw new Unavailable(e.getMessage());
        }
    }

    /** The regular files of {@code dir}, sorted by name, at most {@link #MAX_FILES}. */
    private static List<Path> list(Path dir) throws Unavailable {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, Files::isRegularFile)) {
            for (Path p : s) {
                if (out.size() == MAX_FILES) {
                    throw new Unavailable(dir + " holds more than " + MAX_FILES
                            + " files, more than any collateral directory; name the files instead");
                }
                out.add(p);
            }
        } catch (IOException e) {
            throw new Unavailable("cannot list " + dir + " (" + CliFiles.reason(e) + ")");
        }
        out.sort(null);
        return out;
    }

    private PcsClient client() {
        PcsClient.Builder b = PcsClient.builder();
        if (pccs != null) {
            URI base = base(pccs);
            // A PCCS serves the root CA CRL itself (as hex text); Intel's PCS leaves it at Intel's certificate site.
            b.baseUri(base).rootCaCrlUri(URI.create(base + "/sgx/certification/v4/rootcacrl"));
        }
        if (!noCache) {
            b.cacheDirectory(cache != null ? cache : defaultCache());
        }
        return b.build();
    }

    /**
     * The service's base URI: http or https with a host; a trailing {@code /}, {@code /sgx/certification/v4} or
     * {@code /tdx/certification/v4} is removed, so the PCCS URL of a QCNL configuration works as it is.
     */
    static URI base(String url) {
        return base("--pccs", url);
    }

    /** As {@link #base(String)}, naming {@code option} (--pccs, or serve's --pcs) in the message. */
    static URI base(String option, String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(option + " '" + url + "' is not a URL");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || u.getQuery() != null) {
            throw new IllegalArgumentException(option + " '" + url + "' is not an http(s) URL with a host and no "
                    + "query, such as https://pccs.example:8081");
        }
        String s = u.toString();
        for (String tail : List.of("/", "/sgx/certification/v4", "/tdx/certification/v4")) {
            if (s.endsWith(tail)) {
                s = s.substring(0, s.length() - tail.length());
            }
        }
        return URI.create(s);
    }

    private static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path root = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return root.resolve("tdx4j").resolve("pcs");
    }
}
