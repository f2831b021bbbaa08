package io.github.tdx4j.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.util.Base64URL;
import io.github.tdx4j.attest.verify.DecodedQuote;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Attestation-result tokens in EAR form (draft-ietf-rats-ear, "EAR JSON" / JWT serialization), signed ES256
 * (RFC 7518, "ECDSA using P-256 and SHA-256") with the server's key, whose public half is {@link #jwks()} and is also
 * in each token's JOSE {@code jwk} header as Trustee does.
 *
 * <p>Two spellings of the claim names: by default those of drafts -00 to -02, which Trustee's attestation service
 * emits ({@code ear.status}, {@code ear.trustworthiness-vector}, {@code ear.appraisal-policy-id},
 * {@code ear.verifier-id}, profile {@code tag:ietf.org,2025-07:ear}); with {@code underscored}, those of
 * draft -03 ({@code ear_status} also at the top level, {@code ear_trustworthiness_vector},
 * {@code ear_appraisal_policy_ids} as a list, {@code ear_verifier_id}, profile {@code tag:ietf.org,2026:rats/ear#03}).
 * The verified TD's claims sit in the submodule's annotated evidence with Trustee's TDX claim names
 * ({@code tdx.quote.body.mr_td}, ...).
 */
final class EarTokens {
    /** EAR profile of drafts -00 to -02. */
    static final String PROFILE_DOTTED = "tag:ietf.org,2025-07:ear";
    /** EAR profile of draft -03. */
    static final String PROFILE_UNDERSCORED = "tag:ietf.org,2026:rats/ear#03";
    /** The submodule name of the CPU TEE, as Trustee names it. */
    static final String SUBMOD = "cpu0";

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final ECKey key;
    private final Es256Signer signer;
    /**
     * The JOSE header, the same for every token. Parsed back from its own base64url form so that nimbus keeps that
     * encoding rather than serializing the header, with its JWK, again for each token.
     */
    private final JWSHeader header;
    private final boolean underscored;
    private final Duration lifetime;
    private final String build;

    EarTokens(KeyPair pair, boolean underscored, Duration lifetime, String build) {
        try {
            this.key = new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
                    .privateKey((ECPrivateKey) pair.getPrivate()).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint() // RFC 7638 thumbprint: the same key always has the same kid
                    .build();
            // Es256Signer says why the token is not signed by nimbus's ECDSASigner (the hashing of the signing input).
            this.signer = new Es256Signer((ECPrivateKey) pair.getPrivate(), new SecureRandom());
            this.header = JWSHeader.parse(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                    .keyID(key.getKeyID()).jwk(key.toPublicJWK()).build().toBase64URL());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the EAR signing key is not a P-256 key", e);
        } catch (ParseException e) {
            throw new IllegalStateException("nimbus cannot read back its own JOSE header", e);
        }
        this.underscored = underscored;
        this.lifetime = lifetime;
        this.build = build;
    }

    /** The public key set, as {@code GET /.well-known/jwks.json} serves it. */
    String jwks() {
        return new JWKSet(key.toPublicJWK()).toString(true);
    }

    ECKey publicKey() {
        return key.toPublicJWK();
    }

    /** A signed EAR for {@code outcome}. */
    String issue(VerificationService.Outcome outcome, Appraisal appraisal, String policyId, Optional<String> nonce) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        long iat = outcome.at().getEpochSecond();
        ObjectNode claims = f.objectNode();
        claims.put("eat_profile", underscored ? PROFILE_UNDERSCORED : PROFILE_DOTTED);
        claims.put("iat", iat);
        claims.put("exp", iat + lifetime.toSeconds());
        nonce.ifPresent(n -> claims.put("eat_nonce", n));
        ObjectNode verifier = f.objectNode();
        verifier.put("developer", "https://github.com/tdx4j");
        verifier.put("build", build);
        claims.set(underscored ? "ear_verifier_id" : "ear.verifier-id", verifier);
        if (underscored) {
            claims.put("ear_status", appraisal.status());
        }
        ObjectNode sub = claims.putObject("submods").putObject(SUBMOD);
        sub.put(underscored ? "ear_status" : "ear.status", appraisal.status());
        ObjectNode vector = sub.putObject(underscored ? "ear_trustworthiness_vector" : "ear.trustworthiness-vector");
        appraisal.vector().forEach(vector::put);
        String policy = "tdx4j:policy:" + policyId;
        if (underscored) {
            sub.putArray("ear_appraisal_policy_ids").add(policy);
        } else {
            sub.put("ear.appraisal-policy-id", policy);
        }
        sub.set(underscored ? "ear_veraison_annotated_evidence" : "ear.veraison.annotated-evidence",
                evidence(outcome.result()));
        try {
            // The claims are a JSON object written by Jackson, so they go in as the JWS payload as they are (a JWT's
            // payload is its claims set's JSON, RFC 7519 section 7.1), without a round trip through nimbus's model.
            // The payload is handed over already base64url-encoded by the JDK's encoder: nimbus then takes it as it
            // is, where its own encoder allocated several times the payload's size per token (JFR, POST /verify).
            byte[] json = claims.toString().getBytes(StandardCharsets.UTF_8);
            JWSObject jws = new JWSObject(header, new Payload(new Base64URL(BASE64URL.encodeToString(json))));
            jws.sign(signer);
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("signing an EAR failed", e); // an in-memory P-256 signature cannot fail
        }
    }

    /**
     * The verified quote's claims with Trustee's TDX names and text form ({@link TrusteeClaims}: {@code
     * tdx.quote.body.*}, {@code tdx.td_attributes.*}, ...), and the verdict's: {@code tcb_status}, {@code
     * advisory_ids}, {@code collateral_expiration_status} and {@code fmspc}.
     */
    private static ObjectNode evidence(VerificationResult r) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        if (!(r instanceof VerificationResult.Verified v)) {
            VerificationResult.Failed failed = (VerificationResult.Failed) r;
            e.putObject("tdx4j").put("error", failed.code().name()).put("detail", failed.detail());
            return e;
        }
        ObjectNode tdx = v.quote() instanceof DecodedQuote.Td td ? TrusteeClaims.of(td.quote())
                : JsonNodeFactory.instance.objectNode();
        e.set("tdx", tdx);
        tdx.put("tcb_status", v.status().jsonName());
        tdx.putArray("advisory_ids").addAll(v.advisoryIds().stream()
                .map(JsonNodeFactory.instance::textNode).toList());
        tdx.put("collateral_expiration_status", v.collateralExpired() ? "1" : "0");
        tdx.put("fmspc", v.fmspc());
        return e;
    }
}
