package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The contract of {@code tdx4j verify}: exit codes, JSON fields, input forms. */
class VerifyCommandTest {
    private static final Path DATA = TestVectors.DIR;
    private static final String QUOTE = DATA.resolve("dcap-qvl/tdx_quote").toString();
    private static final String COLLATERAL = DATA.resolve("dcap-qvl/tdx_quote_collateral.json").toString();

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    @DisplayName("--json on dcap-qvl/tdx_quote at 1751328000: exit 0, status UpToDate, no error, quote fields in lowercase hex")
    void jsonVerified() throws Exception {
        Run r = run("verify", QUOTE, "--collateral", COLLATERAL, "--at", "1751328000", "--json");
        assertThat(r.exit()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("status").asText()).isEqualTo("UpToDate");
        assertThat(j.get("advisoryIds").isArray()).isTrue();
        assertThat(j.get("advisoryIds")).isEmpty();
        assertThat(j.get("collateralExpired").asBoolean()).isFalse();
        assertThat(j.get("error").isNull()).isTrue();
        JsonNode q = j.get("quoteFields");
        assertThat(q.get("version").asInt()).isEqualTo(4);
        assertThat(q.get("teeType").asText()).isEqualTo("0x00000081");
        assertThat(q.get("mrTd").asText()).isEqualTo(
                "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7");
        assertThat(q.get("rtmrs")).hasSize(4);
        assertThat(q.get("reportData").asText()).hasSize(128).isLowerCase();
        assertThat(q.get("tdAttributes").get("raw").asText()).isEqualTo("0x0000000010000000");
        assertThat(q.get("tdAttributes").get("flags").toString()).isEqualTo("[\"SEPT_VE_DISABLE\"]");
        assertThat(q.get("fmspc").asText()).isEqualTo("b0c06f000000");
        assertThat(j.has("timing")).isFalse();
    }

    @Test
    @DisplayName("A failed verification exits 2 with status null and the UPPER_SNAKE error (tdx-quote.hex: TCB_NOT_SUPPORTED)")
    void jsonFailed() throws Exception {
        Run r = run("verify", DATA.resolve("dcap-qvl/tdx-quote.hex").toString(), "--collateral", COLLATERAL,
                "--at", "2025-07-01T00:00:00Z", "--json");
        assertThat(r.exit()).isEqualTo(Main.CHECK_FAILED);
        JsonNode j = r.json();
        assertThat(j.get("status").isNull()).isTrue();
        assertThat(j.get("error").asText()).isEqualTo("TCB_NOT_SUPPORTED");
        assertThat(j.get("quoteFields").get("fmspc").asText()).isEqualTo("b0c06f000000");
        assertThat(r.err()).isEmpty();
    }

    @Test
    @DisplayName("A quote given as 0x-prefixed hex text verifies like the binary file")
    void hexQuote(@TempDir Path dir) throws Exception {
        Path hex = dir.resolve("quote.hex");
        Files.writeString(hex, "0x" + HexFormat.of().formatHex(Files.readAllBytes(Path.of(QUOTE))) + "\n");
        Run r = run("verify", hex.toString(), "--collateral", COLLATERAL, "--at", "1751328000", "--json");
        assertThat(r.exit()).isZero();
        assertThat(r.json().get("status").asText()).isEqualTo("UpToDate");
    }

    @Test
    @DisplayName("--repeat adds timing with medianMicros and p90Micros")
    void repeat() throws Exception {
        Run r = run("verify", QUOTE, "--collateral", COLLATERAL, "--at", "1751328000", "--json", "--repeat", "3");
        assertThat(r.exit()).isZero();
        JsonNode t = r.json().get("timing");
        assertThat(t.get("medianMicros").asLong()).isPositive();
        assertThat(t.get("p90Micros").asLong()).isGreaterThanOrEqualTo(t.get("medianMicros").asLong());
        assertThat(t.get("iterations").asInt()).isEqualTo(3);
    }

    @Test
    @DisplayName("--no-cache verifies with nothing kept between calls and gives the same verdicts")
    void noCache() throws Exception {
        Run r = run("verify", QUOTE, "--collateral", COLLATERAL, "--at", "1751328000", "--json", "--no-cache");
        assertThat(r.exit()).isZero();
        assertThat(r.json().get("status").asText()).isEqualTo("UpToDate");
        Run broken = run("verify", QUOTE, "--collateral", COLLATERAL, "--at", "1700000000", "--json", "--no-cache");
        assertThat(broken.exit()).isEqualTo(2);
    }

    @Test
    @DisplayName("Human-readable output names the TCB status and the expiring collateral item")
    void text() {
        Run r = run("verify", QUOTE, "--collateral", COLLATERAL, "--at", "1751328000");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("TCB status  UpToDate").contains("PCK CRL").contains("FMSPC b0c06f000000");
    }

