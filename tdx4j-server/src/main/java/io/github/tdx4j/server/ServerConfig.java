package io.github.tdx4j.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything {@link TdxServer} is started with. Defaults are safe for a laptop and for tests: loopback only,
 * bounded sizes and concurrency.
 *
 * @param bind                   address to listen on (default 127.0.0.1)
 * @param port                   TCP port; 0 picks a free one
 * @param collateral             where collateral comes from
 * @param trustedRootPem         the root the verifier trusts, PEM; empty: Intel's production root (the simulated
 *                               root with {@link CollateralMode.Simulated})
 * @param signingKey             the EAR signing key (PEM P-256); empty: a new key per start
 * @param underscoredEarClaims   EAR claim names of draft-ietf-rats-ear-03 instead of Trustee's dotted names
 * @param maxBodyBytes           largest request body
 * @param maxHeaderBytes         largest request header block
 * @param maxConcurrentVerifications verifications running at once
 * @param queueWait              how long a verification waits for a slot before 503
 * @param upstreamTimeout        timeout of each upstream PCS/PCCS request (LAZY mode)
 * @param shutdownGrace          how long a stop waits for requests in flight
 * @param tls                    certificate chain and key (PEM files) to serve HTTPS instead of HTTP
 * @param clock                  verification time and token times
 * @param accessLog              where access log lines go (one JSON object per line)
 * @param dcapQvlJsCompat        answer {@code pckcrl?ca=processor} with the Platform CA's CRL when no Processor CA
 *                               CRL is held: npm {@code @phala/dcap-qvl} 0.3.9's {@code getCollateral} reads the PCK
 *                               certificate's issuer as an empty string and so always asks for {@code ca=processor};
 *                               its verifier does not check which CA issued the CRL. Off by default, because any
 *                               other client would get a CRL of the wrong CA.
 */
