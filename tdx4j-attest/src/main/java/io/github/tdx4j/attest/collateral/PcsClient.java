package io.github.tdx4j.attest.collateral;

import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.PckCertChain;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.SgxQuote;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Fetches TDX collateral from Intel's Provisioning Certification Service (PCS) or a caching service with the same
 * API (PCCS), on the JDK {@link HttpClient}, with an optional on-disk cache.
 *
 * <p>Endpoints (Intel PCS API v4): {@code GET {base}/tdx/certification/v4/tcb?fmspc=…},
 * {@code GET {base}/tdx/certification/v4/qe/identity} (for SGX quotes the same under {@code /sgx/}), {@code GET {base}/sgx/certification/v4/pckcrl?ca=…&encoding=der}
 * and the root CA CRL at {@link Builder#rootCaCrlUri(URI)}. Issuer chains come in response headers
 * ({@link PcsResponses}).
 *
 * <p>Freshness: a cached item is used while the clock is before its own {@code nextUpdate} (TCB info and QE identity
 * JSON; CRL nextUpdate), and fetched again afterwards ({@link Freshness#UPSTREAM} fetches even a fresh item, for a
 * refresh ahead of nextUpdate). The items can also be fetched one at a time ({@link #tcbInfo}, {@link #qeIdentity},
 * {@link #pckCrl}, {@link #rootCaCrl}), as a caching service does. A failed fetch is an error even when a stale copy is cached:
 * stale collateral would only be reported as expired by the verifier, so it is never served silently. Every request
 * has a timeout; nothing is retried.
 */
public final class PcsClient {
    /** Intel's production PCS. */
    public static final URI INTEL_PCS = URI.create("https://api.trustedservices.intel.com");
    /** Intel's root CA CRL (DER). */
    public static final URI INTEL_ROOT_CA_CRL = URI.create("https://certificates.trustedservices.intel.com/IntelSGXRootCA.der");

    /** Which PCK CA issued the platform's PCK certificate (the PCK CRL query parameter {@code ca}). */
    public enum PckCa {
        /** Intel SGX PCK Platform CA (multi-package platforms, all current TDX servers). */
        PLATFORM,
        /** Intel SGX PCK Processor CA. */
        PROCESSOR;

        String query() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The CA that issued {@code pck}, by the common name of its issuer. */
        static PckCa issuing(X509Certificate pck) {
            String issuer = pck.getIssuerX500Principal().getName();
            if (issuer.contains("CN=Intel SGX PCK Platform CA")) {
                return PLATFORM;
            }
            if (issuer.contains("CN=Intel SGX PCK Processor CA")) {
                return PROCESSOR;
            }
            throw new IllegalArgumentException("the PCK certificate's issuer (" + issuer + ") is neither Intel SGX PCK "
                    + "Platform CA nor Intel SGX PCK Processor CA");
        }
    }

    private final PcsGet http;
    private final URI base;
    private final URI rootCaCrlUri;
    private final Clock clock;
    private final Optional<DiskCache> cache;

    private PcsClient(Builder b) {
        this.http = new PcsGet(b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.timeout).build(),
                b.timeout);
        this.base = b.base;
        this.rootCaCrlUri = b.rootCaCrlUri;
        this.clock = b.clock;
        this.cache = Optional.ofNullable(b.cacheDir).map(DiskCache::new);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The collateral to verify TDX quotes of platform family {@code fmspc} whose PCK certificate was issued by
     * {@code ca}.
     *
     * @param fmspc 6 bytes as 12 hex digits (any case)
     * @throws CollateralException UNAVAILABLE if the service fails, MALFORMED if it answers nonsense, CACHE_IO if
     *                             the cache cannot be read or written
     */
    public Collateral fetchTdx(String fmspc, PckCa ca) {
        return fetch(Tee.TDX, fmspc, ca);
    }

    /**
     * The collateral to verify SGX quotes (v3) of platform family {@code fmspc}: the same items from the SGX routes
     * ({@code /sgx/certification/v4/tcb} and {@code /sgx/certification/v4/qe/identity}).
     *
     * @param fmspc 6 bytes as 12 hex digits (any case)
     * @throws CollateralException as {@link #fetchTdx(String, PckCa)}
     */
    public Collateral fetchSgx(String fmspc, PckCa ca) {
        return fetch(Tee.SGX, fmspc, ca);
    }

    /**
     * The collateral to verify {@code quote}: TDX or SGX routes by the quote's version (3 is SGX), the FMSPC from
     * its PCK certificate's SGX extension and the PCK CA from the certificate's issuer ("Intel SGX PCK Platform
     * CA" or "Intel SGX PCK Processor CA"). Nothing in the quote is verified here; {@code QuoteVerifier} does that.
     *
     * @throws IllegalArgumentException if the quote does not decode, carries no PCK certificate chain
     *                                  (certification data type 5) or its PCK certificate names no known PCK CA
     * @throws CollateralException      as {@link #fetchTdx(String, PckCa)}
     */
    public Collateral fetchFor(byte[] quote) {
        Objects.requireNonNull(quote, "quote");
        boolean sgx = quote.length >= 2 && ((quote[0] & 0xFF) | (quote[1] & 0xFF) << 8) == SgxQuote.VERSION_3;
        Optional<PckCertChain> chain;
        try {
            chain = sgx ? SgxQuote.decode(quote).qeReportCertificationData().pckCertChain()
                    : Quote.decode(quote).pckCertChain();
        } catch (MalformedEvidenceException e) {
            throw new IllegalArgumentException("the quote does not decode: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the quote carries no PCK certificate chain (certification data type 5),"
                    + " so its FMSPC and PCK CA are unknown");
        }
        String fmspc;
        PckCa ca;
        try {
            fmspc = HexFormat.of().formatHex(chain.get().pckExtensions().fmspc());
            ca = PckCa.issuing(chain.get().pckCertificate());
        } catch (MalformedEvidenceException e) {
            throw new IllegalArgumentException("the quote's PCK certificate cannot be read: " + e.getMessage(), e);
        }
        return fetch(sgx ? Tee.SGX : Tee.TDX, fmspc, ca);
    }

    /** Which family of PCS routes: {@code /tdx/certification/v4/…} or {@code /sgx/certification/v4/…}. */
    public enum Tee {
        /** The {@code /tdx/certification/v4/} routes: TD quotes (v4, v5). */
        TDX,
        /** The {@code /sgx/certification/v4/} routes: SGX enclave quotes (v3). */
        SGX;

        String path() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where an item may come from. */
    public enum Freshness {
        /** The disk cache's copy while the clock is before its {@code nextUpdate}, else the service's. */
        CACHED_IF_FRESH,
        /** Always the service's answer (which then replaces the cached copy): a refresh ahead of nextUpdate. */
        UPSTREAM
    }

    /**
     * A signed JSON item (TCB info or QE identity) as the service sent it.
     *
     * @param json        the exact signed text and its signature
     * @param issuerChain PEM, from the issuer-chain response header
     * @param nextUpdate  the item's own {@code nextUpdate}: it is not to be used from then on
     */
    public record SignedItem(PcsResponses.SignedJson json, String issuerChain, Instant nextUpdate) {
        public SignedItem {
            Objects.requireNonNull(json, "json");
            Objects.requireNonNull(issuerChain, "issuerChain");
            Objects.requireNonNull(nextUpdate, "nextUpdate");
        }
    }

    /**
     * A CRL as the service sent it.
     *
     * @param der         the CRL, DER
     * @param issuerChain PEM, from the issuer-chain response header; empty for the root CA CRL (served without one)
     * @param nextUpdate  the CRL's nextUpdate
     */
    public record CrlItem(byte[] der, String issuerChain, Instant nextUpdate) {
        public CrlItem {
            der = der.clone();
            Objects.requireNonNull(issuerChain, "issuerChain");
            Objects.requireNonNull(nextUpdate, "nextUpdate");
        }

        @Override
        public byte[] der() {
            return der.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CrlItem c && Arrays.equals(der, c.der) && issuerChain.equals(c.issuerChain)
                    && nextUpdate.equals(c.nextUpdate);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(der), issuerChain, nextUpdate);
        }

        @Override
        public String toString() {
            return "CrlItem[" + der.length + " bytes DER, nextUpdate " + nextUpdate + "]";
        }
    }

    /**
     * The TCB info of platform family {@code fmspc} ({@code GET /{tdx|sgx}/certification/v4/tcb?fmspc=…}).
     *
     * @param fmspc 6 bytes as 12 hex digits (any case)
     * @throws CollateralException as {@link #fetchTdx(String, PckCa)}
     */
    public SignedItem tcbInfo(Tee tee, String fmspc, Freshness freshness) {
        Objects.requireNonNull(tee, "tee");
        if (!fmspc.matches("[0-9a-fA-F]{12}")) {
            throw new IllegalArgumentException("FMSPC must be 12 hex digits: " + fmspc);
        }
        String fm = fmspc.toUpperCase(Locale.ROOT);
        Got tcb = get((tee == Tee.TDX ? "" : "sgx-") + "tcb-" + fm,
                base.resolve("/" + tee.path() + "/certification/v4/tcb?fmspc=" + fm),
                PcsResponses.TCB_INFO_ISSUER_CHAIN, Kind.TCB_INFO, freshness);
        return new SignedItem(PcsResponses.tcbInfo(tcb.item.body), tcb.item.chain, tcb.nextUpdate);
    }

    /**
     * The identity of the quoting enclave of {@code tee} ({@code GET /{tdx|sgx}/certification/v4/qe/identity}).
     *
     * @throws CollateralException as {@link #fetchTdx(String, PckCa)}
     */
    public SignedItem qeIdentity(Tee tee, Freshness freshness) {
        Objects.requireNonNull(tee, "tee");
        Got qe = get(tee == Tee.TDX ? "qe-identity-td" : "qe-identity-sgx",
                base.resolve("/" + tee.path() + "/certification/v4/qe/identity"),
                PcsResponses.QE_IDENTITY_ISSUER_CHAIN, Kind.QE_IDENTITY, freshness);
        return new SignedItem(PcsResponses.qeIdentity(qe.item.body), qe.item.chain, qe.nextUpdate);
    }

    /**
     * The CRL of the PCK certificates {@code ca} issued ({@code GET /sgx/certification/v4/pckcrl?ca=…&encoding=der}).
     *
     * @throws CollateralException as {@link #fetchTdx(String, PckCa)}
     */
    public CrlItem pckCrl(PckCa ca, Freshness freshness) {
        Objects.requireNonNull(ca, "ca");
        Got crl = get("pckcrl-" + ca.query(),
                base.resolve("/sgx/certification/v4/pckcrl?ca=" + ca.query() + "&encoding=der"),
                PcsResponses.PCK_CRL_ISSUER_CHAIN, Kind.CRL, freshness);
        return new CrlItem(der(crl.item.body), crl.item.chain, crl.nextUpdate);
    }

    /**
     * The root CA's CRL, from {@link Builder#rootCaCrlUri(URI)}.
     *
     * @throws CollateralException as {@link #fetchTdx(String, PckCa)}
     */
    public CrlItem rootCaCrl(Freshness freshness) {
        Got crl = get("rootcacrl", rootCaCrlUri, null, Kind.CRL, freshness);
        return new CrlItem(der(crl.item.body), "", crl.nextUpdate);
    }

    /** The collateral of one platform, put together from its four items. */
    public static Collateral collateral(CrlItem pckCrl, CrlItem rootCaCrl, SignedItem tcbInfo, SignedItem qeIdentity) {
        return new Collateral(pckCrl.issuerChain(), rootCaCrl.der, pckCrl.der, tcbInfo.issuerChain(),
                tcbInfo.json().text(), tcbInfo.json().signature(), qeIdentity.issuerChain(), qeIdentity.json().text(),
                qeIdentity.json().signature());
    }

    private Collateral fetch(Tee tee, String fmspc, PckCa ca) {
        Objects.requireNonNull(ca, "ca");
        SignedItem tcb = tcbInfo(tee, fmspc, Freshness.CACHED_IF_FRESH);
        SignedItem qe = qeIdentity(tee, Freshness.CACHED_IF_FRESH);
        CrlItem pckCrl = pckCrl(ca, Freshness.CACHED_IF_FRESH);
        CrlItem rootCrl = rootCaCrl(Freshness.CACHED_IF_FRESH);
        return collateral(pckCrl, rootCrl, tcb, qe);
    }

    enum Kind { TCB_INFO, QE_IDENTITY, CRL }

    /** A response body and its issuer chain (PEM, empty when the endpoint sends none). */
    record Item(byte[] body, String chain) {
    }

    /** An item and the nextUpdate read from it. */
    private record Got(Item item, Instant nextUpdate) {
    }

    private Got get(String key, URI uri, String chainHeader, Kind kind, Freshness freshness) {
        Instant now = clock.instant();
        if (cache.isPresent() && freshness == Freshness.CACHED_IF_FRESH) {
            Optional<Item> cached = cache.get().read(key);
            if (cached.isPresent()) {
                Optional<Instant> next = readableNextUpdate(cached.get(), kind, uri);
                if (next.isPresent() && now.isBefore(next.get())) {
                    return new Got(cached.get(), next.get());
                }
            }
        }
        Item fetched = http.fetch(uri, chainHeader);
        Instant next = nextUpdate(fetched.body, kind, uri); // parse before caching: never cache a malformed answer
        cache.ifPresent(c -> c.write(key, fetched));
        return new Got(fetched, next);
    }

    /** A cached item's nextUpdate; empty when the item is unreadable (it is then stale, and fetched again). */
    private static Optional<Instant> readableNextUpdate(Item cached, Kind kind, URI uri) {
        try {
            return Optional.of(nextUpdate(cached.body, kind, uri));
        } catch (CollateralException e) {
            return Optional.empty();
        }
    }

    private static Instant nextUpdate(byte[] body, Kind kind, URI uri) {
        return switch (kind) {
            case TCB_INFO -> TcbInfo.parse(PcsResponses.tcbInfo(body).text()).nextUpdate();
            case QE_IDENTITY -> QeIdentity.parse(PcsResponses.qeIdentity(body).text()).nextUpdate();
            case CRL -> {
                X509CRL crl = crl(der(body), uri);
                if (crl.getNextUpdate() == null) {
                    throw CollateralException.malformed("CRL from " + uri + " has no nextUpdate");
                }
                yield crl.getNextUpdate().toInstant();
            }
        };
    }

    /** A CRL body as DER: PCS sends DER when asked; some PCCS versions send the DER as hex text. */
    static byte[] der(byte[] body) {
        if (body.length > 0 && body[0] == 0x30) {
            return body;
        }
        String text = new String(body, StandardCharsets.US_ASCII).strip();
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw CollateralException.malformed("CRL body is neither DER nor hex", e);
        }
    }

    private static X509CRL crl(byte[] der, URI uri) {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        } catch (CertificateException | CRLException e) {
            throw CollateralException.malformed("CRL from " + uri + " is not a DER X.509 CRL", e);
        }
    }

    /** Options. Defaults: Intel's PCS, no cache, system clock, 10-second timeout. */
    public static final class Builder {
        private HttpClient http;
        private URI base = INTEL_PCS;
        private URI rootCaCrlUri = INTEL_ROOT_CA_CRL;
        private Duration timeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private Path cacheDir;

        private Builder() {
        }

        /** The PCS or PCCS base URI, e.g. {@code https://pccs.example:8081}. */
        public Builder baseUri(URI uri) {
            this.base = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** Where the root CA CRL is fetched (a PCCS serves it at {@code /sgx/certification/v4/rootcacrl}). */
        public Builder rootCaCrlUri(URI uri) {
            this.rootCaCrlUri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** Timeout of each request and of connecting. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** The clock that decides freshness of cached items. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Cache responses in this directory (created if absent). */
        public Builder cacheDirectory(Path dir) {
            this.cacheDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Use this HTTP client (proxy, TLS settings) instead of a default one. */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client, "client");
            return this;
        }

        public PcsClient build() {
            return new PcsClient(this);
        }
    }
}
