package io.github.tdx4j.attest.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.attest.collateral.TcbStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The policy document: a {@link TdPolicy} as JSON, read and written. The fields and their meaning are those of
 * {@code td-policy.schema.json} next to this class (JSON Schema draft 2020-12); a test keeps the two in step.
 *
 * <p>Strict on purpose: an unknown field, a duplicate field or a value of the wrong form is an error, because a
 * typo in a policy ("mrtd" for "mrTd") must never silently drop the rule it meant to add.
 */
final class TdPolicyJson {
    /** The only document version so far. */
    static final int VERSION = 1;
    /** A policy is a few hundred bytes; anything this large is not one, and is not parsed. */
    static final int MAX_SIZE = 64 * 1024;

    /** The measurement fields: name in the document, and the builder setter. */
    private static final Map<String, BiConsumer<TdPolicy.Builder, String>> MEASUREMENTS = Map.of(
            "mrTd", TdPolicy.Builder::mrTd,
            "mrConfigId", TdPolicy.Builder::mrConfigId,
            "mrOwner", TdPolicy.Builder::mrOwner,
            "mrOwnerConfig", TdPolicy.Builder::mrOwnerConfig,
            "mrServiceTd", TdPolicy.Builder::mrServiceTd);

    /** Every field a document may have; the schema's {@code properties} name exactly these. */
    static final Set<String> FIELDS = Set.of("$schema", "description", "version", "allowDebug", "requireSeptVeDisable",
            "acceptedStatuses", "rejectExpiredCollateral", "mrTd", "rtmrs", "mrConfigId", "mrOwner", "mrOwnerConfig",
            "mrServiceTd", "minTeeTcbSvn", "reportData");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private TdPolicyJson() {
    }

    static TdPolicy parse(byte[] json, TdPolicy.Builder b) {
        if (json.length > MAX_SIZE) {
            throw new IllegalArgumentException("the policy document is " + json.length + " bytes, more than the "
                    + MAX_SIZE + " a policy can need");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the policy document is not valid JSON (" + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr()) + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a byte array does no I/O
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the policy document must be a JSON object");
        }
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            field(b, e.getKey(), e.getValue());
        }
        return b.build();
    }

    private static void field(TdPolicy.Builder b, String name, JsonNode v) {
        switch (name) {
            case "$schema", "description" -> text(name, v);
            case "version" -> {
                if (!v.isInt() || v.intValue() != VERSION) {
                    throw new IllegalArgumentException("policy field \"version\" must be " + VERSION + ", not " + v);
                }
            }
            case "allowDebug" -> b.allowDebug(bool(name, v));
            case "requireSeptVeDisable" -> b.requireSeptVeDisable(bool(name, v));
            case "rejectExpiredCollateral" -> b.acceptExpiredCollateral(!bool(name, v));
            case "acceptedStatuses" -> b.acceptedStatuses(statuses(v));
            case "rtmrs" -> {
                if (!v.isObject() || v.isEmpty()) {
                    throw new IllegalArgumentException("policy field \"rtmrs\" must be an object such as "
                            + "{\"0\": \"<96 hex digits>\"} with keys \"0\" to \"3\"");
                }
                for (Map.Entry<String, JsonNode> e : v.properties()) {
                    if (!e.getKey().matches("[0-3]")) {
                        throw new IllegalArgumentException("policy field \"rtmrs\" has key \"" + e.getKey()
                                + "\"; RTMR indexes are \"0\" to \"3\"");
                    }
                    set("rtmrs." + e.getKey(), e.getValue(),
                            (builder, hex) -> builder.rtmr(Integer.parseInt(e.getKey()), hex), b);
                }
            }
            case "minTeeTcbSvn" -> set(name, v, TdPolicy.Builder::minTeeTcbSvn, b);
            case "reportData" -> set(name, v, TdPolicy.Builder::reportData, b);
            default -> {
                if (!MEASUREMENTS.containsKey(name)) {
                    throw new IllegalArgumentException("the policy document has an unknown field \"" + name
                            + "\"; the fields are " + FIELDS.stream().sorted().toList());
                }
                set(name, v, MEASUREMENTS.get(name), b);
            }
        }
    }

    private static void set(String name, JsonNode v, BiConsumer<TdPolicy.Builder, String> setter, TdPolicy.Builder b) {
        String hex = text(name, v);
        try {
            setter.accept(b, hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy field \"" + name + "\": " + e.getMessage(), e);
        }
    }

    private static String text(String name, JsonNode v) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException("policy field \"" + name + "\" must be a string, not " + v);
        }
        return v.textValue();
    }

    private static boolean bool(String name, JsonNode v) {
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("policy field \"" + name + "\" must be true or false, not " + v);
        }
        return v.booleanValue();
    }

    private static Set<TcbStatus> statuses(JsonNode v) {
        if (!v.isArray() || v.isEmpty()) {
            throw new IllegalArgumentException("policy field \"acceptedStatuses\" must be a non-empty array of TCB "
                    + "statuses such as [\"UpToDate\", \"SWHardeningNeeded\"]");
        }
        Set<TcbStatus> out = EnumSet.noneOf(TcbStatus.class);
        for (JsonNode s : v) {
            out.add(TcbStatus.fromJsonName(s.isTextual() ? s.textValue() : "").orElseThrow(
                    () -> new IllegalArgumentException("policy field \"acceptedStatuses\" has " + s
                            + ", which is not a TCB status; they are " + statusNames())));
        }
        return out;
    }

    /** The TCB status names a document may list, in Intel's order. */
    static List<String> statusNames() {
        return Arrays.stream(TcbStatus.values()).map(TcbStatus::jsonName).toList();
    }

    static String write(TdPolicy p) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("version", VERSION);
        o.put("allowDebug", p.allowDebug());
        o.put("requireSeptVeDisable", p.requireSeptVeDisable());
        var statuses = o.putArray("acceptedStatuses");
        Arrays.stream(TcbStatus.values()).filter(p.acceptedStatuses()::contains).map(TcbStatus::jsonName)
                .forEach(statuses::add);
        o.put("rejectExpiredCollateral", !p.acceptExpiredCollateral());
        p.mrTd().ifPresent(h -> o.put("mrTd", h));
        if (!p.rtmrs().isEmpty()) {
            ObjectNode r = o.putObject("rtmrs");
            p.rtmrs().forEach((i, h) -> r.put(Integer.toString(i), h));
        }
        p.mrConfigId().ifPresent(h -> o.put("mrConfigId", h));
        p.mrOwner().ifPresent(h -> o.put("mrOwner", h));
        p.mrOwnerConfig().ifPresent(h -> o.put("mrOwnerConfig", h));
        p.mrServiceTd().ifPresent(h -> o.put("mrServiceTd", h));
        p.minTeeTcbSvn().ifPresent(h -> o.put("minTeeTcbSvn", h));
        p.reportData().ifPresent(h -> o.put("reportData", h));
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings, booleans and numbers always serializes
        }
    }
}
