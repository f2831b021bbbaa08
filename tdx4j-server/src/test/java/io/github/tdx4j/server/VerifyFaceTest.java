package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.github.tdx4j.sim.SimSettings;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code POST /verify}, the EAR token and its JWKS, {@code /healthz}, {@code /metrics} and the access log. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VerifyFaceTest {
    static SimulatedQuotes quotes;
    static TdxServer server;
    static final List<String> LOG = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() {
        quotes = SimulatedQuotes.defaultPlatform(4);
        server = TdxServer.start(ServerConfig.defaults(new ServerConfig.CollateralMode.Simulated(
                SimSettings.DEFAULT_SEED)).withAccessLog(LOG::add));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    /**
     * Offsets in a v4 quote: the 48-byte header, then the TD quote body's TEE_TCB_SVN (16), MRSEAM (48), MRSIGNERSEAM
     * (48), SEAMATTRIBUTES (8), TDATTRIBUTES (8), XFAM (8) (Intel DCAP {@code sgx_quote_4.h}, {@code
     * sgx_report2_body_t}).
     */
    static final int TD_ATTRIBUTES_AT = 48 + 16 + 48 + 48 + 8;
    static final int XFAM_AT = TD_ATTRIBUTES_AT + 8;
    static final int SEAM_ATTRIBUTES_AT = TD_ATTRIBUTES_AT - 8;

    static HttpResponse<byte[]> verifyJson(ObjectNode body) {
        return Http.post(server.baseUri() + "/verify", "application/json",
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static SignedJWT verifiedToken(JsonNode result) throws Exception {
        SignedJWT jwt = SignedJWT.parse(result.get("token").textValue());
        JWKSet set = JWKSet.parse(new String(Http.get(server.baseUri() + "/.well-known/jwks.json").body(),
                StandardCharsets.UTF_8));
        ECKey key = (ECKey) set.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).as("the token's kid names a key of the JWKS").isNotNull();
        assertThat(jwt.verify(new ECDSAVerifier(key))).as("ES256 signature with the JWKS key").isTrue();
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        return jwt;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cpu0(SignedJWT jwt) throws Exception {
        return (Map<String, Object>) ((Map<String, Object>) jwt.getJWTClaimsSet().getClaim("submods")).get("cpu0");
    }

    @Test
    @DisplayName("A simulated quote posted as binary verifies UpToDate; the EAR says affirming and verifies with the JWKS")
    void binaryQuoteIsAffirming() throws Exception {
        HttpResponse<byte[]> r = Http.post(server.baseUri() + "/verify", "application/octet-stream", quotes.quote(1));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode result = Http.json(r);
        assertThat(result.get("status").textValue()).isEqualTo("UpToDate");
        assertThat(result.get("error").isNull()).isTrue();
        assertThat(result.at("/policy/accepted").booleanValue()).isTrue();
        assertThat(result.at("/ear/status").textValue()).isEqualTo("affirming");
        SignedJWT jwt = verifiedToken(result);
        assertThat(jwt.getJWTClaimsSet().getStringClaim("eat_profile")).isEqualTo("tag:ietf.org,2025-07:ear");
        Map<String, Object> cpu0 = cpu0(jwt);
        assertThat(cpu0.get("ear.status")).isEqualTo("affirming");
        assertThat(cpu0.get("ear.trustworthiness-vector")).isEqualTo(Map.of("configuration", 2L, "hardware", 2L));
        @SuppressWarnings("unchecked")
        Map<String, Object> tdx = (Map<String, Object>) ((Map<String, Object>) cpu0
                .get("ear.veraison.annotated-evidence")).get("tdx");
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) ((Map<String, Object>) tdx.get("quote")).get("body");
        assertThat(body.get("report_data")).isEqualTo("0000000000000001" + "00".repeat(56));
        // Integer fields as Trustee writes them: the quote's own bytes, little-endian. The simulated TD has
        // SEPT_VE_DISABLE set and a non-zero XFAM, so a value printed as a number would differ.
        byte[] quote = quotes.quote(1);
        HexFormat hex = HexFormat.of();
        assertThat(body.get("td_attributes")).isEqualTo(hex.formatHex(quote, TD_ATTRIBUTES_AT, TD_ATTRIBUTES_AT + 8))
                .isEqualTo("0000001000000000");
        assertThat(body.get("xfam")).isEqualTo(hex.formatHex(quote, XFAM_AT, XFAM_AT + 8));
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) ((Map<String, Object>) tdx.get("quote")).get("header");
        assertThat(header).containsEntry("version", "0400").containsEntry("tee_type", "81000000");
        assertThat(jwt.getHeader().getJWK()).as("Trustee puts the public key in the jwk header")
                .isEqualTo(JWKSet.parse(new String(Http.get(server.baseUri() + "/.well-known/jwks.json").body(),
                        StandardCharsets.UTF_8)).getKeys().getFirst());
    }

    @Test
    @DisplayName("?token=false answers the same verdict with \"token\": null (no signature made); a flag other than "
            + "true or false is a 400")
    void tokenOptional() {
        HttpResponse<byte[]> r = Http.post(server.baseUri() + "/verify?token=false", "application/octet-stream",
                quotes.quote(3));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode result = Http.json(r);
        assertThat(result.get("status").textValue()).isEqualTo("UpToDate");
        assertThat(result.at("/ear/status").textValue()).isEqualTo("affirming");
        assertThat(result.has("token")).isTrue();
        assertThat(result.get("token").isNull()).isTrue();
        HttpResponse<byte[]> bad = Http.post(server.baseUri() + "/verify?token=no", "application/octet-stream",
                quotes.quote(3));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Http.json(bad).get("detail").textValue()).isEqualTo("parameter token must be true or false");
    }

    @Test
    @DisplayName("Hex text, base64 JSON with a nonce: the nonce comes back as eat_nonce")
    void hexAndBase64WithNonce() throws Exception {
        byte[] q = quotes.quote(2);
        HttpResponse<byte[]> hex = Http.post(server.baseUri() + "/verify", "text/plain",
                ("0x" + HexFormat.of().formatHex(q) + "\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(Http.json(hex).get("status").textValue()).isEqualTo("UpToDate");

        ObjectNode body = Http.JSON.createObjectNode();
        body.put("quote", Base64.getEncoder().encodeToString(q));
        body.put("nonce", "n-0123456789");
        JsonNode result = Http.json(verifyJson(body));
        assertThat(result.get("status").textValue()).isEqualTo("UpToDate");
        assertThat(verifiedToken(result).getJWTClaimsSet().getStringClaim("eat_nonce")).isEqualTo("n-0123456789");
    }

    @Test
    @DisplayName("A policy whose MRTD differs: policy not satisfied, EAR warning with executables 33")
    void policyMismatchIsWarning() throws Exception {
        ObjectNode body = Http.JSON.createObjectNode();
        body.put("quote", HexFormat.of().formatHex(quotes.quote(3)));
        body.putObject("policy").put("mrTd", "ab".repeat(48));
        JsonNode result = Http.json(verifyJson(body));
        assertThat(result.get("status").textValue()).isEqualTo("UpToDate");
        assertThat(result.at("/policy/accepted").booleanValue()).isFalse();
        assertThat(result.at("/policy/violations/0/rule").textValue()).isEqualTo("MRTD_MISMATCH");
        assertThat(result.at("/ear/status").textValue()).isEqualTo("warning");
        assertThat(cpu0(verifiedToken(result)).get("ear.trustworthiness-vector"))
                .isEqualTo(Map.of("configuration", 2L, "executables", 33L, "hardware", 2L));
    }

    @Test
    @DisplayName("A quote with a flipped signature byte is INVALID_QUOTE_SIGNATURE and contraindicated")
    void tamperedQuoteIsContraindicated() throws Exception {
        byte[] q = quotes.quote(4);
        q[48 + 584 + 4 + 10] ^= 1; // a byte of the ECDSA quote signature (after header, v4 body, signature length)
        JsonNode result = Http.json(Http.post(server.baseUri() + "/verify", "application/octet-stream", q));
        assertThat(result.get("status").isNull()).isTrue();
        assertThat(result.get("error").textValue()).isEqualTo("INVALID_QUOTE_SIGNATURE");
        assertThat(result.at("/ear/status").textValue()).isEqualTo("contraindicated");
        assertThat(cpu0(verifiedToken(result)).get("ear.status")).isEqualTo("contraindicated");
    }

    @Test
    @DisplayName("A quote whose PCK certificate cannot be read gets the verifier's verdict, not 'no readable PCK "
            + "certificate chain': one byte is MALFORMED_QUOTE (the header), another QE vendor UNSUPPORTED_QUOTE")
    void unreadableQuoteGetsTheVerifiersVerdict() throws Exception {
        JsonNode oneByte = Http.json(Http.post(server.baseUri() + "/verify", "application/octet-stream",
                new byte[] {4}));
        assertThat(oneByte.get("error").textValue()).isEqualTo("MALFORMED_QUOTE");
        assertThat(oneByte.get("detail").textValue()).contains("needs 48 bytes, only 1 remain");
        assertThat(oneByte.at("/ear/status").textValue()).isEqualTo("contraindicated");
        byte[] q = quotes.quote(5);
        q[12] ^= 1; // the first byte of the header's QE vendor id (after version, key type, TEE type, reserved)
        JsonNode vendor = Http.json(Http.post(server.baseUri() + "/verify", "application/octet-stream", q));
        assertThat(vendor.get("error").textValue()).isEqualTo("UNSUPPORTED_QUOTE");
        assertThat(vendor.get("detail").textValue()).endsWith("is not Intel's");
    }

    @Test
    @DisplayName("fields=true returns every decoded field grouped as inspect groups them")
    void decodedFields() {
        JsonNode result = Http.json(Http.post(server.baseUri() + "/verify?fields=true", "application/octet-stream",
                quotes.quote(5)));
        assertThat(result.at("/fields/kind").textValue()).isEqualTo("TD quote");
        assertThat(result.at("/fields/header/version").intValue()).isEqualTo(4);
        assertThat(result.at("/fields/body/reportData").textValue()).startsWith("0000000000000005");
        assertThat(result.at("/fields/signatureData/pckCertChain/2").textValue())
                .contains("tdx4j Simulated SGX Root CA");
    }

    @Test
    @DisplayName("/healthz, /metrics (requests, verifications by status, cache, latency) and one JSON access-log line per request")
    void healthMetricsAndAccessLog() throws Exception {
        Http.post(server.baseUri() + "/verify", "application/octet-stream", quotes.quote(6));
        JsonNode health = Http.json(Http.get(server.baseUri() + "/healthz"));
        assertThat(health.get("status").textValue()).isEqualTo("ok");
        assertThat(health.get("collateral").textValue()).contains("simulated platform");

        HttpResponse<byte[]> m = Http.get(server.baseUri() + "/metrics");
        assertThat(m.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String metrics = new String(m.body(), StandardCharsets.UTF_8);
        assertThat(metrics).containsPattern("tdx4j_verifications_total\\{result=\"UpToDate\"} [1-9]")
                .containsPattern("tdx4j_collateral_cache_total\\{outcome=\"hit\"} [1-9]")
                .containsPattern("tdx4j_verification_seconds_bucket\\{le=\"\\+Inf\"} [1-9]")
                .containsPattern("tdx4j_http_requests_total\\{route=\"/verify\",status=\"200\"} [1-9]");

        String line = LOG.stream().filter(l -> l.contains("\"/healthz\"")).findFirst().orElseThrow();
        JsonNode entry = Http.JSON.readTree(line);
        assertThat(entry.get("method").textValue()).isEqualTo("GET");
        assertThat(entry.get("status").intValue()).isEqualTo(200);
        assertThat(entry.get("route").textValue()).isEqualTo("/healthz");
        assertThat(entry.has("micros")).isTrue();
    }

    @Test
    @DisplayName("Underscored EAR claims (draft -03) behind the flag: ear_status at the top and in the submodule")
    void underscoredClaims() throws Exception {
        try (TdxServer s = TdxServer.start(ServerConfig.defaults(new ServerConfig.CollateralMode.Simulated(
                SimSettings.DEFAULT_SEED)).withEar(java.util.Optional.empty(), true))) {
            JsonNode result = Http.json(Http.post(s.baseUri() + "/verify", "application/octet-stream",
                    quotes.quote(7)));
            SignedJWT jwt = SignedJWT.parse(result.get("token").textValue());
            JWKSet set = JWKSet.parse(new String(Http.get(s.baseUri() + "/.well-known/jwks.json").body(),
                    StandardCharsets.UTF_8));
            assertThat(jwt.verify(new ECDSAVerifier((ECKey) set.getKeys().getFirst()))).isTrue();
            assertThat(jwt.getJWTClaimsSet().getStringClaim("ear_status")).isEqualTo("affirming");
            assertThat(jwt.getJWTClaimsSet().getStringClaim("eat_profile")).isEqualTo("tag:ietf.org,2026:rats/ear#03");
            @SuppressWarnings("unchecked")
            Map<String, Object> cpu0 = (Map<String, Object>) ((Map<String, Object>) jwt.getJWTClaimsSet()
                    .getClaim("submods")).get("cpu0");
            assertThat(cpu0.get("ear_status")).isEqualTo("affirming");
            assertThat(cpu0.get("ear_appraisal_policy_ids")).isEqualTo(List.of("tdx4j:policy:default"));
        }
    }
}
