package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tdx4j inspect} on the repository's test vectors ({@code vectors/}). */
class InspectCommandTest {
    private static final Path DATA = TestVectors.DIR;

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String file(String relative) {
        return DATA.resolve(relative).toString();
    }

    @Test
    @DisplayName("a v4 quote prints header, body, QE report and the PCK certificate's FMSPC, PCEID, PCESVN and TCB components")
    void quoteText() {
        Run r = run("inspect", file("trustee/tdx_quote_4.dat"));
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("TD quote")
                .containsPattern("version +4")
                .containsPattern("mrTd +705ee9381b8633a9fbe532b52345e8433343d2868959f57889d84ca377c395b689cac1599ccea1b7d420483a9ce5f031")
                .contains("[DEBUG, SEPT_VE_DISABLE]")
                .containsPattern("isvSvn +\\d+")
                .containsPattern("fmspc +50806f000000")
                .containsPattern("pceId +0000")
                .containsPattern("pceSvn +11")
                .containsPattern("tcbComponents +\\[5, 5, 13, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0\\]")
                .contains("CN=Intel SGX PCK Certificate");
    }

    @Test
    @DisplayName("--json prints one JSON object with the same facts, including v5 body type and trailing bytes")
    void quoteJson() throws IOException {
        Run r = run("inspect", "--json", file("go-tdx-guest/tdx_prod_quote_SPR_E4.dat"));
        assertThat(r.exit()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.path("kind").asText()).isEqualTo("TD quote");
        assertThat(j.path("header").path("version").asInt()).isEqualTo(4);
        assertThat(j.path("body").path("tdAttributes").path("flags").toString()).isEqualTo("[\"PKS\"]");
        JsonNode inner = j.path("signatureData").path("certificationData").path("certificationData");
        assertThat(inner.path("pck").path("fmspc").asText()).isEqualTo("50806f000000");
        assertThat(inner.path("pck").path("pceSvn").asInt()).isEqualTo(11);
        assertThat(inner.path("pck").path("tcbComponents").size()).isEqualTo(16);
        assertThat(j.path("trailingBytes").path("length").asInt()).isEqualTo(39);

        JsonNode v5 = new ObjectMapper().readTree(run("inspect", "--json", file("trustee/tdx_quote_5.dat")).out());
        assertThat(v5.path("bodyType").asInt()).isEqualTo(3);
        assertThat(v5.path("layout").asText()).isEqualTo("TDX 1.5");
        assertThat(v5.path("body").path("mrServiceTd").asText()).startsWith("383c87d3");
    }

    @Test
    @DisplayName("an SGX quote v3 prints its enclave report, QE report and PCK extension")
    void sgxQuote() {
        Run r = run("inspect", file("dcap-qvl/sgx_quote"));
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("SGX quote").contains("enclaveReport").containsPattern("qeSvn +\\d+")
                .contains("CN=Intel SGX PCK Processor CA").containsPattern("fmspc +[0-9a-f]{12}");
    }

    @Test
    @DisplayName("hex text with a 0x prefix is decoded before inspection")
    void hexQuote() {
        Run r = run("inspect", file("dcap-qvl/tdx-quote.hex"));
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("hex text").containsPattern("fmspc +b0c06f000000");
    }

    @Test
    @DisplayName("a TDREPORT prints every field and the hash self-check")
    void tdReport() throws IOException {
        Run r = run("inspect", "--json", file("guest-components/tdx_report_1.bin"));
        assertThat(r.exit()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.path("kind").asText()).isEqualTo("TDREPORT_STRUCT");
        assertThat(j.path("reportMacStruct").path("reportType").path("version").asInt()).isEqualTo(1);
        assertThat(j.path("tdInfo").path("rtmrs").path(0).asText()).startsWith("f4ec1a04");
        assertThat(j.path("selfCheck").path("teeTcbInfoHashMatches").asBoolean()).isTrue();
        assertThat(j.path("selfCheck").path("teeInfoHashMatches").asBoolean()).isTrue();
    }

    @Test
    @DisplayName("collateral JSON lists its items with their dates")
    void collateral() {
        Run r = run("inspect", file("dcap-qvl/tdx_quote_collateral.json"));
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("QuoteCollateralV3")
                .containsPattern("nextUpdate +2025-07-19T10:00:35Z")
                .containsPattern("fmspc +B0C06F000000")
                .containsPattern("id +TD_QE")
                .contains("CN=Intel SGX TCB Signing");
    }

    @Test
    @DisplayName("the CCEL event log replays to the RTMRs of its quote")
    void eventLog() {
        Run r = run("inspect", file("go-tdx-guest/ccel/ccel_data.dat"));
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("events (43)").containsPattern(
                "rtmr0 +3fa2f61f395b7f5feefb4ec2df61297f109ad8abcd6410c1b7df60f21f37b19297fc35e544039c7e1edece752afd17f6");
    }

    @Test
    @DisplayName("bad input: one sentence on stderr, exit 1, no stack trace")
    void badInput(@TempDir Path tmp) throws IOException {
        Run mock = run("inspect", file("go-tdx-guest/report.dat"));
        assertThat(mock.exit()).isEqualTo(Main.USAGE);
        assertThat(mock.out()).isEmpty();
        assertThat(mock.err()).contains("MALFORMED_TDREPORT").contains("REPORTTYPE.TYPE").doesNotContain("\tat ");
        assertThat(mock.err().strip().lines()).hasSize(1);

        Path cut = tmp.resolve("cut.dat");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(DATA.resolve("trustee/tdx_quote_4.dat")), 1000));
        Run truncated = run("inspect", cut.toString());
        assertThat(truncated.exit()).isEqualTo(Main.USAGE);
        assertThat(truncated.err()).contains("MALFORMED_QUOTE").contains("signature_data at offset 636");

        Run missing = run("inspect", tmp.resolve("absent").toString());
        assertThat(missing.exit()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("cannot read").contains("no such file");

        Path text = tmp.resolve("note.txt");
        Files.writeString(text, "hello, world\n");
        Run notEvidence = run("inspect", text.toString());
        assertThat(notEvidence.exit()).isEqualTo(Main.USAGE);
        assertThat(notEvidence.err()).contains("neither collateral JSON nor hex");

        Path empty = tmp.resolve("empty.bin");
        Files.write(empty, new byte[0]);
        Run nothing = run("inspect", empty.toString());
        assertThat(nothing.exit()).isEqualTo(Main.USAGE);
        assertThat(nothing.err().strip()).endsWith("is empty.");

        byte[] sgx = Files.readAllBytes(DATA.resolve("dcap-qvl/sgx_quote"));
        Path p384 = tmp.resolve("p384.dat");
        sgx[2] = 3;
        Files.write(p384, sgx);
        Run unsupported = run("inspect", p384.toString());
        assertThat(unsupported.exit()).isEqualTo(Main.USAGE);
        assertThat(unsupported.err()).contains("UNSUPPORTED_QUOTE").contains("att_key_type");
    }
}
