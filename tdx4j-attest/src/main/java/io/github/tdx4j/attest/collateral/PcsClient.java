package io.github.tdx4j.attest.collateral;

import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.PckCertChain;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.SgxQuote;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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
 * JSON; CRL nextUpdate), and fetched again afterwards. A failed fetch is an error even when a stale copy is cached:
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

    private final HttpClient http;
    private final URI base;
    private final URI rootCaCrlUri;
    private final Duration timeout;
    private final Clock clock;
    private final Optional<DiskCache> cache;

    private PcsClient(Builder b) {
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.timeout).build();
        this.base = b.base;
        this.rootCaCrlUri = b.rootCaCrlUri;
        this.timeout = b.timeout;
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
    private enum Tee { TDX, SGX }

    private Collateral fetch(Tee tee, String fmspc, PckCa ca) {
        Objects.requireNonNull(ca, "ca");
        if (!fmspc.matches("[0-9a-fA-F]{12}")) {
            throw new IllegalArgumentException("FMSPC must be 12 hex digits: " + fmspc);
        }
        String fm = fmspc.toUpperCase(Locale.ROOT);
        String t = tee.name().toLowerCase(Locale.ROOT);
        String prefix = tee == Tee.TDX ? "" : "sgx-";
        Item tcb = get(prefix + "tcb-" + fm, base.resolve("/" + t + "/certification/v4/tcb?fmspc=" + fm),
                PcsResponses.TCB_INFO_ISSUER_CHAIN, Kind.TCB_INFO);
        Item qe = get(tee == Tee.TDX ? "qe-identity-td" : "qe-identity-sgx",
                base.resolve("/" + t + "/certification/v4/qe/identity"),
                PcsResponses.QE_IDENTITY_ISSUER_CHAIN, Kind.QE_IDENTITY);
        Item pckCrl = get("pckcrl-" + ca.query(),
                base.resolve("/sgx/certification/v4/pckcrl?ca=" + ca.query() + "&encoding=der"),
                PcsResponses.PCK_CRL_ISSUER_CHAIN, Kind.CRL);
        Item rootCrl = get("rootcacrl", rootCaCrlUri, null, Kind.CRL);
        PcsResponses.SignedJson tcbInfo = PcsResponses.tcbInfo(tcb.body);
        PcsResponses.SignedJson qeIdentity = PcsResponses.qeIdentity(qe.body);
        return new Collateral(pckCrl.chain, der(rootCrl.body), der(pckCrl.body), tcb.chain, tcbInfo.text(),
                tcbInfo.signature(), qe.chain, qeIdentity.text(), qeIdentity.signature());
    }

    enum Kind { TCB_INFO, QE_IDENTITY, CRL }

    /** A response body and its issuer chain (PEM, empty when the endpoint sends none). */
    record Item(byte[] body, String chain) {
    }

    private Item get(String key, URI uri, String chainHeader, Kind kind) {
        Instant now = clock.instant();
        if (cache.isPresent()) {
            Optional<Item> cached = cache.get().read(key);
            if (cached.isPresent() && isFresh(cached.get(), kind, uri, now)) {
                return cached.get();
            }
        }
        Item fetched = fetch(uri, chainHeader);
        nextUpdate(fetched.body, kind, uri); // parse before caching: never cache a malformed answer
        cache.ifPresent(c -> c.write(key, fetched));
        return fetched;
    }

    /** Whether a cached item is before its nextUpdate; an unreadable cached item is stale, and fetched again. */
    private static boolean isFresh(Item cached, Kind kind, URI uri, Instant now) {
        try {
            return now.isBefore(nextUpdate(cached.body, kind, uri));
        } catch (CollateralException e) {
            return false;
        }
    }

    /**
     * The largest response body read. Intel's PCS answers are kilobytes (a TCB info about 20 KB, the processor PCK
     * CRL under 1 MB); a server sending more is not a PCS, and its body is not read into memory further.
     */
    static final int MAX_RESPONSE_SIZE = 4 * 1024 * 1024;

    private Item fetch(URI uri, String chainHeader) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        byte[] body;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_RESPONSE_SIZE + 1);
            }
        } catch (HttpTimeoutException e) {
            throw new CollateralException(CollateralException.Reason.UNAVAILABLE,
                    "GET " + uri + " got no answer within " + timeout.toSeconds() + " s", e);
        } catch (ConnectException e) {
            throw new CollateralException(CollateralException.Reason.UNAVAILABLE,
                    "GET " + uri + " could not connect (" + (e.getMessage() == null || e.getMessage().isBlank()
                            ? "connection refused" : e.getMessage()) + ")", e);
        } catch (IOException e) {
            throw new CollateralException(CollateralException.Reason.UNAVAILABLE,
                    "GET " + uri + " failed before the whole response arrived (" + describe(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollateralException(CollateralException.Reason.UNAVAILABLE, "GET " + uri + " interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new CollateralException(CollateralException.Reason.UNAVAILABLE,
                    "GET " + uri + " answered HTTP " + response.statusCode() + statusMeaning(response)
                            + response.headers().firstValue("Request-ID").map(id -> " (Request-ID " + id + ")")
                                    .orElse(""));
        }
        if (body.length > MAX_RESPONSE_SIZE) {
            throw CollateralException.malformed("GET " + uri + ": the response body exceeds " + MAX_RESPONSE_SIZE
                    + " bytes, far more than any PCS item");
        }
        String chain = "";
        if (chainHeader != null) {
            chain = PcsResponses.issuerChain(response.headers().firstValue(chainHeader).orElseThrow(
                    () -> CollateralException.malformed("GET " + uri + ": the response has no " + chainHeader
                            + " header")));
            checkChain(chain, chainHeader, uri);
        }
        return new Item(body, chain);
    }

    /** What an error status of PCS or a PCCS means to the caller (Intel PCS API v4 and PCCS status codes). */
    private static String statusMeaning(HttpResponse<?> response) {
        int code = response.statusCode();
        if (code == 404) {
            return " Not Found: the service has no such item (for TCB info: no platform of this FMSPC)";
        }
        if (code == 429) {
            return " Too Many Requests: retry after " + response.headers().firstValue("Retry-After")
                    .map(s -> s.strip() + (s.strip().matches("\\d+") ? " seconds" : "")).orElse("a while")
                    + " (Retry-After)";
        }
        if (code >= 500 && code <= 599) {
            return ": the service failed; try again later";
        }
        return "";
    }

    /**
     * An issuer-chain header must hold at least one PEM certificate; which certificates, and whether they sign
     * the item, is the verifier's job. Checked here so that a wrong header is named as such, before caching.
     */
    private static void checkChain(String pem, String header, URI uri) {
        int count;
        try {
            count = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).size();
        } catch (CertificateException e) {
            count = 0;
        }
        if (count == 0 || !pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw CollateralException.malformed("GET " + uri + ": the " + header
                    + " header is not a URL-encoded PEM certificate chain");
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
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
