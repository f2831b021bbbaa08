package io.github.tdx4j.attest.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The rules of a QE identity v2 ({@link QeIdentity#parse}; Intel PCS API v4, "Enclave Identity"; Intel QVL
 * {@code EnclaveIdentity.cpp}, {@code IdentityTcbLevel.cpp}) and of the dcap-qvl {@code QuoteCollateralV3} form
 * ({@link QuoteCollateralV3#parse}), one edit of a valid document per rule.
 */
class QeIdentityRulesTest {
    private static final String DATE = "2024-03-13T00:00:00Z";

    private static ObjectNode level(int svn, String date, String status) {
        ObjectNode l = JsonFields.MAPPER.createObjectNode();
        l.putObject("tcb").put("isvsvn", svn);
        return l.put("tcbDate", date).put("tcbStatus", status);
    }

    private static ObjectNode valid() {
        ObjectNode root = JsonFields.MAPPER.createObjectNode();
        root.put("id", "TD_QE").put("version", 2).put("issueDate", DATE).put("nextUpdate", "2024-04-12T00:00:00Z")
                .put("tcbEvaluationDataNumber", 17).put("miscselect", "00000000").put("miscselectMask", "FFFFFFFF")
                .put("attributes", "11000000000000000000000000000000")
                .put("attributesMask", "FBFFFFFFFFFFFFFF0000000000000000")
                .put("mrsigner", "DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5")
                .put("isvprodid", 2);
        ArrayNode levels = root.putArray("tcbLevels");
        levels.add(level(2, "2023-01-01T00:00:00Z", "OutOfDate"));
        levels.add(level(4, DATE, "UpToDate"));
        return root;
    }

    private static QeIdentity parse(Consumer<ObjectNode> edit) {
        ObjectNode doc = valid();
        edit.accept(doc);
        return QeIdentity.parse(doc.toString());
    }

    private static void malformed(Consumer<ObjectNode> edit, String message) {
        assertThatThrownBy(() -> parse(edit)).isInstanceOfSatisfying(CollateralException.class, e -> {
            assertThat(e.reason()).isEqualTo(CollateralException.Reason.MALFORMED);
            assertThat(e.getMessage()).isEqualTo("QE identity: " + message);
        });
    }

    @Test
    @DisplayName("The valid TD_QE identity: every field read, hex in lowercase, levels by ISVSVN descending")
    void validDocument() {
        QeIdentity id = parse(doc -> { });
        assertThat(id.id()).isEqualTo(QeIdentity.TD_QE_ID);
        assertThat(id.version()).isEqualTo(2);
        assertThat(id.nextUpdate()).isEqualTo(Instant.parse("2024-04-12T00:00:00Z"));
        assertThat(id.tcbEvaluationDataNumber()).isEqualTo(17);
        assertThat(id.miscselectMask()).isEqualTo("ffffffff");
        assertThat(id.attributesMask()).isEqualTo("fbffffffffffffff0000000000000000");
        assertThat(id.mrSigner()).isEqualTo("dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5");
        assertThat(id.isvProdId()).isEqualTo(2);
        assertThat(id.tcbLevels()).extracting(IsvTcbLevel::isvSvn).containsExactly(4, 2);
        assertThat(parse(doc -> doc.put("id", "QE")).id()).isEqualTo(QeIdentity.QE_ID);
    }

    @Test
    @DisplayName("id other than TD_QE or QE and version other than 2 are refused")
    void header() {
        malformed(doc -> doc.put("id", "TD_QE2"), "id must be TD_QE or QE, got 'TD_QE2'");
        malformed(doc -> doc.put("version", 1), "only version 2 is supported, got 1");
        malformed(doc -> doc.put("version", 3), "only version 2 is supported, got 3");
    }

    @Test
    @DisplayName("QE levels: objects, UpToDate/OutOfDate/Revoked only, no two with the same ISVSVN and date, at least one")
    void levelRules() {
        malformed(doc -> ((ArrayNode) doc.get("tcbLevels")).add(1), "a TCB level is not an object");
        malformed(doc -> ((ArrayNode) doc.get("tcbLevels")).add(level(1, DATE, "SWHardeningNeeded")),
                "tcbStatus 'SWHardeningNeeded' is not a QE identity level status (UpToDate, OutOfDate, Revoked)");
        malformed(doc -> ((ArrayNode) doc.get("tcbLevels")).add(level(1, DATE, "ConfigurationNeeded")),
                "tcbStatus 'ConfigurationNeeded' is not a QE identity level status (UpToDate, OutOfDate, Revoked)");
        malformed(doc -> ((ArrayNode) doc.get("tcbLevels")).add(level(4, DATE, "Revoked")),
                "two TCB levels have isvsvn 4 and tcbDate 2024-03-13T00:00:00Z");
        malformed(doc -> doc.putArray("tcbLevels"), "tcbLevels is empty");
        QeIdentity sameSvnOtherDate = parse(doc -> ((ArrayNode) doc.get("tcbLevels"))
                .add(level(4, "2022-01-01T00:00:00Z", "Revoked")));
        assertThat(sameSvnOtherDate.tcbLevels()).extracting(IsvTcbLevel::status)
                .containsExactly(TcbStatus.UP_TO_DATE, TcbStatus.REVOKED, TcbStatus.OUT_OF_DATE);
    }

    private static ObjectNode collateralJson() {
        ObjectNode o = JsonFields.MAPPER.createObjectNode();
        o.put("pck_crl_issuer_chain", "chain").put("root_ca_crl", "0x3001").put("pck_crl", "3002")
                .put("tcb_info_issuer_chain", "chain").put("tcb_info", "{}").put("tcb_info_signature", "11".repeat(64))
                .put("qe_identity_issuer_chain", "chain").put("qe_identity", "{}")
                .put("qe_identity_signature", "22".repeat(64));
        return o;
    }

    private static void collateralMalformed(Consumer<ObjectNode> edit, String message) {
        ObjectNode o = collateralJson();
        edit.accept(o);
        assertThatThrownBy(() -> QuoteCollateralV3.parse(o.toString().getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(CollateralException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CollateralException.Reason.MALFORMED);
                    assertThat(e.getMessage()).isEqualTo("QuoteCollateralV3: " + message);
                });
    }

    @Test
    @DisplayName("QuoteCollateralV3: hex with or without 0x; signatures exactly 64 bytes; no empty CRL; an object")
    void quoteCollateralV3Form() {
        Collateral c = QuoteCollateralV3.parse(collateralJson().toString().getBytes(StandardCharsets.UTF_8));
        assertThat(c.rootCaCrl()).containsExactly(0x30, 0x01);
        assertThat(c.pckCrl()).containsExactly(0x30, 0x02);
        assertThat(c.tcbInfoSignature()).hasSize(64);
        collateralMalformed(o -> o.put("pck_crl", "30zz"), "field 'pck_crl' is not hex");
        collateralMalformed(o -> o.put("tcb_info_signature", "11".repeat(63)),
                "field 'tcb_info_signature' must be 64 bytes, is 63");
        collateralMalformed(o -> o.put("qe_identity_signature", "22".repeat(65)),
                "field 'qe_identity_signature' must be 64 bytes, is 65");
        collateralMalformed(o -> o.put("root_ca_crl", "0x"), "field 'root_ca_crl' is empty");
        collateralMalformed(o -> o.put("root_ca_crl", ""), "field 'root_ca_crl' is empty");
        assertThatThrownBy(() -> QuoteCollateralV3.parse("[]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CollateralException.class).hasMessage("QuoteCollateralV3: not a JSON object");
        assertThatThrownBy(() -> QuoteCollateralV3.parse("{\"a\"".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CollateralException.class).hasMessageStartingWith("QuoteCollateralV3: not valid JSON: ");
    }
}
