package io.github.tdx4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.tdx4j.attest.policy.TdPolicy;
import java.nio.charset.StandardCharsets;

/**
 * Reads the policy document of a {@code POST /verify} request into a {@link TdPolicy}: the same document as
 * {@code tdx4j verify --policy FILE}, read by {@link TdPolicy#fromJson(byte[])} (schema:
 * {@code tdx4j-attest/src/main/resources/io/github/tdx4j/attest/policy/td-policy.schema.json}). An empty document
 * gives the relying-party defaults: a DEBUG TD is refused, the TCB status must be UpToDate, and every other rule
 * applies only when its field is present.
 */
final class PolicyDocuments {
    /** Built once: a TdPolicy is immutable, and building one per request showed in a profile of POST /verify. */
    private static final TdPolicy DEFAULTS = TdPolicy.relyingParty().build();

    private PolicyDocuments() {
    }

    /** The policy of a request that names none: the relying-party defaults of an empty document. */
    static TdPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * The policy that {@code document} describes.
     *
     * @throws ApiException 400 {@code BAD_POLICY} naming the field that is wrong
     */
    static TdPolicy parse(JsonNode document) {
        if (!document.isObject()) {
            throw ApiException.badRequest("BAD_POLICY", "the policy must be a JSON object");
        }
        try {
            return TdPolicy.fromJson(document.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("BAD_POLICY", e.getMessage());
        }
    }
}
