package io.github.tdx4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.attest.eventlog.RtmrReplay;
import io.github.tdx4j.attest.eventlog.TcgEventLog;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.Measurement;
import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.attest.verify.DecodedQuote;
import io.github.tdx4j.attest.verify.VerificationResult;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The Intel Trust Authority-compatible face (ITA REST API as its clients call it: trustauthority-client-for-java
 * {@code TrustAuthorityConnector}, go-connector {@code const.go}):
 * <ul>
 *   <li>{@code GET /appraisal/v1/nonce}, {@code /appraisal/v2/nonce}: {@code {val, iat, signature}}, base64 bytes; the
 *       signature is RSASSA-PSS/SHA-384 by the token key over val ‖ iat, checked when the nonce comes back;</li>
 *   <li>{@code POST /appraisal/v1/attest} ({@code quote}, {@code verifier_nonce}, {@code runtime_data},
 *       {@code event_log}, {@code policy_ids}, {@code token_signing_alg}) and {@code /appraisal/v2/attest}
 *       ({@code {"tdx": {quote, runtime_data, event_log, verifier_nonce}}, ...}): {@code {"token": JWT}} with ITA's claim
 *       names, top level in v1 and under {@code tdx} in v2, signed PS384 (default) or RS256 with {@code kid} and
 *       {@code jku};</li>
 *   <li>{@code GET /certs}: the JWKS with the key's {@code x5c} chain ({@link ItaPki}); {@code GET /crl/*.crl}.</li>
 * </ul>
 * Checks: the nonce's signature and age (at most {@link #NONCE_LIFETIME}); REPORTDATA[0..64) = SHA-512(val ‖ iat ‖
 * runtime_data) when a nonce is given, else SHA-512(runtime_data) when runtime data is given (go-tdx
 * {@code tdx_adapter.go GetEvidence}); the quote verifies; a supplied CCEL event log replays to the quote's RTMRs.
 * A failed check is 400 with a JSON error. {@code x-api-key} is accepted and not checked; {@code request-id} is
 * echoed.
 */
