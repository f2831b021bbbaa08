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
 * result JSON of {@link ResultJson} with an EAR token) and {@code GET /.well-known/jwks.json} (the token key, as
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
        String token = tokens.issue(outcome, appraisal, request.policyId(), request.nonce());
        boolean fields = req.query().first("fields").asOptional().map("true"::equals).orElse(false);
        ObjectNode json = ResultJson.of(outcome, appraisal, request.policyId(), token, fields);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json.toString().getBytes(StandardCharsets.UTF_8));
    }
}
