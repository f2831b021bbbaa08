package io.github.tdx4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The native face: {@code POST /verify} (a quote, optional collateral, policy and nonce; answers the verification
 * result JSON of {@link ResultJson} with an EAR token, or {@code "token": null} with {@code ?token=false}; every
 * decoded quote field with {@code ?fields=true}) and {@code GET /.well-known/jwks.json} (the token key, as
 * Trustee's attestation service serves it).
 */
final class VerifyRoutes implements HttpService {
    private final VerificationService service;
    private final EarTokens tokens;
    private final RequestBodies bodies;

    VerifyRoutes(VerificationService service, EarTokens tokens, RequestBodies bodies) {
        this.service = Objects.requireNonNull(service, "service");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.bodies = Objects.requireNonNull(bodies, "bodies");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/verify", this::verify)
                .get("/.well-known/jwks.json", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(tokens.jwks().getBytes(StandardCharsets.UTF_8));
                });
    }

    private void verify(ServerRequest req, ServerResponse res) {
        byte[] body = bodies.read(req);
        VerifyRequest request = VerifyRequest.read(req.headers().first(HeaderNames.CONTENT_TYPE), body);
        VerificationService.Outcome outcome = service.verify(request.quote(), request.collateral(), request.policy());
        Appraisal appraisal = Appraisal.of(outcome);
        // The token costs one P-256 signature, as much as the verification itself: a caller that only reads the
        // verdict can leave it out.
        String token = flag(req, "token", true)
                ? tokens.issue(outcome, appraisal, request.policyId(), request.nonce()) : null;
        boolean fields = flag(req, "fields", false);
        ObjectNode json = ResultJson.of(outcome, request.policy(), appraisal, token, fields);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A query flag: {@code true} or {@code false}, else 400. */
    private static boolean flag(ServerRequest req, String name, boolean absent) {
        return switch (req.query().first(name).asOptional().orElse(absent ? "true" : "false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("BAD_PARAMETER", "parameter " + name + " must be true or false");
        };
    }
}
