package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One JSON shape per field across commands: the cases where two commands used to disagree. */
class JsonShapesTest {
    private static final Path DATA = TestVectors.DIR;
    private static final String QUOTE = DATA.resolve("dcap-qvl/tdx_quote").toString();
    private static final String COLLATERAL = DATA.resolve("dcap-qvl/tdx_quote_collateral.json").toString();

    private static JsonNode json(String... args) throws IOException {
        CliRun r = CliRun.of(args);
        assertThat(r.err()).as(String.join(" ", args)).isEmpty();
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    @DisplayName("tdAttributes is {raw: 0x + 16 hex digits, flags: [names]} in verify, inspect and report alike")
    void tdAttributesHasOneShape() throws IOException {
        JsonNode verify = json("verify", QUOTE, "--collateral", COLLATERAL, "--at", "1751328000", "--json")
                .get("quoteFields").get("tdAttributes");
        JsonNode inspect = json("inspect", "--json", QUOTE).get("body").get("tdAttributes");
        assertThat(verify).isEqualTo(inspect);
        assertThat(verify.get("raw").asText()).isEqualTo("0x0000000010000000");
        assertThat(verify.get("flags").toString()).isEqualTo("[\"SEPT_VE_DISABLE\"]");
        JsonNode report = json("report", "--simulated", "--json").get("tdAttributes");
        assertThat(report.get("raw").asText()).matches("0x[0-9a-f]{16}");
        assertThat(report.get("flags").isArray()).isTrue();
    }

    @Test
    @DisplayName("quote --json has version as the number 4, not the string \"4\", as verify and inspect do")
    void quoteVersionIsANumber() throws IOException {
        JsonNode quote = json("quote", "--simulated", "--json");
        assertThat(quote.get("version").isInt()).isTrue();
        assertThat(quote.get("version").asInt()).isEqualTo(4);
        assertThat(json("inspect", "--json", QUOTE).get("header").get("version").isInt()).isTrue();
    }

    @Test
    @DisplayName("teeType is 0x and eight hex digits in quote, verify and inspect alike")
    void teeTypeHasOneShape() throws IOException {
        assertThat(json("quote", "--simulated", "--json").get("teeType").asText()).isEqualTo("0x00000081");
        assertThat(json("verify", QUOTE, "--collateral", COLLATERAL, "--at", "1751328000", "--json")
                .get("quoteFields").get("teeType").asText()).isEqualTo("0x00000081");
        assertThat(json("inspect", "--json", QUOTE).get("header").get("teeType").asText()).isEqualTo("0x00000081");
    }

    @Test
    @DisplayName("verify --json has a verified boolean and the verification time, for a pass and for a failure")
    void verifyHasVerifiedAndTime() throws IOException {
        JsonNode ok = json("verify", QUOTE, "--collateral", COLLATERAL, "--at", "2025-07-01T00:00:00Z", "--json");
        assertThat(ok.get("verified").isBoolean()).isTrue();
        assertThat(ok.get("verified").asBoolean()).isTrue();
        assertThat(ok.get("verifiedAt").asText()).isEqualTo("2025-07-01T00:00:00Z");
        CliRun failed = CliRun.of("verify", DATA.resolve("dcap-qvl/tdx-quote.hex").toString(), "--collateral",
                COLLATERAL, "--at", "1751328000", "--json");
        JsonNode f = new ObjectMapper().readTree(failed.out());
        assertThat(f.get("verified").asBoolean()).isFalse();
        assertThat(f.get("verifiedAt").asText()).isEqualTo("2025-07-01T00:00:00Z");
    }

    @Test
    @DisplayName("detect, quote, report, rtmr and verify use lowerCamelCase keys only (detect had CPU_FLAG beside tdxGuest)")
    void keysAreCamelCase() throws IOException {
        List<JsonNode> outputs = List.of(json("detect", "--json"), json("quote", "--simulated", "--json"),
                json("report", "--simulated", "--json"), json("rtmr", "--simulated", "--json"),
                json("verify", QUOTE, "--collateral", COLLATERAL, "--at", "1751328000", "--json"));
        List<String> keys = new ArrayList<>();
        outputs.forEach(o -> collectKeys(o, keys));
        assertThat(keys).isNotEmpty().allSatisfy(k -> assertThat(k).matches("[a-z][A-Za-z0-9]*"));
    }

    private static void collectKeys(JsonNode n, List<String> keys) {
        if (n.isObject()) {
            n.properties().forEach(e -> {
                keys.add(e.getKey());
                collectKeys(e.getValue(), keys);
            });
        } else if (n.isArray()) {
            n.forEach(e -> collectKeys(e, keys));
        }
    }
}
