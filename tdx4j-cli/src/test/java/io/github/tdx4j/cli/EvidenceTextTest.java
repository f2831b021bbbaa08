package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output of {@code tdx4j quote --json} is evidence that verify and inspect accept; other JSON is named as such. */
class EvidenceTextTest {
    @Test
    @DisplayName("tdx4j quote --simulated --json printed to a file: verify accepts it with the simulated root, inspect shows the quote")
    void quoteJsonIsEvidence(@TempDir Path dir) throws Exception {
        Path collateral = dir.resolve("c.json");
        Path root = dir.resolve("root.pem");
        CliRun quote = CliRun.of("quote", "--simulated", "--report-data", "0xc0ffee", "--json",
                "--collateral-out", collateral.toString(), "--root-out", root.toString());
        assertThat(quote.exitCode()).isEqualTo(Main.OK);
        Path printed = dir.resolve("quote.json");
        Files.writeString(printed, quote.out());

        CliRun verify = CliRun.of("verify", printed.toString(), "--collateral", collateral.toString(),
                "--root", root.toString(), "--json");
        assertThat(verify.err()).isEmpty();
        assertThat(verify.exitCode()).isEqualTo(Main.OK);
        var v = new ObjectMapper().readTree(verify.out());
        assertThat(v.get("status").asText()).isEqualTo("UpToDate");
        assertThat(v.get("quoteFields").get("reportData").asText()).startsWith("c0ffee00");

        CliRun inspect = CliRun.of("inspect", printed.toString(), "--json");
        assertThat(inspect.exitCode()).isEqualTo(Main.OK);
        var i = new ObjectMapper().readTree(inspect.out());
        assertThat(i.get("kind").asText()).startsWith("TD quote");
        assertThat(i.get("encoding").asText()).isEqualTo("tdx4j quote --json");
    }

    @Test
    @DisplayName("inspect calls only collateral-shaped JSON collateral; verify refuses JSON without a quote with exit 1")
    void otherJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("other.json");
        Files.writeString(json, "{\"backend\":\"x\",\"size\":3}");
        CliRun inspect = CliRun.of("inspect", json.toString());
        assertThat(inspect.exitCode()).isEqualTo(Main.USAGE);
        assertThat(inspect.err().lines().toList()).singleElement().asString()
                .startsWith("tdx4j inspect: " + json + " is JSON but none of: QuoteCollateralV3");

        Path collateral = dir.resolve("c.json");
        CliRun.of("quote", "--simulated", "--collateral-out", collateral.toString());
        CliRun verify = CliRun.of("verify", collateral.toString(), "--collateral", collateral.toString());
        assertThat(verify.exitCode()).isEqualTo(Main.USAGE);
        assertThat(verify.err().lines().toList()).containsExactly("tdx4j verify: " + collateral
                + ": is JSON but has no \"quote\" field as tdx4j quote --json prints it.");
    }

    @Test
    @DisplayName("Hex and JSON that are not well formed give a phrase, never a wrong kind")
    void badText() {
        assertThatThrownBy(() -> EvidenceText.decode("0xabc".getBytes(StandardCharsets.US_ASCII)))
                .hasMessage("holds an odd number of hex digits (3)");
        assertThatThrownBy(() -> EvidenceText.decode("{\"quote\":\"xyz\"}".getBytes(StandardCharsets.US_ASCII)))
                .hasMessage("has a \"quote\" field that is not hex");
        assertThatThrownBy(() -> EvidenceText.decode("{\"quote\":".getBytes(StandardCharsets.US_ASCII)))
                .hasMessage("starts with '{' but ends in the middle of a JSON value at line 1, column 10");
        assertThat(EvidenceText.decode(new byte[] {4, 0, 2, 0}).encoding()).isEqualTo(EvidenceText.Encoding.BINARY);
    }
}