public record ServerConfig(String bind, int port, CollateralMode collateral, Optional<String> trustedRootPem,
                           Optional<Path> signingKey, boolean underscoredEarClaims, int maxBodyBytes,
                           int maxHeaderBytes, int maxConcurrentVerifications, Duration queueWait,
                           Duration upstreamTimeout, Duration shutdownGrace, Optional<Tls> tls, Clock clock,
                           Consumer<String> accessLog, boolean dcapQvlJsCompat) {
    /** Default body limit: 2 MiB, Intel PCCS's. */
    public static final int DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;
    /** Default header limit: 16 KiB. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        Objects.requireNonNull(collateral, "collateral");
        Objects.requireNonNull(trustedRootPem, "trustedRootPem");
        Objects.requireNonNull(signingKey, "signingKey");
        if (maxBodyBytes < 1024 || maxHeaderBytes < 1024 || maxConcurrentVerifications < 1) {
            throw new IllegalArgumentException("limits too small: body " + maxBodyBytes + ", headers "
                    + maxHeaderBytes + ", concurrent verifications " + maxConcurrentVerifications);
        }
        Objects.requireNonNull(queueWait, "queueWait");
        Objects.requireNonNull(upstreamTimeout, "upstreamTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(accessLog, "accessLog");
    }

    /** The defaults with {@code collateral}: loopback, a free port, no access log. */
    public static ServerConfig defaults(CollateralMode collateral) {
        return new ServerConfig("127.0.0.1", 0, collateral, Optional.empty(), Optional.empty(), false,
                DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_HEADER_BYTES,
                Math.max(2, 2 * Runtime.getRuntime().availableProcessors()), Duration.ofSeconds(2),
                Duration.ofSeconds(10), Duration.ofSeconds(5), Optional.empty(), Clock.systemUTC(), line -> { }, false);
    }

    /** Where collateral comes from. */
    public sealed interface CollateralMode {
        /** The simulated platform's collateral (seed as {@code tdx4j quote --simulated}), trusting its root. */
        record Simulated(long seed) implements CollateralMode {
        }

        /** Only the QuoteCollateralV3 files of a bundle (a file or a folder), never fetched (PCCS OFFLINE). */
        record Offline(Path bundle) implements CollateralMode {
        }

        /**
         * Fetched on a miss from Intel's PCS or an upstream PCCS (PCCS LAZY).
         *
         * @param baseUri       the PCS or PCCS base URI
         * @param upstreamPccs  whether it is a PCCS (the root CA CRL then comes from its {@code rootcacrl} route)
         * @param cacheDir      the disk cache of raw responses, if any
         */
        record Lazy(java.net.URI baseUri, boolean upstreamPccs, Optional<Path> cacheDir) implements CollateralMode {
        }
    }

    /** HTTPS material: a PEM certificate chain and its PEM private key. */
    public record Tls(Path certificateChain, Path privateKey) {
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(bind, newPort, collateral, trustedRootPem, signingKey, underscoredEarClaims,
                maxBodyBytes, maxHeaderBytes, maxConcurrentVerifications, queueWait, upstreamTimeout, shutdownGrace,
                tls, clock, accessLog, dcapQvlJsCompat);
    }

    public ServerConfig withAccessLog(Consumer<String> sink) {
        return new ServerConfig(bind, port, collateral, trustedRootPem, signingKey, underscoredEarClaims,
                maxBodyBytes, maxHeaderBytes, maxConcurrentVerifications, queueWait, upstreamTimeout, shutdownGrace,
                tls, clock, sink, dcapQvlJsCompat);
    }

    public ServerConfig withClock(Clock newClock) {
        return new ServerConfig(bind, port, collateral, trustedRootPem, signingKey, underscoredEarClaims,
                maxBodyBytes, maxHeaderBytes, maxConcurrentVerifications, queueWait, upstreamTimeout, shutdownGrace,
                tls, newClock, accessLog, dcapQvlJsCompat);
    }

    public ServerConfig withLimits(int newMaxBodyBytes, int newMaxHeaderBytes, int newMaxConcurrent,
                                   Duration newQueueWait) {
        return new ServerConfig(bind, port, collateral, trustedRootPem, signingKey, underscoredEarClaims,
                newMaxBodyBytes, newMaxHeaderBytes, newMaxConcurrent, newQueueWait, upstreamTimeout, shutdownGrace,
                tls, clock, accessLog, dcapQvlJsCompat);
    }

    public ServerConfig withEar(Optional<Path> newSigningKey, boolean underscored) {
        return new ServerConfig(bind, port, collateral, trustedRootPem, newSigningKey, underscored, maxBodyBytes,
                maxHeaderBytes, maxConcurrentVerifications, queueWait, upstreamTimeout, shutdownGrace, tls, clock,
                accessLog, dcapQvlJsCompat);
    }

    public ServerConfig withNetwork(String newBind, int newPort, Optional<Tls> newTls) {
        return new ServerConfig(newBind, newPort, collateral, trustedRootPem, signingKey, underscoredEarClaims,
                maxBodyBytes, maxHeaderBytes, maxConcurrentVerifications, queueWait, upstreamTimeout, shutdownGrace,
                newTls, clock, accessLog, dcapQvlJsCompat);
    }

    public ServerConfig withTrustedRoot(Optional<String> pem) {
        return new ServerConfig(bind, port, collateral, pem, signingKey, underscoredEarClaims, maxBodyBytes,
                maxHeaderBytes, maxConcurrentVerifications, queueWait, upstreamTimeout, shutdownGrace, tls, clock,
                accessLog, dcapQvlJsCompat);
    }

    public ServerConfig withDcapQvlJsCompat(boolean on) {
        return new ServerConfig(bind, port, collateral, trustedRootPem, signingKey, underscoredEarClaims,
                maxBodyBytes, maxHeaderBytes, maxConcurrentVerifications, queueWait, upstreamTimeout, shutdownGrace,
                tls, clock, accessLog, on);
    }

    public ServerConfig withUpstreamTimeout(Duration timeout) {
        return new ServerConfig(bind, port, collateral, trustedRootPem, signingKey, underscoredEarClaims,
                maxBodyBytes, maxHeaderBytes, maxConcurrentVerifications, queueWait, timeout, shutdownGrace, tls,
                clock, accessLog, dcapQvlJsCompat);
    }
}