final class ItaRoutes implements HttpService {
    static final Duration NONCE_LIFETIME = Duration.ofMinutes(5);
    static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);
    static final String EAT_PROFILE = "https://portal.trustauthority.intel.com/eat_profile.html";
    static final HeaderName REQUEST_ID = HeaderNames.create("request-id");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final VerificationService service;
    private final RequestBodies bodies;
    private final Clock clock;
    private final Supplier<String> baseUri;
    private final SecureRandom random = new SecureRandom();
    private final String instanceId = UUID.randomUUID().toString();
    private volatile ItaPki pki;

    /** @param baseUri the server's address, known once it listens; the PKI is made on first use from it */
    ItaRoutes(VerificationService service, RequestBodies bodies, Clock clock, Supplier<String> baseUri) {
        this.service = Objects.requireNonNull(service, "service");
        this.bodies = Objects.requireNonNull(bodies, "bodies");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
    }

    private ItaPki pki() {
        ItaPki p = pki;
        if (p == null) {
            synchronized (this) {
                if (pki == null) {
                    pki = ItaPki.generate(baseUri.get(), clock.instant());
                }
                p = pki;
            }
        }
        return p;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/appraisal/v1/nonce", this::nonce)
                .get("/appraisal/v2/nonce", this::nonce)
                .post("/appraisal/v1/attest", (req, res) -> attest(req, res, false))
                .post("/appraisal/v2/attest", (req, res) -> attest(req, res, true))
                .get("/certs", this::certs)
                .get(ItaPki.ROOT_CRL_PATH, (req, res) -> crl(res, pki().rootCrl()))
                .get(ItaPki.SIGNING_CRL_PATH, (req, res) -> crl(res, pki().signingCrl()));
    }

    private void nonce(ServerRequest req, ServerResponse res) {
        echoRequestId(req, res);
        byte[] val = new byte[64];
        random.nextBytes(val);
        byte[] iat = clock.instant().toString().getBytes(StandardCharsets.US_ASCII);
        ObjectNode o = JSON.createObjectNode();
        o.put("val", java.util.Base64.getEncoder().encodeToString(val));
        o.put("iat", java.util.Base64.getEncoder().encodeToString(iat));
        o.put("signature", java.util.Base64.getEncoder().encodeToString(sign(concat(val, iat))));
        json(res, o);
    }

    private void attest(ServerRequest req, ServerResponse res, boolean v2) {
        echoRequestId(req, res);
        JsonNode root;
        try {
            root = JSON.readTree(bodies.read(req));
        } catch (IOException e) {
            throw ApiException.badRequest("BAD_JSON", "the request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("BAD_JSON", "the request body must be a JSON object");
        }
        JsonNode evidence = v2 ? root.path("tdx") : root;
        if (v2 && !evidence.isObject()) {
            throw ApiException.badRequest("BAD_JSON", "a v2 request carries its TDX evidence in the \"tdx\" object");
        }
        byte[] quote = base64(evidence, "quote", true);
        byte[] runtimeData = base64(evidence, "runtime_data", false);
        byte[] eventLog = base64(evidence, "event_log", false);
        JsonNode nonce = evidence.path("verifier_nonce");
        byte[] nonceBytes = new byte[0];
        if (!nonce.isMissingNode() && !nonce.isNull()) {
            byte[] val = base64(nonce, "val", true);
            byte[] iat = base64(nonce, "iat", true);
            byte[] signature = base64(nonce, "signature", true);
            checkNonce(val, iat, signature);
            nonceBytes = concat(val, iat);
        }
        String alg = root.path("token_signing_alg").asText("PS384");
        if (!alg.equals("PS384") && !alg.equals("RS256")) {
            throw ApiException.badRequest("BAD_PARAMETER", "token_signing_alg must be PS384 or RS256");
        }

        VerificationService.Outcome outcome = service.verify(quote, java.util.Optional.empty(),
                PolicyDocuments.defaults());
        if (!(outcome.result() instanceof VerificationResult.Verified verified)
                || !(verified.quote() instanceof DecodedQuote.Td td)) {
            String why = outcome.result() instanceof VerificationResult.Failed f ? f.code() + ": " + f.detail()
                    : "the quote is not a TD quote";
            throw ApiException.badRequest("QUOTE_NOT_VERIFIED", "the quote did not verify (" + why + ")");
        }
        TdQuoteBody body = td.quote().body();
        if (nonceBytes.length > 0 || runtimeData.length > 0) {
            byte[] expected = sha512(concat(nonceBytes, runtimeData));
            if (!MessageDigest.isEqual(expected, body.reportData())) {
                throw ApiException.badRequest("REPORTDATA_MISMATCH", "REPORTDATA is not SHA-512(nonce val ‖ iat ‖ "
                        + "runtime_data): the quote does not bind this nonce and runtime data");
            }
        }
        if (eventLog.length > 0) {
            checkEventLog(eventLog, body);
        }

        ObjectNode tdx = teeClaims(verified, body, runtimeData);
        ObjectNode claims = JSON.createObjectNode();
        if (v2) {
            claims.set("tdx", tdx);
        } else {
            claims.setAll(tdx);
        }
        if (!nonce.isMissingNode() && !nonce.isNull()) {
            claims.set("verifier_nonce", nonce);
        }
        claims.putArray("policy_ids_matched");
        ArrayNode unmatched = claims.putArray("policy_ids_unmatched");
        for (JsonNode id : root.path("policy_ids")) {
            unmatched.add(id.asText()); // tdx4j has no ITA policy store: named policies are reported unmatched
        }
        if (root.path("policy_must_match").asBoolean(false) && !unmatched.isEmpty()) {
            throw ApiException.badRequest("POLICY_NOT_MATCHED", "policy_must_match is set and this server holds "
                    + "none of the named policies");
        }
        Instant now = clock.instant();
        claims.put("eat_profile", EAT_PROFILE);
        claims.put("intuse", "generic");
        claims.put("ver", "1.0.0");
        claims.putArray("verifier_instance_ids").add(instanceId);
        claims.put("iss", "tdx4j");
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plus(TOKEN_LIFETIME).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        ObjectNode answer = JSON.createObjectNode();
        answer.put("token", token(claims, alg));
        json(res, answer);
    }

    private ObjectNode teeClaims(VerificationResult.Verified v, TdQuoteBody b, byte[] runtimeData) {
        HexFormat hex = HexFormat.of();
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("attester_type", "TDX");
        c.put("attester_tcb_status", v.status().jsonName());
        ArrayNode advisories = c.putArray("attester_advisory_ids");
        v.advisoryIds().forEach(advisories::add);
        if (runtimeData.length > 0) {
            try {
                JsonNode parsed = JSON.readTree(runtimeData);
                if (parsed != null && parsed.isObject()) {
                    c.set("attester_runtime_data", parsed);
                }
            } catch (IOException e) {
                // runtime data that is not JSON is bound by REPORTDATA but not repeated as claims
            }
        }
        boolean debug = b.tdAttributes().debug();
        c.put("dbgstat", debug ? "enabled" : "disabled");
        c.put("tdx_tee_tcb_svn", hex.formatHex(b.teeTcbSvn()));
        c.put("tdx_mrseam", b.mrSeam().hex());
        c.put("tdx_mrsignerseam", b.mrSignerSeam().hex());
        // Integer fields as the hex of their little-endian bytes, as Intel Trust Authority writes them
        // ("tdx_xfam": "e742060000000000"): LittleEndianHex.
        c.put("tdx_seam_attributes", LittleEndianHex.of(b.seamAttributes(), 8));
        c.put("tdx_td_attributes", LittleEndianHex.of(b.tdAttributes().raw(), 8));
        c.put("tdx_td_attributes_debug", debug);
        c.put("tdx_td_attributes_septve_disable", b.tdAttributes().septVeDisable());
        c.put("tdx_td_attributes_protection_keys", b.tdAttributes().has(TdAttributes.PKS_BIT));
        c.put("tdx_td_attributes_key_locker", b.tdAttributes().has(TdAttributes.KL_BIT));
        c.put("tdx_td_attributes_perfmon", b.tdAttributes().has(TdAttributes.PERFMON_BIT));
        c.put("tdx_xfam", LittleEndianHex.of(b.xfam(), 8));
        c.put("tdx_mrtd", b.mrTd().hex());
        c.put("tdx_mrconfigid", b.mrConfigId().hex());
        c.put("tdx_mrowner", b.mrOwner().hex());
        c.put("tdx_mrownerconfig", b.mrOwnerConfig().hex());
        for (int i = 0; i < 4; i++) {
            c.put("tdx_rtmr" + i, b.rtmr(i).hex());
        }
        c.put("tdx_report_data", hex.formatHex(b.reportData()));
        c.put("tdx_seamsvn", Byte.toUnsignedInt(b.teeTcbSvn()[1]) << 8 | Byte.toUnsignedInt(b.teeTcbSvn()[0]));
        c.put("tdx_is_debuggable", debug);
        return c;
    }

    private void checkEventLog(byte[] eventLog, TdQuoteBody body) {
        List<byte[]> replayed;
        try {
            replayed = RtmrReplay.replay(TcgEventLog.parse(eventLog));
        } catch (MalformedEvidenceException e) {
            throw ApiException.badRequest("BAD_EVENT_LOG", "event_log is not a CCEL event log: " + e.getMessage());
        }
        for (int i = 0; i < 4; i++) {
            if (!body.rtmr(i).equals(Measurement.of(replayed.get(i)))) {
                throw ApiException.badRequest("EVENT_LOG_MISMATCH", "the event log replays RTMR" + i + " to "
                        + HexFormat.of().formatHex(replayed.get(i)) + ", the quote has "
                        + body.rtmr(i).hex());
            }
        }
    }

    private void checkNonce(byte[] val, byte[] iat, byte[] signature) {
        boolean valid;
        try {
            Signature s = pss();
            s.initVerify(pki().signer().getPublic());
            s.update(concat(val, iat));
            valid = s.verify(signature);
        } catch (GeneralSecurityException e) {
            valid = false;
        }
        if (!valid) {
            throw ApiException.badRequest("BAD_NONCE", "verifier_nonce was not issued by this server");
        }
        Instant issued;
        try {
            issued = Instant.parse(new String(iat, StandardCharsets.US_ASCII));
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest("BAD_NONCE", "verifier_nonce iat is not a time");
        }
        if (clock.instant().isAfter(issued.plus(NONCE_LIFETIME))) {
            throw ApiException.badRequest("NONCE_EXPIRED", "verifier_nonce is older than "
                    + NONCE_LIFETIME.toMinutes() + " minutes");
        }
    }

    private String token(ObjectNode claims, String alg) {
        ItaPki p = pki();
        try {
            RSAKey key = rsaKey(p);
            JWSHeader header = new JWSHeader.Builder(new JWSAlgorithm(alg)).type(JOSEObjectType.JWT)
                    .keyID(key.getKeyID()).jwkURL(URI.create(baseUri.get() + "/certs")).build();
            SignedJWT jwt = new SignedJWT(header, JWTClaimsSet.parse(claims.toString()));
            jwt.sign(new RSASSASigner(p.signer().getPrivate()));
            return jwt.serialize();
        } catch (JOSEException | ParseException e) {
            throw new IllegalStateException("signing the token failed", e); // in-memory RSA signing cannot fail
        }
    }

    private static RSAKey rsaKey(ItaPki p) throws JOSEException {
        List<Base64> x5c = new ArrayList<>();
        try {
            for (X509Certificate c : p.chain()) {
                x5c.add(Base64.encode(c.getEncoded()));
            }
        } catch (CertificateEncodingException e) {
            throw new JOSEException("encoding the chain failed", e);
        }
        return new RSAKey.Builder((RSAPublicKey) p.signer().getPublic()).keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.PS384).x509CertChain(x5c).keyIDFromThumbprint().build();
    }

    private void certs(ServerRequest req, ServerResponse res) {
        try {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(new JWKSet(rsaKey(pki())).toString(true).getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void crl(ServerResponse res, java.security.cert.X509CRL crl) {
        try {
            res.header(HeaderNames.CONTENT_TYPE, "application/pkix-crl");
            res.send(crl.getEncoded());
        } catch (java.security.cert.CRLException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] sign(byte[] data) {
        try {
            Signature s = pss();
            s.initSign(pki().signer().getPrivate());
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing a nonce failed", e);
        }
    }

    private static Signature pss() throws GeneralSecurityException {
        Signature s = Signature.getInstance("RSASSA-PSS");
        s.setParameter(new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1));
        return s;
    }

    private static byte[] base64(JsonNode o, String field, boolean required) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiException.badRequest("BAD_PARAMETER", "field \"" + field + "\" is required (base64)");
            }
            return new byte[0];
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("BAD_PARAMETER", "field \"" + field + "\" must be a base64 string");
        }
        try {
            return java.util.Base64.getDecoder().decode(v.textValue());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("BAD_PARAMETER", "field \"" + field + "\" is not base64");
        }
    }

    private static byte[] sha512(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-512").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-512", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void echoRequestId(ServerRequest req, ServerResponse res) {
        req.headers().first(REQUEST_ID).filter(id -> id.matches("[a-zA-Z0-9_ /.-]{1,128}"))
                .ifPresent(id -> res.header(REQUEST_ID, id));
    }

    private static void json(ServerResponse res, ObjectNode o) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(o.toString().getBytes(StandardCharsets.UTF_8));
    }
}
