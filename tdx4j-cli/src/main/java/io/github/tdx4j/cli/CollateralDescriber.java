package io.github.tdx4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code tdx4j inspect} shows of a signed TCB info or QE identity: every field and every level, as the
 * document states them, in document order (Intel PCS API v4, "TDX TCB Info" v3 and "Enclave Identity" v2). It
 * reads the JSON as it is rather than through tdx4j's parser, so that a document the verifier refuses (an
 * unknown status, an SVN above 255) can still be looked at; checking is the verifier's job.
 */
final class CollateralDescriber {
    /** The scalar fields of both documents, shown first when present. */
    private static final List<String> HEAD = List.of("id", "version", "issueDate", "nextUpdate", "fmspc", "pceId",
            "tcbType", "tcbEvaluationDataNumber", "miscselect", "miscselectMask", "attributes", "attributesMask",
            "mrsigner", "isvprodid");

    private CollateralDescriber() {
    }

    /** A {@code tcbInfo} or {@code enclaveIdentity} object. */
    static Map<String, Object> signedDocument(JsonNode doc) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String field : HEAD) {
            if (doc.has(field)) {
                m.put(field, doc.get(field).asText());
            }
        }
        if (doc.has("tdxModule")) {
            m.put("tdxModule", moduleIdentity(doc.get("tdxModule")));
        }
        if (doc.has("tdxModuleIdentities")) {
            List<Map<String, Object>> ids = new ArrayList<>();
            doc.get("tdxModuleIdentities").forEach(i -> ids.add(moduleIdentity(i)));
            m.put("tdxModuleIdentities", ids);
        }
        m.put("tcbLevels", levels(doc.path("tcbLevels")));
        return m;
    }

    private static Map<String, Object> moduleIdentity(JsonNode id) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String field : List.of("id", "mrsigner", "attributes", "attributesMask")) {
            if (id.has(field)) {
                m.put(field, id.get(field).asText());
            }
        }
        if (id.has("tcbLevels")) {
            m.put("tcbLevels", levels(id.get("tcbLevels")));
        }
        return m;
    }

    /**
     * Each level: its TCB (platform levels: the 16 SGX component SVNs, PCESVN and for TDX the 16 TDX component
     * SVNs; QE and module levels: ISVSVN), date, status and advisories.
     */
    private static List<Map<String, Object>> levels(JsonNode levels) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode level : levels) {
            Map<String, Object> m = new LinkedHashMap<>();
            JsonNode tcb = level.path("tcb");
            if (tcb.has("isvsvn")) {
                m.put("isvsvn", value(tcb.get("isvsvn")));
            }
            if (tcb.has("sgxtcbcomponents")) {
                m.put("sgxTcbComponents", svns(tcb.get("sgxtcbcomponents")));
            }
            if (tcb.has("pcesvn")) {
                m.put("pcesvn", value(tcb.get("pcesvn")));
            }
            if (tcb.has("tdxtcbcomponents")) {
                m.put("tdxTcbComponents", svns(tcb.get("tdxtcbcomponents")));
            }
            m.put("tcbDate", level.path("tcbDate").asText());
            m.put("tcbStatus", level.path("tcbStatus").asText());
            List<String> advisories = new ArrayList<>();
            level.path("advisoryIDs").forEach(a -> advisories.add(a.asText()));
            m.put("advisoryIDs", advisories);
            out.add(m);
        }
        return out;
    }

    /** The SVNs of a component array, as written (an SVN above 255 is shown as it is). */
    private static List<Object> svns(JsonNode components) {
        List<Object> out = new ArrayList<>();
        components.forEach(c -> out.add(value(c.path("svn"))));
        return out;
    }

    /** A number as a number, anything else as its text. */
    private static Object value(JsonNode n) {
        return n.isNumber() ? n.numberValue() : n.asText();
    }
}
