package io.github.tdx4j.cli;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.CollateralException;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.policy.TdPolicy;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.TrustedRoot;
import io.github.tdx4j.cli.AttestationBackends.Need;
import io.github.tdx4j.cli.AttestationBackends.Ready;
import io.github.tdx4j.ratls.AttestedPeer;
import io.github.tdx4j.ratls.ChallengeNonce;
import io.github.tdx4j.ratls.CollateralSource;
import io.github.tdx4j.ratls.Ratls;
import io.github.tdx4j.ratls.RatlsKeyManager;
import io.github.tdx4j.ratls.RatlsRefusal;
import io.github.tdx4j.ratls.RatlsTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tdx4j ratls}: attested TLS in two terminals. {@code serve} runs a TLS 1.3 server whose certificate carries
 * a quote of this TD (or of a simulated one); {@code connect} verifies such a server and prints its identity, or why
 * it was refused (exit 2).
 */
@Command(name = "ratls", mixinStandardHelpOptions = true,
        description = {"Attested TLS (RA-TLS): a TD proves itself inside a TLS 1.3 handshake.", "",
                "Examples (two terminals):",
                "  tdx4j ratls serve --simulated --port 8443",
                "  tdx4j ratls connect 127.0.0.1:8443 --simulated --nonce", ""},
        subcommands = {RatlsCommand.Serve.class, RatlsCommand.Connect.class})
