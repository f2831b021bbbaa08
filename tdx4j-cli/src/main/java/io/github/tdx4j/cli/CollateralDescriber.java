package io.github.tdx4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code tdx4j inspect} shows of collateral JSON (QuoteCollateralV3, or one PCS response: a TCB info or QE
 * identity) item by item, and of a signed TCB info or QE identity: every field and every level, as the
 * document states them, in document order (Intel PCS API v4, "TDX TCB Info" v3 and "Enclave Identity" v2). It
 * reads the JSON as it is rather than through tdx4j's parser, so that a document the verifier refuses (an
 * unknown status, an SVN above 255) can still be looked at; checking is the verifier's job.
 */
final class CollateralDescriber {
    private static final HexFormat HEX = HexFormat.of();

    /** The scalar fields of both documents, shown first when present. */
    private static final List<String> HEAD = List.of("id", "version", "issueDate", "nextUpdate", "fmspc", "pceId",
            "tcbType", "tcbEvaluationDataNumber", "miscselect", "miscselectMask", "attributes", "attributesMask",
            "mrsigner", "isvprodid");

    private CollateralDescriber() {
    }

    /**
     * A JSON object other than quote output: collateral, or one of the PCS responses it is made from.
     * QuoteCollateralV3 (the dcap-qvl JSON form) lists each item with its dates. Checking signatures and validity is
     * the verifier's job; a problem parsing one item is shown in place.
     */
    static Map<String, Object> collateral(JsonNode root) throws InspectCommand.NotEvidence {
        String kind = root.has("tcb_info") ? "quote collateral (QuoteCollateralV3)"
                : root.has("tcbInfo") ? "TCB info (Intel PCS response)"
                : root.has("enclaveIdentity") ? "QE identity (Intel PCS response)"
                : null;
        if (kind == null) {
            throw new InspectCommand.NotEvidence("is JSON but none of: QuoteCollateralV3 collateral (no \"tcb_info\"), "
                    + "a PCS TCB info or QE identity response, the output of tdx4j quote --json (no \"quote\")");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        for (var it = root.properties().iterator(); it.hasNext();) {
            var entry = it.next();
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            Map<String, Object> item = new LinkedHashMap<>();
            try {
                if (key.endsWith("_chain") && value.isTextual()) {
                    List<Map<String, Object>> certs = new ArrayList<>();
                    for (var c : CertificateFactory.getInstance("X.509").generateCertificates(
                            new ByteArrayInputStream(value.asText().getBytes(StandardCharsets.US_ASCII)))) {
                        certs.add(CertificateDescriber.certificate((X509Certificate) c));
                    }
                    item.put("certificates", certs);
                } else if (key.endsWith("_crl") && value.isTextual()) {
                    X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                            .generateCRL(new ByteArrayInputStream(HEX.parseHex(value.asText())));
                    item.putAll(CertificateDescriber.crl(crl));
                } else if ((key.equals("tcb_info") || key.equals("qe_identity")) && value.isTextual()) {
                    item.putAll(CollateralDescriber.signedDocument(new ObjectMapper().readTree(value.asText())));
                    item.put("textLength", value.asText().length());
                } else if ((key.equals("tcbInfo") || key.equals("enclaveIdentity")) && value.isObject()) {
                    item.putAll(CollateralDescriber.signedDocument(value));
                } else if (key.endsWith("_signature") && value.isTextual()) {
                    item.put("bytes", value.asText().length() / 2);
                    item.put("hex", value.asText());
                } else {
                    item.put("value", value.isTextual() ? value.asText() : value.toString());
                }
            } catch (CertificateException | ClassCastException e) {
                item.put("error", "not a PEM X.509 certificate chain");
            } catch (CRLException e) {
                item.put("error", "not a DER X.509 CRL");
            } catch (JsonProcessingException e) {
                item.put("error", "a string that " + JsonInput.problem(e, value.asText()));
            } catch (IllegalArgumentException e) {
                item.put("error", "not hex with an even number of digits");
            }
            m.put(key, item);
        }
        return m;
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
