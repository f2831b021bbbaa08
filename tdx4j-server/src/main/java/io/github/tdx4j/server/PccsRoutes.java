package io.github.tdx4j.server;

import io.github.tdx4j.attest.collateral.PcsClient.CrlItem;
import io.github.tdx4j.attest.collateral.PcsClient.PckCa;
import io.github.tdx4j.attest.collateral.PcsClient.SignedItem;
import io.github.tdx4j.attest.collateral.PcsClient.Tee;
import io.github.tdx4j.attest.collateral.PcsResponses;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The PCCS-compatible face, read-only: the collateral routes of Intel's PCS API v4 as Intel's PCCS serves them, so
 * that PCCS clients (Intel's QCNL, dcap-qvl, go-tdx-guest) fetch from this server unchanged.
 *
 * <table>
 *   <caption>Routes (Intel PCS API v4; Intel PCCS {@code routes/index.js})</caption>
 *   <tr><th>route</th><th>body</th><th>issuer-chain header</th></tr>
 *   <tr><td>GET /sgx/certification/v4/pckcrl?ca=processor|platform[&amp;encoding=pem|der]</td><td>the PCK CRL, PEM
 *       ({@code application/x-pem-file}) or DER ({@code application/pkix-crl})</td><td>SGX-PCK-CRL-Issuer-Chain</td></tr>
 *   <tr><td>GET /{sgx|tdx}/certification/v4/tcb?fmspc=HEX12[&amp;update=standard|early]</td>
 *       <td>{@code {"tcbInfo":…,"signature":"hex"}}, the signed text verbatim</td><td>TCB-Info-Issuer-Chain</td></tr>
 *   <tr><td>GET /{sgx|tdx}/certification/v4/qe/identity[?update=…]</td>
 *       <td>{@code {"enclaveIdentity":…,"signature":"hex"}}</td><td>SGX-Enclave-Identity-Issuer-Chain</td></tr>
 *   <tr><td>GET /sgx/certification/v4/rootcacrl</td><td>the root CA CRL's DER as hex text, as Intel's PCCS serves
 *       it ({@code rootcacrlService.js}), {@code application/pkix-crl}</td><td>none</td></tr>
 * </table>
 * Every answer carries {@code Request-ID}: the request's, echoed, or a new one. Issuer chains are URL-encoded PEM
 * with {@code %20} for spaces, as Intel's PCS sends them. Status codes: 200; 400 for a bad parameter; 404 when no
 * collateral is held ("No cache data" in Intel's PCCS; a fixed set); 502 when LAZY mode's fetch of a missing item
 * fails; 410 for the v3 routes (past their end of life).
 */
final class PccsRoutes implements HttpService {
    static final HeaderName REQUEST_ID = HeaderNames.create("Request-ID");
    static final HeaderName PCK_CRL_ISSUER_CHAIN = HeaderNames.create("SGX-PCK-CRL-Issuer-Chain");
    static final HeaderName TCB_INFO_ISSUER_CHAIN = HeaderNames.create("TCB-Info-Issuer-Chain");
    static final HeaderName QE_IDENTITY_ISSUER_CHAIN = HeaderNames.create("SGX-Enclave-Identity-Issuer-Chain");
    /** The longest Request-ID echoed; a longer one is replaced by a new id. */
    static final int MAX_REQUEST_ID_CHARS = 128;

    private final CollateralSource source;
    private final ServerMetrics metrics;
    private final boolean dcapQvlJsCompat;

    /** @param dcapQvlJsCompat see {@link ServerConfig#dcapQvlJsCompat()} */
    PccsRoutes(CollateralSource source, ServerMetrics metrics, boolean dcapQvlJsCompat) {
        this.source = Objects.requireNonNull(source, "source");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.dcapQvlJsCompat = dcapQvlJsCompat;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/sgx/certification/v4/pckcrl", this::pckCrl)
                .get("/sgx/certification/v4/rootcacrl", this::rootCaCrl)
                .get("/{tee}/certification/v4/tcb", this::tcb)
                .get("/{tee}/certification/v4/qe/identity", this::qeIdentity)
                .any("/sgx/certification/v3/*", (req, res) -> {
                    requestId(req, res);
                    HttpErrors.send(res, 410, "GONE", "PCS API v3 has reached its planned end of life; use v4");
                });
    }

    private void pckCrl(ServerRequest req, ServerResponse res) {
        requestId(req, res);
        String ca = req.query().first("ca").asOptional().orElseThrow(() -> bad("parameter ca is required: processor or platform"));
        PckCa pckCa = switch (ca.toLowerCase(Locale.ROOT)) {
            case "processor" -> PckCa.PROCESSOR;
            case "platform" -> PckCa.PLATFORM;
            default -> throw bad("parameter ca must be processor or platform");
        };
        String encoding = req.query().first("encoding").asOptional().orElse("pem").toLowerCase(Locale.ROOT);
        if (!encoding.equals("pem") && !encoding.equals("der")) {
            throw bad("parameter encoding must be pem or der");
        }
        Optional<CrlItem> crl = counted(source.pckCrl(pckCa));
        if (crl.isEmpty() && dcapQvlJsCompat && pckCa == PckCa.PROCESSOR) {
            crl = counted(source.pckCrl(PckCa.PLATFORM));
        }
        CrlItem c = held(crl, "PCK CRL of the " + ca + " CA");
        res.header(PCK_CRL_ISSUER_CHAIN, urlEncode(c.issuerChain()));
        if (encoding.equals("der")) {
            res.header(HeaderNames.CONTENT_TYPE, "application/pkix-crl");
            res.send(c.der());
        } else {
            res.header(HeaderNames.CONTENT_TYPE, "application/x-pem-file");
            res.send(pem("X509 CRL", c.der()).getBytes(StandardCharsets.US_ASCII));
        }
    }

    private void rootCaCrl(ServerRequest req, ServerResponse res) {
        requestId(req, res);
        CrlItem c = held(counted(source.rootCaCrl()), "root CA CRL");
        res.header(HeaderNames.CONTENT_TYPE, "application/pkix-crl");
        res.send(HexFormat.of().formatHex(c.der()).getBytes(StandardCharsets.US_ASCII));
    }

    private void tcb(ServerRequest req, ServerResponse res) {
        requestId(req, res);
        Tee tee = tee(req);
        checkUpdate(req);
        String fmspc = req.query().first("fmspc").asOptional().orElseThrow(() -> bad("parameter fmspc is required: 12 hex digits"));
        if (!fmspc.matches("[0-9a-fA-F]{12}")) {
            throw bad("parameter fmspc must be 12 hex digits");
        }
        fmspc = fmspc.toUpperCase(Locale.ROOT);
        SignedItem c = held(counted(source.tcbInfo(tee, fmspc)), tee + " TCB info for FMSPC " + fmspc);
        res.header(TCB_INFO_ISSUER_CHAIN, urlEncode(c.issuerChain()));
        signedJson(res, "tcbInfo", c.json());
    }

    /** The item of a look-up, counted in the cache metrics. */
    private <T> Optional<T> counted(CollateralSource.Found<T> f) {
        metrics.collateral(f.outcome().name().toLowerCase(Locale.ROOT));
        return f.item();
    }

    private void qeIdentity(ServerRequest req, ServerResponse res) {
        requestId(req, res);
        Tee tee = tee(req);
        checkUpdate(req);
        SignedItem c = held(counted(source.qeIdentity(tee)), tee + " QE identity");
        res.header(QE_IDENTITY_ISSUER_CHAIN, urlEncode(c.issuerChain()));
        signedJson(res, "enclaveIdentity", c.json());
    }

    /**
     * The PCS body of a signed JSON item: the signed text verbatim, then the signature as hex, with no spaces
     * (clients such as dcap-qvl re-serialize the inner object before checking the signature, so it must be compact).
     */
    private static void signedJson(ServerResponse res, String member, PcsResponses.SignedJson json) {
        String body = "{\"" + member + "\":" + json.text() + ",\"signature\":\""
                + HexFormat.of().formatHex(json.signature()) + "\"}";
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }

    private static Tee tee(ServerRequest req) {
        return switch (req.path().pathParameters().get("tee")) {
            case "tdx" -> Tee.TDX;
            case "sgx" -> Tee.SGX;
            default -> throw new ApiException(404, "NOT_FOUND", "no such route; the PCS routes start with /sgx or /tdx");
        };
    }

    /** Intel PCS v4: {@code update} is standard or early, and cannot be combined with tcbEvaluationDataNumber. */
    private static void checkUpdate(ServerRequest req) {
        Optional<String> update = req.query().first("update").asOptional();
        if (update.isPresent() && !update.get().equals("standard") && !update.get().equals("early")) {
            throw bad("parameter update must be standard or early");
        }
        if (update.isPresent() && req.query().contains("tcbEvaluationDataNumber")) {
            throw bad("parameters update and tcbEvaluationDataNumber cannot be combined");
        }
    }

    private static <T> T held(Optional<T> c, String what) {
        return c.orElseThrow(() -> new ApiException(404, "NO_CACHE_DATA", "no " + what + " is held by this server"));
    }

    /** Echoes the request's Request-ID, or sets a new one (32 hex digits, as Intel's PCS ids). */
    private static void requestId(ServerRequest req, ServerResponse res) {
        String id = req.headers().first(REQUEST_ID)
                .filter(v -> !v.isEmpty() && v.length() <= MAX_REQUEST_ID_CHARS && v.matches("[\\x21-\\x7e]+"))
                .orElseGet(() -> UUID.randomUUID().toString().replace("-", ""));
        res.header(REQUEST_ID, id);
    }

    /** URL encoding as JavaScript's encodeURIComponent and Intel's PCS: a space is {@code %20}, never '+'. */
    static String urlEncode(String pem) {
        return URLEncoder.encode(pem, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static ApiException bad(String detail) {
        return ApiException.badRequest("BAD_PARAMETER", detail);
    }
}
