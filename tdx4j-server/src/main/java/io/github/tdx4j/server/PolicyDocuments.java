package io.github.tdx4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.policy.TdPolicy;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Reads the policy document of a {@code POST /verify} request into a {@link TdPolicy}.
 *
 * <p>Interim adapter: the policy document of {@code tdx4j verify --policy} ({@code TdPolicy.fromJson} in tdx4j-attest)
 * is being written concurrently; until it lands, this reads the same field names with the same relying-party
 * defaults (a DEBUG TD is refused; the TCB status must be UpToDate; every other rule applies only when its field is
 * present). {@link #parse(JsonNode)} is the only entry point, so replacing its body with
 * {@code TdPolicy.fromJson(document.toString().getBytes(UTF_8))} is the whole swap. Not read here yet:
 * {@code reportData}, refused with a 400 naming it.
 */
final class PolicyDocuments {
    private PolicyDocuments() {
    }

    /** The policy of a request that names none: the relying-party defaults of an empty document. */
    static TdPolicy defaults() {
        return parse(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
    }

    /**
     * The policy that {@code document} describes.
     *
     * @throws ApiException 400 {@code BAD_POLICY} naming the field that is wrong
     */
    static TdPolicy parse(JsonNode document) {
        if (!document.isObject()) {
            throw bad("the policy must be a JSON object");
        }
        TdPolicy.Builder b = TdPolicy.builder().requireSeptVeDisable(false).acceptExpiredCollateral(true)
                .anyMrServiceTd();
        Iterator<Map.Entry<String, JsonNode>> fields = document.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            try {
                switch (name) {
                    case "$schema", "description" -> {
                    }
                    case "version" -> {
                        if (!v.isInt() || v.intValue() != 1) {
                            throw bad("policy field \"version\" must be 1");
                        }
                    }
                    case "allowDebug" -> b.allowDebug(bool(name, v));
                    case "requireSeptVeDisable" -> b.requireSeptVeDisable(bool(name, v));
                    case "rejectExpiredCollateral" -> b.acceptExpiredCollateral(!bool(name, v));
                    case "acceptedStatuses" -> b.acceptedStatuses(statuses(v));
                    case "mrTd" -> b.mrTd(text(name, v));
                    case "mrConfigId" -> b.mrConfigId(text(name, v));
                    case "mrOwner" -> b.mrOwner(text(name, v));
                    case "mrOwnerConfig" -> b.mrOwnerConfig(text(name, v));
                    case "mrServiceTd" -> b.mrServiceTd(text(name, v));
                    case "minTeeTcbSvn" -> b.minTeeTcbSvn(text(name, v));
                    case "rtmrs" -> {
                        if (!v.isObject() || v.isEmpty()) {
                            throw bad("policy field \"rtmrs\" must be an object such as {\"0\": \"<96 hex digits>\"}");
                        }
                        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                            Map.Entry<String, JsonNode> r = it.next();
                            if (!r.getKey().matches("[0-3]")) {
                                throw bad("policy field \"rtmrs\" has key \"" + r.getKey() + "\"; RTMR indexes are 0 to 3");
                            }
                            b.rtmr(Integer.parseInt(r.getKey()), text("rtmrs." + r.getKey(), r.getValue()));
                        }
                    }
                    case "reportData" -> throw bad("policy field \"reportData\" is not supported by this server yet");
                    default -> throw bad("the policy has an unknown field \"" + bounded(name) + "\"");
                }
            } catch (IllegalArgumentException e) {
                // TdPolicy.Builder's sentences name the field and the expected form (48 bytes of hex, ...).
                throw bad("policy field \"" + name + "\": " + e.getMessage());
            }
        }
        return b.build();
    }

    private static Set<TcbStatus> statuses(JsonNode v) {
        if (!v.isArray() || v.isEmpty()) {
            throw bad("policy field \"acceptedStatuses\" must be a non-empty array of TCB status names");
        }
        Set<TcbStatus> out = EnumSet.noneOf(TcbStatus.class);
        for (JsonNode s : v) {
            TcbStatus found = null;
            for (TcbStatus t : TcbStatus.values()) {
                if (s.isTextual() && t.jsonName().equals(s.textValue())) {
                    found = t;
                }
            }
            if (found == null) {
                throw bad("policy field \"acceptedStatuses\" has " + bounded(s.toString())
                        + ", which is not an Intel TCB status name such as \"UpToDate\"");
            }
            out.add(found);
        }
        return out;
    }

    private static boolean bool(String name, JsonNode v) {
        if (!v.isBoolean()) {
            throw bad("policy field \"" + name + "\" must be true or false");
        }
        return v.booleanValue();
    }

    private static String text(String name, JsonNode v) {
        if (!v.isTextual()) {
            throw bad("policy field \"" + name + "\" must be a string of hex digits");
        }
        return v.textValue();
    }

    private static String bounded(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    private static ApiException bad(String detail) {
        return ApiException.badRequest("BAD_POLICY", detail);
    }
}