    @Test
    @DisplayName("dcap-qvl/sgx_quote (SGX v3): exit 0, ConfigurationAndSWHardeningNeeded with INTEL-SA-00289 and INTEL-SA-00615")
    void sgxQuote() throws Exception {
        Run r = run("verify", DATA.resolve("dcap-qvl/sgx_quote").toString(), "--collateral",
                DATA.resolve("dcap-qvl/sgx_quote_collateral.json").toString(), "--at", "1751328000", "--json");
        assertThat(r.exit()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("status").asText()).isEqualTo("ConfigurationAndSWHardeningNeeded");
        assertThat(j.get("advisoryIds")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("INTEL-SA-00289", "INTEL-SA-00615");
        assertThat(j.get("quoteFields").get("version").asInt()).isEqualTo(3);
        assertThat(j.get("quoteFields").get("mrTd").isNull()).isTrue();
    }

    @Test
    @DisplayName("Expired collateral still exits 0 with collateralExpired true")
    void expired() throws Exception {
        Run r = run("verify", QUOTE, "--collateral", COLLATERAL, "--at", "2026-01-01T00:00:00Z", "--json");
        assertThat(r.exit()).isZero();
        assertThat(r.json().get("collateralExpired").asBoolean()).isTrue();
    }

    @Test
    @DisplayName("--root: Intel's root as PEM verifies; Intel's sample test root makes the PCK chain untrusted (exit 2)")
    void root() throws Exception {
        assertThat(run("verify", QUOTE, "--collateral", COLLATERAL, "--at", "1751328000",
                "--root", DATA.resolve("go-tdx-guest/trusted_root.pem").toString()).exit()).isZero();
        Run r = run("verify", QUOTE, "--collateral", COLLATERAL, "--at", "1751328000", "--json",
                "--root", DATA.resolve("intel-qvl/trustedRootCaCert.pem").toString());
        assertThat(r.exit()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.json().get("error").asText()).isEqualTo("CRL_INVALID"); // the root CRL is checked first
    }

    @Test
    @DisplayName("Usage and I/O errors exit 1 with one line on stderr and no stack trace")
    void usageErrors(@TempDir Path dir) throws Exception {
        Run missing = run("verify", dir.resolve("nope").toString(), "--collateral", COLLATERAL);
        assertThat(missing.exit()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("cannot read").doesNotContain("Exception").doesNotContain("\tat ");
        Run badTime = run("verify", QUOTE, "--collateral", COLLATERAL, "--at", "tomorrow");
        assertThat(badTime.exit()).isEqualTo(Main.USAGE);
        assertThat(badTime.err()).contains("--at");
        Run noCollateral = run("verify", QUOTE, "--pccs", "http://127.0.0.1:1", "--no-cache"); // nothing listens
        assertThat(noCollateral.exit()).isEqualTo(Main.USAGE);
        Path notRoot = dir.resolve("root.pem");
        Files.writeString(notRoot, "not a certificate");
        Run badRoot = run("verify", QUOTE, "--collateral", COLLATERAL, "--root", notRoot.toString());
        assertThat(badRoot.exit()).isEqualTo(Main.USAGE);
        assertThat(badRoot.err()).doesNotContain("\tat ");
        Run badRepeat = run("verify", QUOTE, "--collateral", COLLATERAL, "--repeat", "0");
        assertThat(badRepeat.exit()).isEqualTo(Main.USAGE);
    }

    @Test
    @DisplayName("Trailing bytes after the signature data are tolerated and reported: SPR_E4 39 (TCB_NOT_SUPPORTED), dcap-qvl tdx_quote 70")
    void trailingBytesReported() throws Exception {
        Run spr = run("verify", DATA.resolve("go-tdx-guest/tdx_prod_quote_SPR_E4.dat").toString(), "--collateral",
                DATA.resolve("go-tdx-guest/derived_collateral_v4.json").toString(), "--at", "1688173200", "--json");
        assertThat(spr.json().get("error").asText()).isEqualTo("TCB_NOT_SUPPORTED");
        assertThat(spr.json().get("quoteFields").get("trailingBytes").asInt()).isEqualTo(39);
        Run dcap = run("verify", QUOTE, "--collateral", COLLATERAL, "--at", "1751328000", "--json");
        assertThat(dcap.json().get("status").asText()).isEqualTo("UpToDate");
        assertThat(dcap.json().get("quoteFields").get("trailingBytes").asInt()).isEqualTo(70);
        Run text = run("verify", QUOTE, "--collateral", COLLATERAL, "--at", "1751328000");
        assertThat(text.out()).contains("trailing    70 bytes after the signature data (not verified)");
    }

    @Test
    @DisplayName("--at beyond the range of a long or of Instant is a usage error in one sentence, exit 1")
    void atOutOfRange() {
        for (String at : new String[] {"99999999999999999999", "999999999999999999"}) {
            CliRun r = CliRun.of("verify", QUOTE, "--collateral", COLLATERAL, "--at", at);
            assertThat(r.exitCode()).isEqualTo(Main.USAGE);
            assertThat(r.err().lines().toList())
                    .containsExactly("tdx4j verify: --at '" + at + "' is beyond the range of epoch seconds");
        }
    }

    @Test
    @DisplayName("Collateral that is not QuoteCollateralV3 JSON fails verification with MALFORMED_COLLATERAL (exit 2)")
    void malformedCollateral(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("c.json");
        Files.writeString(bad, "{\"tcb_info\": 5}");
        Run r = run("verify", QUOTE, "--collateral", bad.toString(), "--at", "1751328000", "--json");
        assertThat(r.exit()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.json().get("error").asText()).isEqualTo("MALFORMED_COLLATERAL");
        assertThat(r.json().get("quoteFields").isNull()).isTrue();
    }
}