final class RatlsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code tdx4j ratls} alone: a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.USAGE;
    }

    /** {@code tdx4j ratls serve}. */
    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Serve TLS 1.3 with an RA-TLS certificate (CCC interoperable format) made in this TD, "
                    + "or in a simulated TD with --simulated. Each connection gets the line 'hello from a TD'; a "
                    + "client's nonce (SNI or ALPN) gets a certificate made for that handshake.", ""})
    static final class Serve extends AttestationCommand {
        @Option(names = "--port", paramLabel = "N", defaultValue = "8443",
                description = "TCP port (default 8443; 0 picks a free one).")
        int port;

        @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
                description = "Address to listen on (default 127.0.0.1).")
        String bind;

        @Option(names = "--validity", paramLabel = "MINUTES", defaultValue = "60",
                description = "Certificate validity in minutes (default 60); renewed at two thirds of it.")
        long validityMinutes;

        @Option(names = "--connections", paramLabel = "N", defaultValue = "0",
                description = "Stop after N connections (default 0: serve until interrupted).")
        int connections;

        @Option(names = "--root-out", paramLabel = "FILE",
                description = "With --simulated: write the simulated platform's root CA (PEM) for 'connect --root'.")
        Path rootOut;

        @Option(names = "--collateral-out", paramLabel = "FILE",
                description = "With --simulated: write the simulated platform's collateral (QuoteCollateralV3 JSON).")
        Path collateralOut;

        @Override
        Need need() {
            return Need.QUOTE;
        }

        @Override
        String checkOptions() {
            if (port < 0 || port > 65535) {
                return "--port " + port + " is not a TCP port (0..65535)";
            }
            if (validityMinutes < 1 || validityMinutes > 30 * 24 * 60) {
                return "--validity " + validityMinutes + " is not between 1 minute and 30 days";
            }
            if (connections < 0) {
                return "--connections must be 0 or more";
            }
            if (!simulated && (rootOut != null || collateralOut != null)) {
                return "--root-out and --collateral-out need --simulated";
            }
            return null;
        }

        @Override
        int run(Ready backend, PrintWriter out) throws IOException {
            if (rootOut != null || collateralOut != null) {
                AttestationBackends.PlatformEvidence evidence = backend.platform().orElseThrow();
                CliFiles.Outputs outputs = new CliFiles.Outputs(); // both files or neither
                try {
                    stage(outputs, rootOut, evidence.rootCertificatePem());
                    stage(outputs, collateralOut, evidence.collateralJson());
                    outputs.commit();
                } catch (CliFiles.FileFailure e) {
                    throw new IOException(e.getMessage() + ".", e);
                } finally {
                    outputs.discard();
                }
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(bind);
            } catch (UnknownHostException e) {
                throw new IOException("--bind " + bind + " is not an address or a known host name.", e);
            }
            try (RatlsKeyManager km = RatlsKeyManager.builder(backend.attestation())
                    .validity(Duration.ofMinutes(validityMinutes)).build();
                 SSLServerSocket server = (SSLServerSocket) Ratls.serverContext(km).getServerSocketFactory()
                         .createServerSocket()) {
                try {
                    server.bind(new InetSocketAddress(address, port));
                } catch (IOException e) {
                    throw new IOException("cannot listen on " + bind + ":" + port + " (" + CliFiles.reason(e) + ")"
                            + (e instanceof BindException ? ": another program may use the port, or the address is "
                            + "not one of this machine's; choose another --port or --bind" : "") + ".", e);
                }
                out.printf("listening on %s:%d (%s TD), certificate valid until %s%n", bind, server.getLocalPort(),
                        backend.label(), km.currentCertificate().notAfter());
                out.flush();
                for (int served = 0; connections == 0 || served < connections; served++) {
                    try (SSLSocket s = (SSLSocket) server.accept()) {
                        s.setSoTimeout(30_000);
                        s.setHandshakeApplicationProtocolSelector(km.alpnSelector(List.of("http/1.1")));
                        try {
                            s.startHandshake();
                            X509Certificate mine = (X509Certificate) s.getSession().getLocalCertificates()[0];
                            OutputStream o = s.getOutputStream();
                            o.write(("hello from a TD (" + backend.label() + ")\n").getBytes(StandardCharsets.UTF_8));
                            o.flush();
                            out.printf("served %s with certificate %s%n", s.getRemoteSocketAddress(),
                                    mine.getSerialNumber().toString(16));
                        } catch (IOException e) {
                            out.printf("handshake with %s failed: %s%n", s.getRemoteSocketAddress(), e.getMessage());
                        }
                        out.flush();
                    }
                }
            }
            return Main.OK;
        }

        private static void stage(CliFiles.Outputs outputs, Path file, String text) throws CliFiles.FileFailure {
            if (file != null) {
                outputs.stage(file, text.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** {@code tdx4j ratls connect}. */
    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = {"Connect to an RA-TLS server, verify its certificate's quote (tdx4j verifier) and TD "
                    + "policy, and print the server's verified identity; exit 2 with the reason if refused.", ""})
    static final class Connect implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "HOST:PORT", description = "The server.")
        String target;

        @Option(names = "--simulated", description = "Trust the embedded simulated platform's root and collateral.")
        boolean simulated;

        @Option(names = "--root", paramLabel = "CERT",
                description = "Trust this root CA (PEM or DER) instead of Intel's production root.")
        Path root;

        @Option(names = "--collateral", paramLabel = "FILE",
                description = "QuoteCollateralV3 JSON for the server's platform (needed unless --simulated).")
        Path collateral;

        /**
         * The policy options of {@code tdx4j verify}, the same policy document ({@code --policy FILE}, read by
         * {@code TdPolicy.fromJson}) and the same flags. Given none, the policy is {@link TdPolicy#strict()}.
         */
        @CommandLine.Mixin
        PolicyOptions policyOptions = new PolicyOptions();

        @Option(names = "--nonce", description = "Challenge mode: send a fresh nonce and require it in the "
                + "server's certificate (a quote per handshake on the server).")
        boolean nonce;

        @Option(names = "--nonce-via", paramLabel = "sni|alpn", defaultValue = "sni",
                description = "Where the nonce travels in the ClientHello (default sni).")
        String nonceVia;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
                description = "Connect and read timeout (default 30).")
        int timeoutSeconds;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            PrintWriter out = spec.commandLine().getOut();
            String name = spec.qualifiedName();
            try {
                return connect(out);
            } catch (Usage u) {
                err.println(name + ": " + u.getMessage());
                return Main.USAGE;
            } catch (RatlsRefusal r) {
                err.println(name + ": " + r.getMessage());
                return Main.CHECK_FAILED;
            }
        }

        /** A usage or I/O problem: one sentence, exit 1. */
        private static final class Usage extends Exception {
            private static final long serialVersionUID = 1L;

            Usage(String message) {
                super(message);
            }
        }

        private int connect(PrintWriter out) throws Usage, RatlsRefusal {
            int colon = target.lastIndexOf(':');
            int port;
            try {
                port = colon > 0 ? Integer.parseInt(target.substring(colon + 1)) : -1;
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new Usage("'" + target + "' is not HOST:PORT with a port 1..65535");
            }
            String host = target.substring(0, colon);
            ChallengeNonce.Transport via = switch (nonceVia) {
                case "sni" -> ChallengeNonce.Transport.SNI;
                case "alpn" -> ChallengeNonce.Transport.ALPN;
                default -> throw new Usage("--nonce-via must be sni or alpn, not '" + nonceVia + "'");
            };
            if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
                throw new Usage("--timeout must be 1..3600 seconds, not " + timeoutSeconds);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1); // [::1]:8443, an IPv6 address in URL brackets
            }
            if (simulated && (root != null || collateral != null)) {
                throw new Usage("--simulated brings its own root and collateral; drop --root and --collateral");
            }
            if (!simulated && collateral == null) {
                throw new Usage("give --collateral FILE for the server's platform, or --simulated");
            }
            TrustedRoot trusted;
            Collateral coll;
            if (simulated) {
                AttestationBackends.Selection s = AttestationBackends.DEFAULT.simulated();
                AttestationBackends.PlatformEvidence e = switch (s) {
                    case Ready r -> r.platform().orElseThrow();
                    case AttestationBackends.Missing m -> throw new Usage(m.sentence());
                };
                trusted = TrustedRoot.of(e.rootCertificatePem().getBytes(StandardCharsets.US_ASCII));
                coll = QuoteCollateralV3.parse(e.collateralJson().getBytes(StandardCharsets.UTF_8));
            } else {
                try {
                    // One certificate, PEM or DER, as verify --root reads it: its sentences name the file.
                    trusted = root == null ? TrustedRoot.intelProduction() : RootFile.read(root);
                } catch (CliFiles.FileFailure e) {
                    throw new Usage("--root: " + e.getMessage());
                }
                try {
                    byte[] json = CliFiles.read(collateral);
                    // Not text, not JSON, not an object: one sentence of ours, not the JSON parser's.
                    JsonInput.object(json, collateral, "QuoteCollateralV3 collateral");
                    coll = QuoteCollateralV3.parse(json);
                } catch (CliFiles.FileFailure e) {
                    throw new Usage("--collateral: " + e.getMessage());
                } catch (CollateralException e) {
                    throw new Usage("--collateral " + CliPaths.show(collateral) + ": " + e.getMessage());
                }
            }
            TdPolicy tdPolicy;
            try {
                tdPolicy = policyOptions.policy().orElse(TdPolicy.strict());
            } catch (CliFiles.FileFailure | PolicyOptions.BadPolicy e) {
                throw new Usage(e.getMessage());
            }
            RatlsTrustManager tm = RatlsTrustManager.builder(QuoteVerifier.builder().trustedRoot(trusted).build(),
                    CollateralSource.fixed(coll)).policy(tdPolicy).requireNonce(nonce).build();
            SSLContext ctx = Ratls.clientContext(tm);
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
                s.connect(new InetSocketAddress(host, port), timeoutSeconds * 1000);
                s.setSoTimeout(timeoutSeconds * 1000);
                Optional<byte[]> sent = nonce ? Optional.of(Ratls.challenge(s, via, new SecureRandom()))
                        : Optional.empty();
                try {
                    s.startHandshake();
                } catch (SSLException e) {
                    for (Throwable c = e; c != null; c = c.getCause()) {
                        if (c instanceof RatlsRefusal r) {
                            throw r;
                        }
                    }
                    throw new Usage("the TLS handshake with " + target + " failed: " + handshakeFailure(e));
                }
                // The handshake accepted it; this reads the verdict back (from the trust manager's cache) to print it.
                X509Certificate[] chain = Arrays.stream(s.getSession().getPeerCertificates())
                        .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
                AttestedPeer peer = tm.verify(chain, sent);
                out.println("accepted " + target + " (TLS " + s.getSession().getProtocol() + ", "
                        + s.getSession().getCipherSuite() + ")");
                for (String line : peer.describe()) {
                    out.println("  " + line);
                }
                InputStream in = s.getInputStream();
                byte[] greeting = in.readNBytes(200);
                String text = new String(greeting, StandardCharsets.UTF_8).strip();
                if (!text.isEmpty()) {
                    out.println("server says: " + text);
                }
                sent.ifPresent(n -> out.println("  nonce sent: " + HexFormat.of().formatHex(n)));
                return Main.OK;
            } catch (SocketTimeoutException e) {
                throw new Usage("no answer from " + target + " within " + timeoutSeconds + " s");
            } catch (RatlsRefusal r) {
                throw r;
            } catch (UnknownHostException e) {
                throw new Usage("cannot connect to " + target + ": unknown host " + host);
            } catch (IOException e) {
                throw new Usage("cannot connect to " + target + ": " + CliFiles.reason(e));
            }
        }

        /**
         * Why a handshake failed, in words, for the failures a user meets: a peer that does not speak TLS (an HTTP
         * port), a peer that closed the connection or sent an alert (a rate-limited RA-TLS server refuses a challenge
         * with handshake_failure). Anything else keeps JSSE's own short reason.
         */
        static String handshakeFailure(SSLException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext connection")) {
                return "the server does not speak TLS on this port";
            }
            if (m.contains("Remote host terminated")) {
                return "the server closed the connection during the handshake";
            }
            if (m.startsWith("Received fatal alert: ")) {
                return "the server refused it with the TLS alert " + m.substring("Received fatal alert: ".length());
            }
            return m;
        }
    }
}
