package io.github.tdx4j.attest.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The structural rules of a TCB info v3 that {@link TcbInfo#parse} enforces, one edit of a valid document per rule
 * (Intel PCS API v4, "TDX TCB Info"; Intel QVL {@code TcbInfo.cpp}, {@code TdxModuleIdentity.cpp},
 * {@code TcbComponent.cpp}): each edit gives MALFORMED with the sentence that names the rule, and the values at each
 * bound are still read.
 */
class TcbInfoRulesTest {
    private static final String DATE = "2024-03-13T00:00:00Z";
    private static final String ZERO48 = "00".repeat(48);

    private static ArrayNode components(int svn) {
        ArrayNode a = JsonFields.MAPPER.createArrayNode();
        for (int i = 0; i < 16; i++) {
            a.addObject().put("svn", svn).put("category", "BIOS").put("type", "Early Microcode Update");
        }
        return a;
    }

    private static ObjectNode level(int sgx, int pce, int tdx, String status) {
        ObjectNode l = JsonFields.MAPPER.createObjectNode();
        ObjectNode tcb = l.putObject("tcb");
        tcb.set("sgxtcbcomponents", components(sgx));
        tcb.put("pcesvn", pce);
        tcb.set("tdxtcbcomponents", components(tdx));
        l.put("tcbDate", DATE).put("tcbStatus", status);
        return l;
    }

    private static ObjectNode moduleLevel(int svn, String status) {
        ObjectNode l = JsonFields.MAPPER.createObjectNode();
        l.putObject("tcb").put("isvsvn", svn);
        return l.put("tcbDate", DATE).put("tcbStatus", status);
    }

    /** A valid TDX TCB info v3 with one module identity (TDX_01, one level) and two platform levels. */
    private static ObjectNode valid() {
        ObjectNode root = JsonFields.MAPPER.createObjectNode();
        root.put("id", "TDX").put("version", 3).put("issueDate", DATE).put("nextUpdate", "2024-04-12T00:00:00Z")
                .put("fmspc", "00806F050000").put("pceId", "0000").put("tcbType", 0)
                .put("tcbEvaluationDataNumber", 17);
        root.putObject("tdxModule").put("mrsigner", ZERO48).put("attributes", "0000000000000000")
                .put("attributesMask", "FFFFFFFFFFFFFFFF");
        ObjectNode module = root.putArray("tdxModuleIdentities").addObject();
        module.put("id", "TDX_01").put("mrsigner", ZERO48).put("attributes", "0000000000000000")
                .put("attributesMask", "FFFFFFFFFFFFFFFF");
        module.putArray("tcbLevels").add(moduleLevel(2, "UpToDate"));
        ArrayNode levels = root.putArray("tcbLevels");
        levels.add(level(2, 13, 3, "OutOfDate"));
        levels.add(level(3, 13, 3, "UpToDate"));
        return root;
    }

    private static TcbInfo parse(Consumer<ObjectNode> edit) {
        ObjectNode doc = valid();
        edit.accept(doc);
        return TcbInfo.parse(doc.toString());
    }

    private static void malformed(Consumer<ObjectNode> edit, String message) {
        assertThatThrownBy(() -> parse(edit)).isInstanceOfSatisfying(CollateralException.class, e -> {
            assertThat(e.reason()).isEqualTo(CollateralException.Reason.MALFORMED);
            assertThat(e.getMessage()).isEqualTo("TCB info: " + message);
        });
    }

    private static ObjectNode module(ObjectNode doc) {
        return (ObjectNode) doc.get("tdxModuleIdentities").get(0);
    }

    private static ObjectNode firstLevelTcb(ObjectNode doc) {
        return (ObjectNode) doc.get("tcbLevels").get(0).get("tcb");
    }

    @Test
    @DisplayName("The valid document: every field read, hex in lowercase, levels newest first whatever the JSON order")
    void validDocument() {
        TcbInfo info = parse(doc -> { });
        assertThat(info.isTdx()).isTrue();
        assertThat(info.version()).isEqualTo(3);
        assertThat(info.issueDate()).isEqualTo(Instant.parse(DATE));
        assertThat(info.nextUpdate()).isEqualTo(Instant.parse("2024-04-12T00:00:00Z"));
        assertThat(info.fmspc()).isEqualTo("00806f050000");
        assertThat(info.pceId()).isEqualTo("0000");
        assertThat(info.tcbEvaluationDataNumber()).isEqualTo(17);
        assertThat(info.tdxModule()).hasValueSatisfying(m -> {
            assertThat(m.id()).isEmpty();
            assertThat(m.attributesMask()).isEqualTo("ffffffffffffffff");
            assertThat(m.tcbLevels()).isEmpty();
        });
        assertThat(info.tdxModuleIdentities()).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo("TDX_01");
            assertThat(m.tcbLevels()).singleElement().satisfies(l -> {
                assertThat(l.isvSvn()).isEqualTo(2);
                assertThat(l.status()).isEqualTo(TcbStatus.UP_TO_DATE);
            });
        });
        assertThat(info.tcbLevels()).extracting(TcbLevel::status)
                .containsExactly(TcbStatus.UP_TO_DATE, TcbStatus.OUT_OF_DATE);
        assertThat(info.tcbLevels().getFirst().sgxComponents()).isEqualTo(Collections.nCopies(16, 3));
        assertThat(info.tcbLevels().getFirst().pceSvn()).isEqualTo(13);
        assertThat(info.tcbLevels().getFirst().tdxComponents()).isEqualTo(Collections.nCopies(16, 3));
    }

    @Test
    @DisplayName("id other than TDX or SGX, version other than 3, tcbType other than 0 are refused")
    void header() {
        malformed(doc -> doc.put("id", "TDX2"), "id must be TDX or SGX, got 'TDX2'");
        malformed(doc -> doc.put("version", 2), "only version 3 is supported, got 2");
        malformed(doc -> doc.put("version", 4), "only version 3 is supported, got 4");
        malformed(doc -> doc.put("tcbType", 1), "tcbType 1 is not supported; only type 0 is defined");
    }

    @Test
    @DisplayName("An SGX TCB info: read without TDX components; with tdxModule or tdxModuleIdentities it is refused")
    void sgxTcbInfo() {
        Consumer<ObjectNode> sgx = doc -> {
            doc.put("id", "SGX");
            doc.remove("tdxModule");
            doc.remove("tdxModuleIdentities");
            for (JsonNode l : doc.get("tcbLevels")) {
                ((ObjectNode) l.get("tcb")).remove("tdxtcbcomponents");
            }
        };
        TcbInfo info = parse(sgx);
        assertThat(info.isTdx()).isFalse();
        assertThat(info.tdxModule()).isEmpty();
        assertThat(info.tcbLevels().getFirst().tdxComponents()).isEmpty();
        malformed(sgx.andThen(doc -> doc.putObject("tdxModule")),
                "an SGX TCB info has no tdxModule or tdxModuleIdentities");
        malformed(sgx.andThen(doc -> doc.putArray("tdxModuleIdentities")),
                "an SGX TCB info has no tdxModule or tdxModuleIdentities");
    }

    @Test
    @DisplayName("tdxModuleIdentities, when present, is a non-empty array (null and [] are refused); absent is an empty list")
    void moduleIdentitiesPresentMeansNonEmpty() {
        malformed(doc -> doc.putArray("tdxModuleIdentities"), "tdxModuleIdentities must be a non-empty array when present");
        malformed(doc -> doc.putNull("tdxModuleIdentities"), "tdxModuleIdentities must be a non-empty array when present");
        malformed(doc -> doc.putObject("tdxModuleIdentities"),
                "tdxModuleIdentities must be a non-empty array when present");
        assertThat(parse(doc -> doc.remove("tdxModuleIdentities")).tdxModuleIdentities()).isEmpty();
    }

    @Test
    @DisplayName("A TDX module identity: an object; its levels a non-empty array, UpToDate/OutOfDate/Revoked only, one per isvsvn, isvsvn at most 65535")
    void moduleIdentityRules() {
        malformed(doc -> doc.put("tdxModule", 1), "a TDX module identity is not an object");
        malformed(doc -> module(doc).putArray("tcbLevels"), "TDX module TDX_01 has no TCB level");
        malformed(doc -> ((ArrayNode) module(doc).get("tcbLevels")).add(moduleLevel(1, "ConfigurationNeeded")),
                "TDX module TDX_01 has a level with status 'ConfigurationNeeded'; module levels are UpToDate, OutOfDate "
                        + "or Revoked");
        malformed(doc -> ((ArrayNode) module(doc).get("tcbLevels")).add(moduleLevel(2, "OutOfDate")),
                "TDX module TDX_01 has two TCB levels of isvsvn 2");
        malformed(doc -> ((ArrayNode) module(doc).get("tcbLevels")).add(moduleLevel(65536, "OutOfDate")),
                "field 'isvsvn' is 65536, above its maximum 65535");
        TcbInfo info = parse(doc -> ((ArrayNode) module(doc).get("tcbLevels"))
                .add(moduleLevel(65535, "Revoked")).add(moduleLevel(1, "OutOfDate")));
        assertThat(info.tdxModuleIdentities().getFirst().tcbLevels()).extracting(IsvTcbLevel::isvSvn)
                .containsExactly(65535, 2, 1);
        assertThat(info.tdxModuleIdentities().getFirst().tcbLevels()).extracting(IsvTcbLevel::status)
                .containsExactly(TcbStatus.REVOKED, TcbStatus.UP_TO_DATE, TcbStatus.OUT_OF_DATE);
    }

    @Test
    @DisplayName("A platform level: tcb an object, no TD-relaunch status, no two levels with the same SVNs, and at least one level")
    void platformLevelRules() {
        malformed(doc -> ((ObjectNode) doc.get("tcbLevels").get(0)).put("tcb", "x"), "a TCB level's tcb is not an object");
        malformed(doc -> ((ObjectNode) doc.get("tcbLevels").get(0)).put("tcbStatus", "TDRelaunchAdvised"),
                "tcbStatus TDRelaunchAdvised is not a TCB info status");
        malformed(doc -> ((ObjectNode) doc.get("tcbLevels").get(0)).put("tcbStatus",
                "TDRelaunchAdvisedConfigurationNeeded"),
                "tcbStatus TDRelaunchAdvisedConfigurationNeeded is not a TCB info status");
        malformed(doc -> ((ArrayNode) doc.get("tcbLevels")).add(level(3, 13, 3, "Revoked")),
                "two TCB levels have the same SVNs: " + Collections.nCopies(16, 3) + " pcesvn 13 "
                        + Collections.nCopies(16, 3));
        malformed(doc -> doc.putArray("tcbLevels"), "tcbLevels is empty");
        // Levels that differ only in PCESVN, or only in the TDX components, are distinct levels.
        TcbInfo info = parse(doc -> ((ArrayNode) doc.get("tcbLevels")).add(level(3, 12, 3, "OutOfDate"))
                .add(level(3, 13, 2, "OutOfDate")));
        assertThat(info.tcbLevels()).hasSize(4);
        assertThat(info.tcbLevels()).extracting(TcbLevel::pceSvn).containsExactly(13, 13, 12, 13);
    }

    @Test
    @DisplayName("Component lists: exactly 16 objects, category and type strings when present, SVN 0..255")
    void componentRules() {
        malformed(doc -> ((ArrayNode) firstLevelTcb(doc).get("sgxtcbcomponents")).remove(0),
                "sgxtcbcomponents must have 16 entries, has 15");
        malformed(doc -> ((ArrayNode) firstLevelTcb(doc).get("tdxtcbcomponents")).addObject().put("svn", 0),
                "tdxtcbcomponents must have 16 entries, has 17");
        malformed(doc -> ((ArrayNode) firstLevelTcb(doc).get("sgxtcbcomponents")).set(3,
                JsonFields.MAPPER.getNodeFactory().numberNode(1)),
                "sgxtcbcomponents holds a component that is not an object");
        malformed(doc -> ((ObjectNode) firstLevelTcb(doc).get("sgxtcbcomponents").get(0)).put("category", 1),
                "field 'category' is not a string");
        malformed(doc -> ((ObjectNode) firstLevelTcb(doc).get("sgxtcbcomponents").get(0)).put("type", 1),
                "field 'type' is not a string");
        malformed(doc -> ((ObjectNode) firstLevelTcb(doc).get("tdxtcbcomponents").get(15)).put("svn", 256),
                "field 'svn' is 256, above its maximum 255");
        TcbInfo info = parse(doc -> ((ObjectNode) firstLevelTcb(doc).get("tdxtcbcomponents").get(15)).put("svn", 255));
        assertThat(info.tcbLevels().stream().map(TcbLevel::tdxComponents).map(List::getLast)).contains(255);
    }
}
