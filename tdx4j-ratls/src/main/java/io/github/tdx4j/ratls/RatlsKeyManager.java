package io.github.tdx4j.ratls;

import io.github.tdx4j.guest.attest.TdAttestation;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The TD side of RA-TLS: a JSSE key manager whose certificate carries a quote binding its key.
 *
 * <ul>
 *   <li>At {@link Builder#build()} it mints the first certificate (fresh key pair, quote through
 *       {@link TdAttestation}, self-signed, valid {@link Builder#validity} — one hour by default — from a small
 *       backdating for clock skew).</li>
 *   <li>When a handshake finds the certificate past two thirds of its life, a new one is minted on a background
 *       thread and the handshake goes on with the current one: a handshake waits for a quote only when no valid
 *       certificate exists (the first, or after the current one expired, for example after the machine slept).</li>
 *   <li>Challenge mode: when the client's ClientHello carries a nonce ({@link ChallengeNonce}, SNI or ALPN), the
 *       server mints a certificate for that handshake with the nonce in its {@code nonce} claim — a quote per
 *       handshake. Off with {@link Builder#answerChallenges(boolean)}.</li>
 * </ul>
 * Only ECDSA keys are offered (JSSE key type {@code "EC"}); RSA and other types get no alias.
 */
public final class RatlsKeyManager extends X509ExtendedKeyManager implements AutoCloseable {
    /** Certificates start this much before their minting time, for peers whose clocks are a little behind. */
    public static final Duration BACKDATE = Duration.ofMinutes(1);
    /** Challenge certificates minted back to back before the rate limit applies. */
    public static final int DEFAULT_CHALLENGE_BURST = 32;
    /**
     * One more challenge certificate per 50 ms once the burst is spent: 20 quotes a second, about half of one core
     * at the simulator's 27 ms a quote, so challenges cannot starve the handshakes that need no quote.
     */
    public static final Duration DEFAULT_CHALLENGE_REFILL = Duration.ofMillis(50);
    private static final String EC = "EC";
    private static final int KEPT_CERTIFICATES = 64;
    private static final HexFormat HEX = HexFormat.of();

    private final CertificateIssuer issuer;
    private final Duration validity;
    private final InstantSource clock;
    private final boolean answerChallenges;
    private final ExecutorService renewer;
    private final Object issueLock = new Object();
    private final AtomicBoolean renewing = new AtomicBoolean();
    private final AtomicLong issuedCount = new AtomicLong();
    private final AtomicLong challengesRefused = new AtomicLong();
    private final TokenBucket challengeTokens;
    private volatile Current current;
    private volatile Optional<RuntimeException> lastRenewalFailure = Optional.empty();
    /** Certificates recently handed out, by alias, so that a handshake that chose one still finds it after a renewal. */
    private final Map<String, AttestedCertificate> recent = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, AttestedCertificate> e) {
                    return size() > KEPT_CERTIFICATES;
                }
            });
    /** Challenge certificates by nonce: JSSE may ask for the alias more than once in one handshake. */
    private final Map<String, String> challengeAliases = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> e) {
                    return size() > KEPT_CERTIFICATES;
                }
            });
    /** Nonces refused for want of a token, so that JSSE asking again in the same handshake is not counted twice. */
    private final Map<String, Boolean> refusedNonces = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
                    return size() > KEPT_CERTIFICATES;
                }
            });
    /** Nonces an ALPN selector found, per connection, until the key manager reads them. */
    private final Map<Object, byte[]> alpnNonces = Collections.synchronizedMap(new WeakHashMap<>());

    /** The certificate in use and when to renew it. */
    private record Current(AttestedCertificate cert, Instant renewAt) {
    }

    private RatlsKeyManager(Builder b) {
        this.issuer = new CertificateIssuer(b.attestation, b.curve, b.subject, b.random, b.endorsements);
        this.validity = b.validity;
        this.clock = b.clock;
        this.answerChallenges = b.answerChallenges;
        this.challengeTokens = new TokenBucket(b.challengeBurst, b.challengeRefill, b.clock);
        this.renewer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("tdx4j-ratls-renewal").factory());
        this.current = mint();
    }

    public static Builder builder(TdAttestation attestation) {
        return new Builder(attestation);
    }

    /** The certificate currently served to handshakes without a challenge. */
    public AttestedCertificate currentCertificate() {
        return current.cert();
    }

    /**
     * Challenged handshakes refused because the challenge-minting rate limit ({@link Builder#challengeRateLimit})
     * had no token: each got a handshake_failure alert and cost no quote.
     */
    public long challengesRefused() {
        return challengesRefused.get();
    }

    /** How many certificates (and so quotes) this key manager has minted. */
    public long issuedCount() {
        return issuedCount.get();
    }

    /**
     * Certificates minted without the endorsements extension because the {@link Builder#endorsements} source failed
     * (0 when none is configured).
     */
    public long endorsementFailures() {
        return issuer.endorsementFailures();
    }

    /** The last background renewal failure, if the last attempt failed (the current certificate stays in use). */
    public Optional<RuntimeException> lastRenewalFailure() {
        return lastRenewalFailure;
    }

    /**
     * An ALPN selector for a server socket ({@link SSLSocket#setHandshakeApplicationProtocolSelector}) that takes
     * the client's {@code atls:v1:nonce:<hex>} offer for this handshake and selects the first other protocol the
     * client offered that is in {@code supported}, or no ALPN at all (an empty string, not an alert).
     */
    public BiFunction<SSLSocket, List<String>, String> alpnSelector(List<String> supported) {
        List<String> ours = List.copyOf(supported);
        return (socket, offered) -> select(socket, offered, ours);
    }

    /** {@link #alpnSelector} for an {@link SSLEngine}. */
    public BiFunction<SSLEngine, List<String>, String> alpnEngineSelector(List<String> supported) {
        List<String> ours = List.copyOf(supported);
        return (engine, offered) -> select(engine, offered, ours);
    }

    private String select(Object connection, List<String> offered, List<String> supported) {
        ChallengeNonce.fromAlpn(offered).ifPresent(n -> alpnNonces.put(connection, n));
        return offered.stream().filter(p -> !p.startsWith(ChallengeNonce.ALPN_PREFIX)).filter(supported::contains)
                .findFirst().orElse("");
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        SSLSession hs = socket instanceof SSLSocket s ? s.getHandshakeSession() : null;
        return serverAlias(keyType, socket, hs);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return serverAlias(keyType, engine, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return keyTypes != null && Arrays.asList(keyTypes).contains(EC) ? currentAlias() : null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseClientAlias(keyTypes, issuers, null);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return EC.equals(keyType) ? new String[] {current.cert().alias()} : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return getClientAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        AttestedCertificate c = find(alias);
        return c == null ? null : new X509Certificate[] {c.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        AttestedCertificate c = find(alias);
        return c == null ? null : c.privateKey();
    }

    private AttestedCertificate find(String alias) {
        if (alias == null) {
            return null;
        }
        AttestedCertificate c = current.cert();
        return c.alias().equals(alias) ? c : recent.get(alias);
    }

    private String serverAlias(String keyType, Object connection, SSLSession handshake) {
        if (!EC.equals(keyType)) {
            return null;
        }
        if (answerChallenges) {
            Optional<byte[]> nonce = Optional.ofNullable(connection == null ? null : alpnNonces.get(connection));
            if (nonce.isEmpty() && handshake instanceof ExtendedSSLSession e) {
                nonce = ChallengeNonce.fromSni(e.getRequestedServerNames());
            }
            if (nonce.isPresent()) {
                // No session ticket for a challenged handshake: a resumed session would skip the certificate, and
                // the JDK client would resume with the old session's server name, so with the old nonce (JDK 25
                // ServerNameExtension, CHServerNameProducer). A server sends no NewSessionTicket for a session
                // that is not rejoinable (JDK 25 NewSessionTicket.T13NewSessionTicketProducer).
                if (handshake != null) {
                    handshake.invalidate();
                }
                return challengeAlias(nonce.get(), handshake);
            }
        }
        return currentAlias();
    }

    /**
     * A certificate for this challenge, minted once per nonce (JSSE may ask several times per handshake), or none
     * when the minting rate limit has no token left: JSSE then finds no certificate and aborts the handshake with a
     * handshake_failure alert (RFC 8446 section 6.2) at once, so an excess client gets a prompt refusal rather than a
     * wait for a quote, and the server spends no quote on it.
     */
    private String challengeAlias(byte[] nonce, SSLSession handshake) {
        String key = HEX.formatHex(nonce);
        String alias = challengeAliases.get(key);
        if (alias != null && recent.containsKey(alias)) {
            return alias;
        }
        if (refusedNonces.containsKey(key)) {
            return null;
        }
        if (!challengeTokens.tryTake()) {
            refusedNonces.put(key, Boolean.TRUE);
            challengesRefused.incrementAndGet();
            return null;
        }
        Instant now = clock.instant();
        AttestedCertificate c = issuer.issue(now.minus(BACKDATE), now.plus(validity), Optional.of(nonce));
        issuedCount.incrementAndGet();
        recent.put(c.alias(), c);
        challengeAliases.put(key, c.alias());
        return c.alias();
    }

    /**
     * The alias of a valid certificate: the current one, renewing it in the background past two thirds of its life,
     * or synchronously if it has expired.
     */
    private String currentAlias() {
        Current c = current;
        Instant now = clock.instant();
        if (!now.isBefore(c.cert().notAfter())) {
            synchronized (issueLock) {
                c = current;
                if (!clock.instant().isBefore(c.cert().notAfter())) {
                    c = mint();
                    current = c;
                }
            }
        } else if (!now.isBefore(c.renewAt()) && renewing.compareAndSet(false, true)) {
            renewer.execute(this::renewInBackground);
        }
        return c.cert().alias();
    }

    private void renewInBackground() {
        try {
            synchronized (issueLock) {
                if (!clock.instant().isBefore(current.renewAt())) {
                    current = mint();
                }
            }
            lastRenewalFailure = Optional.empty();
        } catch (RuntimeException e) {
            // The current certificate stays in use until it expires; the next handshake past renewAt tries again.
            lastRenewalFailure = Optional.of(e);
        } finally {
            renewing.set(false);
        }
    }

    private Current mint() {
        Instant now = clock.instant();
        AttestedCertificate c = issuer.issue(now.minus(BACKDATE), now.plus(validity), Optional.empty());
        issuedCount.incrementAndGet();
        recent.put(c.alias(), c);
        return new Current(c, now.plus(validity.multipliedBy(2).dividedBy(3)));
    }

    /** Stops the renewal thread. Certificates already minted stay usable. */
    @Override
    public void close() {
        renewer.shutdownNow();
    }

    /**
     * Options. Defaults: P-256, one hour, the system clock, challenges answered, subject "tdx4j RA-TLS", no
     * endorsements.
     */
    public static final class Builder {
        private final TdAttestation attestation;
        private KeyCurve curve = KeyCurve.P256;
        private Duration validity = Duration.ofHours(1);
        private InstantSource clock = InstantSource.system();
        private boolean answerChallenges = true;
        private String subject = "tdx4j RA-TLS";
        private SecureRandom random = new SecureRandom();
        private Optional<CollateralSource> endorsements = Optional.empty();
        private int challengeBurst = DEFAULT_CHALLENGE_BURST;
        private Duration challengeRefill = DEFAULT_CHALLENGE_REFILL;

        private Builder(TdAttestation attestation) {
            this.attestation = Objects.requireNonNull(attestation, "attestation");
        }

        public Builder curve(KeyCurve curve) {
            this.curve = Objects.requireNonNull(curve, "curve");
            return this;
        }

        /** How long a certificate is valid: the replay window without challenges. 1 minute to 30 days. */
        public Builder validity(Duration validity) {
            if (validity.compareTo(Duration.ofMinutes(1)) < 0 || validity.compareTo(Duration.ofDays(30)) > 0) {
                throw new IllegalArgumentException("validity must be between 1 minute and 30 days: " + validity);
            }
            this.validity = validity;
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Whether to mint a certificate with the client's nonce when the ClientHello carries one (default true). */
        public Builder answerChallenges(boolean answer) {
            this.answerChallenges = answer;
            return this;
        }

        /**
         * Bounds the certificates minted for challenges, a quote each (about 27 ms of CPU on the simulator, more
         * with a real quoting service): a token bucket of {@code burst} tokens that gains one every {@code refill},
         * on this key manager's clock. A challenged handshake that finds no token is refused with a TLS
         * handshake_failure alert and counted in {@link RatlsKeyManager#challengesRefused()}; handshakes without a
         * challenge are never limited. Default: {@link RatlsKeyManager#DEFAULT_CHALLENGE_BURST} tokens, one per
         * {@link RatlsKeyManager#DEFAULT_CHALLENGE_REFILL}.
         *
         * @param burst  challenges answered back to back, at least 1
         * @param refill the time that earns one more, positive
         */
        public Builder challengeRateLimit(int burst, Duration refill) {
            if (burst < 1) {
                throw new IllegalArgumentException("the challenge burst must be at least 1: " + burst);
            }
            if (refill.isNegative() || refill.isZero()) {
                throw new IllegalArgumentException("the challenge refill interval must be positive: " + refill);
            }
            this.challengeBurst = burst;
            this.challengeRefill = refill;
            return this;
        }

        /** The certificate's subject and issuer common name. */
        public Builder subject(String commonName) {
            this.subject = Objects.requireNonNull(commonName, "commonName");
            return this;
        }

        /**
         * Puts the collateral of each certificate's quote in the certificate ({@link Endorsements}, extension
         * {@value RatlsOids#TCG_DICE_ENDORSEMENT_MANIFEST}), so that relying parties without PCS or PCCS access
         * can verify it ({@link RatlsTrustManager.Builder#peerEndorsements}). The source is asked once per
         * certificate, so give a caching one (a PCS client with a disk cache, or fixed collateral). If it fails,
         * the certificate is issued without the extension and {@link #endorsementFailures()} counts it.
         */
        public Builder endorsements(CollateralSource source) {
            this.endorsements = Optional.of(Objects.requireNonNull(source, "source"));
            return this;
        }

        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * The key manager, with its first certificate minted.
         *
         * @throws io.github.tdx4j.guest.attest.AttestationException if the TD cannot produce a quote
         */
        public RatlsKeyManager build() {
            return new RatlsKeyManager(this);
        }
    }
}
