package io.github.tdx4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.attest.json.VerificationJson;
import io.github.tdx4j.attest.policy.TdPolicy;
import io.github.tdx4j.attest.verify.VerificationResult;

/**
 * The body of a {@code POST /verify} answer, in the shape of {@code schemas/verify.schema.json}: the verdict as
 * {@code tdx4j verify --json} prints it ({@link VerificationJson#result}), the {@code policy} object of the request's
 * policy ({@link VerificationJson#policy}), then the server's own fields: {@code ear} ({@code status},
 * {@code trustVector}), {@code token} (the signed EAR, or null when the request asked for none) and, with
 * {@code fields}, every decoded quote field grouped as {@code tdx4j inspect} groups them.
 */
final class ResultJson {
    private ResultJson() {
    }

    static ObjectNode of(VerificationService.Outcome outcome, TdPolicy policy, Appraisal appraisal, String token,
                         boolean fields) {
        ObjectNode o = VerificationJson.result(outcome.result(), outcome.at());
        o.set("policy", VerificationJson.policy(policy, outcome.result() instanceof VerificationResult.Verified,
                outcome.violations()));
        ObjectNode ear = o.putObject("ear");
        ear.put("status", appraisal.status());
        ObjectNode vector = ear.putObject("trustVector");
        appraisal.vector().forEach(vector::put);
        o.put("token", token);
        if (fields && outcome.result().decodedQuote().isPresent()) {
            o.set("fields", QuoteFields.of(outcome.result().decodedQuote().get()));
        }
        return o;
    }
}
