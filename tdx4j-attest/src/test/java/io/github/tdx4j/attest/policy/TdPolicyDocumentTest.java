package io.github.tdx4j.attest.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.TestData;
import io.github.tdx4j.attest.policy.PolicyViolation.Rule;
import io.github.tdx4j.attest.verify.DecodedQuote;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The policy document ({@code TdPolicy.fromJson}) shared by {@code tdx4j verify --policy} and the server. */
class TdPolicyDocumentTest {
    private static final String MRTD_4 =
            "705ee9381b8633a9fbe532b52345e8433343d2868959f57889d84ca377c395b689cac1599ccea1b7d420483a9ce5f031";

    private static TdPolicy parse(String json) {
        return TdPolicy.fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    /** trustee/tdx_quote_4.dat (DEBUG + SEPT_VE_DISABLE) as if it had verified with {@code status}. */
    private static VerificationResult.Verified debugTd(TcbStatus status, boolean expired) throws Exception {
        return new VerificationResult.Verified(new DecodedQuote.Td(Quote.decode(TestData.bytes("trustee/tdx_quote_4.dat"))),
                status, List.of(), expired, Instant.parse("2023-07-08T07:24:59Z"), "QE identity", status,
                Optional.empty(), TcbStatus.UP_TO_DATE, "50806f000000");
    }

    private static List<Rule> rules(TdPolicy p, VerificationResult.Verified v) {
        return p.violations(v).stream().map(PolicyViolation::rule).toList();
    }

    @Test
    @DisplayName("The empty document refuses a DEBUG TD and any status but UpToDate, and checks nothing else")
    void emptyDocumentDefaults() throws Exception {
        assertThat(rules(parse("{}"), debugTd(TcbStatus.UP_TO_DATE, true))).containsExactly(Rule.DEBUG_TD);
        assertThat(rules(parse("{}"), debugTd(TcbStatus.OUT_OF_DATE, false)))
                .containsExactly(Rule.DEBUG_TD, Rule.TCB_STATUS_NOT_ACCEPTED);
        assertThat(parse("{\"allowDebug\": true}").accepts(debugTd(TcbStatus.UP_TO_DATE, true))).isTrue();
        assertThat(parse("{}")).isEqualTo(TdPolicy.relyingParty().build());
    }

    @Test
    @DisplayName("Each violation carries the rule, the expected value and the actual one")
    void violationsNameExpectedAndActual() throws Exception {
        TdPolicy p = parse("""
                {"mrTd": "%s", "rtmrs": {"2": "%s"}, "acceptedStatuses": ["UpToDate"],
                 "rejectExpiredCollateral": true, "reportData": "abcd"}""".formatted("00".repeat(48), "11".repeat(48)));
        List<PolicyViolation> v = p.violations(debugTd(TcbStatus.OUT_OF_DATE, true));
        assertThat(v).extracting(PolicyViolation::rule).containsExactly(Rule.DEBUG_TD, Rule.TCB_STATUS_NOT_ACCEPTED,
                Rule.COLLATERAL_EXPIRED, Rule.MRTD_MISMATCH, Rule.RTMR_MISMATCH, Rule.REPORT_DATA_MISMATCH);
        PolicyViolation mrtd = v.get(3);
        assertThat(mrtd.expected()).isEqualTo("00".repeat(48));
        assertThat(mrtd.actual()).isEqualTo(MRTD_4);
        assertThat(v.get(0).expected()).isEqualTo("DEBUG clear");
        assertThat(v.get(0).actual()).contains("DEBUG");
        assertThat(v.get(1).expected()).isEqualTo("one of [UpToDate]");
        assertThat(v.get(1).actual()).isEqualTo("OutOfDate");
        assertThat(v.get(2).actual()).isEqualTo("QE identity expired at 2023-07-08T07:24:59Z");
        assertThat(v.get(5).expected()).isEqualTo("abcd" + "00".repeat(62));
    }

    @Test
    @DisplayName("The quote's own values pass; upper-case hex is accepted; REPORTDATA shorter than 64 bytes is zero-padded")
    void ownValuesPass() throws Exception {
        var v = debugTd(TcbStatus.UP_TO_DATE, false);
        var body = v.tdQuote().orElseThrow().body();
        var hex = java.util.HexFormat.of();
        TdPolicy p = parse("""
                {"allowDebug": true, "requireSeptVeDisable": true, "mrTd": "%s", "rtmrs": {"0": "%s", "3": "%s"},
                 "mrConfigId": "%s", "mrOwner": "%s", "mrOwnerConfig": "%s", "minTeeTcbSvn": "%s",
                 "reportData": "%s"}""".formatted(MRTD_4.toUpperCase(), body.rtmr(0).hex(),
                body.rtmr(3).hex(), body.mrConfigId().hex(), body.mrOwner().hex(),
                body.mrOwnerConfig().hex(), hex.formatHex(body.teeTcbSvn()),
                hex.formatHex(body.reportData())));
        assertThat(p.violations(v)).isEmpty();
        assertThat(rules(parse("{\"allowDebug\": true, \"minTeeTcbSvn\": \"04" + "00".repeat(15) + "\"}"), v))
                .containsExactly(Rule.TEE_TCB_SVN_TOO_LOW); // the quote's TEE_TCB_SVN[0] is 3
    }

    @Test
    @DisplayName("toJson is read back by fromJson, and toBuilder builds, an equal policy: strict, relying-party and a full policy")
    void roundTrip() {
        TdPolicy full = TdPolicy.builder().allowDebug(true).acceptedStatuses(Set.of(TcbStatus.UP_TO_DATE,
                TcbStatus.SW_HARDENING_NEEDED)).mrTd(MRTD_4).rtmr(1, "22".repeat(48)).mrConfigId("33".repeat(48))
                .mrOwner("44".repeat(48)).mrOwnerConfig("55".repeat(48)).mrServiceTd("66".repeat(48))
                .minTeeTcbSvn("03" + "00".repeat(15)).reportData("77".repeat(64)).build();
        for (TdPolicy p : List.of(full, TdPolicy.strict(), TdPolicy.relyingParty().build())) {
            assertThat(TdPolicy.fromJson(p.toJson().getBytes(StandardCharsets.UTF_8))).isEqualTo(p);
            assertThat(p.toBuilder().build()).isEqualTo(p);
        }
        assertThat(full).isNotEqualTo(TdPolicy.strict());
    }

    @Test
    @DisplayName("A misspelt, duplicated or mistyped field is an error in one sentence naming the field, never ignored")
    void strictDocument() {
        assertThatThrownBy(() -> parse("{\"mrtd\": \"" + MRTD_4 + "\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown field \"mrtd\"");
        assertThatThrownBy(() -> parse("{\"allowDebug\": false, \"allowDebug\": true}"))
                .hasMessageContaining("not valid JSON").hasMessageContaining("allowDebug");
        assertThatThrownBy(() -> parse("{\"allowDebug\": \"yes\"}")).hasMessageContaining("\"allowDebug\" must be true or false");
        assertThatThrownBy(() -> parse("{\"mrTd\": \"abcd\"}")).hasMessageContaining("\"mrTd\"").hasMessageContaining("48 bytes");
        assertThatThrownBy(() -> parse("{\"rtmrs\": {\"4\": \"" + MRTD_4 + "\"}}")).hasMessageContaining("\"0\" to \"3\"");
        assertThatThrownBy(() -> parse("{\"acceptedStatuses\": [\"Fine\"]}")).hasMessageContaining("\"Fine\"")
                .hasMessageContaining("OutOfDate");
        assertThatThrownBy(() -> parse("{\"acceptedStatuses\": []}")).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> parse("{\"version\": 2}")).hasMessageContaining("\"version\" must be 1");
        assertThatThrownBy(() -> parse("[]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> parse("{} {}")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("{\"reportData\": \"" + "00".repeat(65) + "\"}"))
                .hasMessageContaining("1 to 64 bytes");
    }

    /**
     * The schema and the parser describe the same document: the same field names, the same status names, and each
     * hex pattern of the schema accepts exactly the values the parser accepts.
     */
    @Test
    @DisplayName("td-policy.schema.json names exactly the fields, statuses and hex forms that fromJson accepts")
    void schemaMatchesParser() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(TdPolicy.jsonSchema());
        Set<String> names = new TreeSet<>();
        schema.get("properties").fieldNames().forEachRemaining(names::add);
        assertThat(names).isEqualTo(new TreeSet<>(TdPolicyJson.FIELDS));
        assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
        List<String> statuses = new ArrayList<>();
        schema.at("/properties/acceptedStatuses/items/enum").forEach(s -> statuses.add(s.asText()));
        assertThat(statuses).isEqualTo(TdPolicyJson.statusNames());

        Pattern measurement = Pattern.compile(schema.at("/$defs/measurement/pattern").asText());
        Pattern svn = Pattern.compile(schema.at("/properties/minTeeTcbSvn/pattern").asText());
        Pattern reportData = Pattern.compile(schema.at("/properties/reportData/pattern").asText());
        List<String> samples = List.of("", "0", "00", "ab".repeat(16), "AB".repeat(16), "0x" + "00".repeat(15),
                "00".repeat(47), MRTD_4, MRTD_4.toUpperCase(), MRTD_4 + "0", MRTD_4 + "00", "zz".repeat(48),
                "00".repeat(64), "00".repeat(65), "abc");
        for (String s : samples) {
            assertThat(accepted("mrTd", s)).as("mrTd %s", s).isEqualTo(measurement.matcher(s).matches());
            assertThat(accepted("mrServiceTd", s)).as("mrServiceTd %s", s).isEqualTo(measurement.matcher(s).matches());
            assertThat(accepted("minTeeTcbSvn", s)).as("minTeeTcbSvn %s", s).isEqualTo(svn.matcher(s).matches());
            assertThat(accepted("reportData", s)).as("reportData %s", s).isEqualTo(reportData.matcher(s).matches());
        }
    }

    private static boolean accepted(String field, String value) {
        try {
            parse("{\"" + field + "\": \"" + value + "\"}");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
