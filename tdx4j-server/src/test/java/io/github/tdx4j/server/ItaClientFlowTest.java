package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.github.tdx4j.sim.SimSettings;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Intel Trust Authority client flow, step by step as trustauthority-client-for-java 1.1.0 does it (that client
 * is not on Maven Central): GetNonce, REPORTDATA = SHA-512(nonce val ‖ iat ‖ runtime data), GetToken (attest), and
 * verifyToken (kid, PS384/RS256, JWKS from /certs with an x5c of at least 3 certificates classified by CN, each CA's
 * CRL from the first CRL distribution point, checked current, then the chain and the signature).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ItaClientFlowTest {
    static SimulatedQuotes quotes;
    static TdxServer server;

    @BeforeAll
    static void start() {
        quotes = SimulatedQuotes.defaultPlatform(4);
        server = TdxServer.start(ServerConfig.defaults(new ServerConfig.CollateralMode.Simulated(
                SimSettings.DEFAULT_SEED)));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    /** Step 1, GetNonce: GET {API_URL}/appraisal/vN/nonce with x-api-key and request-id. */
    static JsonNode getNonce(String version) {
        HttpResponse<byte[]> r = Http.send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/appraisal/"
                + version + "/nonce")).header("x-api-key", "any").header("request-id", "req-1")
                .header("Accept", "application/json").timeout(Duration.ofSeconds(30)).GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("request-id")).hasValue("req-1");
        return Http.json(r);
    }

    /** Step 2, the TD's evidence: REPORTDATA = SHA-512(val ‖ iat ‖ runtime data) (go-tdx GetEvidence). */
    static byte[] reportData(JsonNode nonce, byte[] runtimeData) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-512");
        sha.update(Base64.getDecoder().decode(nonce.get("val").textValue()));
        sha.update(Base64.getDecoder().decode(nonce.get("iat").textValue()));
        sha.update(runtimeData);
        return sha.digest();
    }

    /** Step 3, GetToken: POST {API_URL}/appraisal/vN/attest. */
    static HttpResponse<byte[]> attest(String version, ObjectNode body) {
        return Http.send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/appraisal/" + version + "/attest"))
                .header("x-api-key", "any").header("Content-Type", "application/json")
                .header("Accept", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    /** Step 4, verifyToken, as the Java and Go connectors check a token. */
    static SignedJWT verifyToken(String token) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getKeyID()).as("kid is required").isNotBlank();
        assertThat(jwt.getHeader().getAlgorithm().getName()).isIn("PS384", "RS256");
        JWKSet set = JWKSet.parse(new String(Http.get(server.baseUri() + "/certs").body(), StandardCharsets.UTF_8));
        RSAKey key = (RSAKey) set.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).isNotNull();
        List<X509Certificate> x5c = new ArrayList<>();
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (var b : key.getX509CertChain()) {
            x5c.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.decode())));
        }
        assertThat(x5c).as("x5c has at least 3 certificates").hasSizeGreaterThanOrEqualTo(3);
        X509Certificate root = null;
        X509Certificate intermediate = null;
        X509Certificate leaf = null;
        for (X509Certificate c : x5c) {
            String cn = c.getSubjectX500Principal().getName();
            if (cn.contains("Root CA") && c.getBasicConstraints() >= 0) {
                root = c;
            } else if (cn.contains("Signing CA")) {
                intermediate = c;
            } else {
                leaf = c;
            }
        }
        assertThat(root).isNotNull();
        assertThat(intermediate).isNotNull();
        assertThat(leaf).isNotNull();
        List<X509CRL> crls = new ArrayList<>();
        for (X509Certificate c : List.of(leaf, intermediate)) {
            String uri = firstCrlDistributionPoint(c);
            HttpResponse<byte[]> r = Http.get(uri);
            assertThat(r.statusCode()).as(uri).isEqualTo(200);
            X509CRL crl = (X509CRL) cf.generateCRL(new ByteArrayInputStream(r.body()));
            assertThat(crl.getNextUpdate()).as("Outdated CRL").isAfter(new Date());
            crls.add(crl);
        }
        crls.get(0).verify(intermediate.getPublicKey());
        crls.get(1).verify(root.getPublicKey());
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
        params.setRevocationEnabled(true);
        CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(List.of(leaf, intermediate)), params);
        assertThat(jwt.verify(new RSASSAVerifier(key))).as("token signature").isTrue();
        assertThat(key.toRSAPublicKey()).isEqualTo(leaf.getPublicKey());
        assertThat(jwt.getHeader().getJWKURL()).hasToString(server.baseUri() + "/certs");
        return jwt;
    }

    static String firstCrlDistributionPoint(X509Certificate c) {
        byte[] ext = c.getExtensionValue(Extension.cRLDistributionPoints.getId());
        assertThat(ext).as("a CRL distribution point").isNotNull();
        CRLDistPoint dp = CRLDistPoint.getInstance(ASN1OctetString.getInstance(ext).getOctets());
        DistributionPoint first = dp.getDistributionPoints()[0];
        GeneralName name = GeneralNames.getInstance(first.getDistributionPoint().getName()).getNames()[0];
        return name.getName().toString();
    }

    @Test
    @DisplayName("v1: nonce, evidence binding it, attest, verifyToken; ITA claim names at the top level")
    void v1Flow() throws Exception {
        JsonNode nonce = getNonce("v1");
        byte[] runtime = "{\"key\":\"value\"}".getBytes(StandardCharsets.UTF_8);
        byte[] rd = reportData(nonce, runtime);
        ObjectNode body = Http.JSON.createObjectNode();
        byte[] quote = quotes.quote(rd);
        body.put("quote", Base64.getEncoder().encodeToString(quote));
        body.set("verifier_nonce", nonce);
        body.put("runtime_data", Base64.getEncoder().encodeToString(runtime));
        HttpResponse<byte[]> r = attest("v1", body);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        SignedJWT jwt = verifyToken(Http.json(r).get("token").textValue());
        Map<String, Object> claims = jwt.getJWTClaimsSet().getClaims();
        assertThat(claims.get("tdx_report_data")).isEqualTo(HexFormat.of().formatHex(rd));
        assertThat(claims.get("attester_tcb_status")).isEqualTo("UpToDate");
        assertThat(claims.get("attester_type")).isEqualTo("TDX");
        assertThat(claims.get("attester_runtime_data")).isEqualTo(Map.of("key", "value"));
        assertThat(claims).containsKeys("tdx_mrtd", "tdx_rtmr0", "tdx_rtmr3", "tdx_mrseam", "tdx_td_attributes",
                "verifier_nonce", "eat_profile", "dbgstat", "ver");
        // ITA writes integer fields as the quote's little-endian bytes ("tdx_xfam": "e742060000000000").
        HexFormat hex = HexFormat.of();
        assertThat(claims.get("tdx_td_attributes")).isEqualTo(hex.formatHex(quote, VerifyFaceTest.TD_ATTRIBUTES_AT,
                VerifyFaceTest.TD_ATTRIBUTES_AT + 8)).isEqualTo("0000001000000000");
        assertThat(claims.get("tdx_xfam")).isEqualTo(hex.formatHex(quote, VerifyFaceTest.XFAM_AT,
                VerifyFaceTest.XFAM_AT + 8));
        assertThat(claims.get("tdx_seam_attributes")).isEqualTo(hex.formatHex(quote,
                VerifyFaceTest.SEAM_ATTRIBUTES_AT, VerifyFaceTest.SEAM_ATTRIBUTES_AT + 8));
        assertThat(claims).containsEntry("tdx_td_attributes_septve_disable", true)
                .containsEntry("tdx_td_attributes_debug", false).containsEntry("tdx_td_attributes_protection_keys", false)
                .containsEntry("tdx_td_attributes_key_locker", false).containsEntry("tdx_td_attributes_perfmon", false);
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("PS384");
    }

    @Test
    @DisplayName("v2: TDX evidence under \"tdx\", claims nested under \"tdx\", RS256 on request")
    void v2Flow() throws Exception {
        JsonNode nonce = getNonce("v2");
        byte[] rd = reportData(nonce, new byte[0]);
        ObjectNode body = Http.JSON.createObjectNode();
        ObjectNode tdx = body.putObject("tdx");
        tdx.put("quote", Base64.getEncoder().encodeToString(quotes.quote(rd)));
        tdx.set("verifier_nonce", nonce);
        body.put("token_signing_alg", "RS256");
        HttpResponse<byte[]> r = attest("v2", body);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        SignedJWT jwt = verifyToken(Http.json(r).get("token").textValue());
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) jwt.getJWTClaimsSet().getClaim("tdx");
        assertThat(nested.get("tdx_report_data")).isEqualTo(HexFormat.of().formatHex(rd));
        assertThat(jwt.getJWTClaimsSet().getClaim("tdx_mrtd")).as("v2 keeps TEE claims under tdx").isNull();
    }

    @Test
    @DisplayName("Refused: a quote not binding the nonce, a nonce not issued here, an event log that does not replay to the RTMRs")
    void refusals() throws Exception {
        JsonNode nonce = getNonce("v1");
        ObjectNode body = Http.JSON.createObjectNode();
        body.put("quote", Base64.getEncoder().encodeToString(quotes.quote(7)));
        body.set("verifier_nonce", nonce);
        HttpResponse<byte[]> unbound = attest("v1", body);
        assertThat(unbound.statusCode()).isEqualTo(400);
        assertThat(Http.json(unbound).get("error").textValue()).isEqualTo("REPORTDATA_MISMATCH");

        ObjectNode forged = nonce.deepCopy();
        byte[] sig = Base64.getDecoder().decode(forged.get("signature").textValue());
        sig[0] ^= 1;
        forged.put("signature", Base64.getEncoder().encodeToString(sig));
        body.set("verifier_nonce", forged);
        body.put("quote", Base64.getEncoder().encodeToString(quotes.quote(reportData(forged, new byte[0]))));
        assertThat(Http.json(attest("v1", body)).get("error").textValue()).isEqualTo("BAD_NONCE");

        ObjectNode withLog = Http.JSON.createObjectNode();
        withLog.put("quote", Base64.getEncoder().encodeToString(quotes.quote(8)));
        withLog.put("event_log", Base64.getEncoder().encodeToString(Vectors.bytes("go-tdx-guest/ccel/ccel_data.dat")));
        HttpResponse<byte[]> mismatch = attest("v1", withLog);
        assertThat(mismatch.statusCode()).isEqualTo(400);
        assertThat(Http.json(mismatch).get("error").textValue()).isEqualTo("EVENT_LOG_MISMATCH");
    }
}
