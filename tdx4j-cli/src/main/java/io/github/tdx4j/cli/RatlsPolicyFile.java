package io.github.tdx4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.policy.TdPolicy;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The TD policy file of {@code tdx4j ratls connect --policy FILE}: one JSON object, every member optional.
 *
 * <pre>{@code
 * {
 *   "mrtd": "<48 bytes hex>", "rtmr": {"0": "<hex>", "3": "<hex>"},
 *   "mrconfigid": "<hex>", "mrowner": "<hex>", "mrownerconfig": "<hex>",
 *   "allow_debug": false, "require_sept_ve_disable": true,
 *   "accept_status": ["UpToDate", "SWHardeningNeeded"], "accept_expired_collateral": false,
 *   "min_tee_tcb_svn": "<16 bytes hex>"
 * }
 * }</pre>
 * Members left out keep {@link TdPolicy#strict()}'s defaults. An unknown member is an error, so that a misspelt
 * rule is never silently ignored.
 */
final class RatlsPolicyFile {
    private static final Set<String> MEMBERS = Set.of("mrtd", "rtmr", "mrconfigid", "mrowner", "mrownerconfig",
            "allow_debug", "require_sept_ve_disable", "accept_status", "accept_expired_collateral", "min_tee_tcb_svn");

    /** A bad policy file: one sentence. */
    static final class BadPolicy extends Exception {
        private static final long serialVersionUID = 1L;

        BadPolicy(String message) {
            super(message);
        }
    }

    private RatlsPolicyFile() {
    }

    static TdPolicy parse(byte[] json) throws BadPolicy {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(new String(json, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new BadPolicy("it is not JSON (line " + e.getLocation().getLineNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new BadPolicy("it is not a JSON object");
        }
        TdPolicy.Builder b = TdPolicy.builder();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey();
                JsonNode v = e.getValue();
                if (!MEMBERS.contains(k)) {
                    throw new BadPolicy("it has the unknown member \"" + k + "\"; known: " + MEMBERS.stream()
                            .sorted().toList());
                }
                switch (k) {
                    case "mrtd" -> b.mrTd(text(k, v));
                    case "mrconfigid" -> b.mrConfigId(text(k, v));
                    case "mrowner" -> b.mrOwner(text(k, v));
                    case "mrownerconfig" -> b.mrOwnerConfig(text(k, v));
                    case "min_tee_tcb_svn" -> b.minTeeTcbSvn(text(k, v));
                    case "allow_debug" -> b.allowDebug(bool(k, v));
                    case "require_sept_ve_disable" -> b.requireSeptVeDisable(bool(k, v));
                    case "accept_expired_collateral" -> b.acceptExpiredCollateral(bool(k, v));
                    case "rtmr" -> {
                        if (!v.isObject()) {
                            throw new BadPolicy("\"rtmr\" must be an object of index to hex");
                        }
                        for (var r : v.properties()) {
                            int index;
                            try {
                                index = Integer.parseInt(r.getKey());
                            } catch (NumberFormatException x) {
                                throw new BadPolicy("\"rtmr\" key \"" + r.getKey() + "\" is not 0..3");
                            }
                            b.rtmr(index, text("rtmr." + r.getKey(), r.getValue()));
                        }
                    }
                    case "accept_status" -> {
                        if (!v.isArray() || v.isEmpty()) {
                            throw new BadPolicy("\"accept_status\" must be a non-empty array of TCB statuses");
                        }
                        Set<TcbStatus> statuses = EnumSet.noneOf(TcbStatus.class);
                        for (JsonNode s : v) {
                            statuses.add(TcbStatus.fromJsonName(s.asText()).orElseThrow(() -> new BadPolicy(
                                    "\"" + s.asText() + "\" is not a TCB status (UpToDate, SWHardeningNeeded, ...)")));
                        }
                        b.acceptedStatuses(statuses);
                    }
                    default -> throw new IllegalStateException("member list and switch disagree: " + k);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new BadPolicy(e.getMessage());
        }
        return b.build();
    }

    private static String text(String key, JsonNode v) throws BadPolicy {
        if (!v.isTextual()) {
            throw new BadPolicy("\"" + key + "\" must be a hex string");
        }
        return v.asText();
    }

    private static boolean bool(String key, JsonNode v) throws BadPolicy {
        if (!v.isBoolean()) {
            throw new BadPolicy("\"" + key + "\" must be true or false");
        }
        return v.asBoolean();
    }
}
