package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.cli.AttestationBackends.Missing;
import io.github.tdx4j.cli.AttestationBackends.Need;
import io.github.tdx4j.cli.AttestationBackends.PlatformEvidence;
import io.github.tdx4j.cli.AttestationBackends.Ready;
import io.github.tdx4j.cli.AttestationBackends.Selection;
import io.github.tdx4j.guest.attest.AttestationException;
import io.github.tdx4j.guest.attest.TdAttestation;
import io.github.tdx4j.linux.TdxDiagnostics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** report, quote, extend and rtmr: backend choice, output, files and the one-sentence failures. */
class AttestationCommandsTest {
    @TempDir
    Path tmp;

    /** An in-memory TD: the report echoes REPORTDATA, the quote is a v4 header plus REPORTDATA, extends hash. */
    static final class MemoryTd implements TdAttestation {
        final byte[][] rtmr = new byte[4][48];
        final List<RtmrEvent> log = new ArrayList<>();
        AttestationException failure;

        @Override
        public byte[] report(byte[] reportData) {
            byte[] r = new byte[1024];
            r[0] = (byte) 0x81;
            System.arraycopy(reportData, 0, r, 128, 64);
            for (int i = 0; i < 4; i++) {
                System.arraycopy(rtmr[i], 0, r, 720 + 48 * i, 48);
            }
            return r;
        }

        @Override
        public byte[] quote(byte[] reportData) {
            if (failure != null) {
                throw failure;
            }
            return quoteFor(reportData);
        }

        static byte[] quoteFor(byte[] reportData) {
            byte[] q = new byte[632];
            q[0] = 4;
            q[4] = (byte) 0x81;
            System.arraycopy(reportData, 0, q, 568, 64);
            return q;
        }

        @Override
        public void extendRtmr(int index, byte[] digest, String description) {
            rtmr[index] = sha384(rtmr[index], digest);
            log.add(new RtmrEvent(index, digest, description));
        }

        @Override
        public List<byte[]> rtmrs() {
            return Arrays.stream(rtmr).map(byte[]::clone).toList();
        }

        @Override
        public List<RtmrEvent> eventLog() {
            return List.copyOf(log);
        }
    }

    static byte[] sha384(byte[] a, byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-384");
            md.update(a);
            md.update(b);
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    record Backends(Selection real, Selection simulated) implements AttestationBackends {
        @Override
        public Selection real(Need need) {
            return real;
        }

        @Override
        public Selection simulated() {
            return simulated;
        }
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(AttestationBackends backends, String... args) {
        CommandLine cl = Main.commandLine(backends);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    final MemoryTd td = new MemoryTd();
    final Backends onTd = new Backends(new Ready(td, "linux", Optional.empty()),
            new Missing("--simulated is not available in this test"));

    @Test
    @DisplayName("quote --out writes exactly the raw quote bytes and says where")
    void quoteOut() throws Exception {
        Path file = tmp.resolve("quote.dat");

        Run r = run(onTd, "quote", "--report-data", "0xAABB", "--out", file.toString());

        byte[] data = new byte[64];
        data[0] = (byte) 0xAA;
        data[1] = (byte) 0xBB;
        assertThat(r.exit()).isZero();
        assertThat(Files.readAllBytes(file)).isEqualTo(MemoryTd.quoteFor(data));
        assertThat(r.out()).contains("632 bytes, version 4, TEE type 0x81").contains("written to");
        assertThat(r.err()).isEmpty();
    }

    @Test
    @DisplayName("quote --json has backend, size, version as a number, TEE type as a 32-bit hex code and the quote in hex")
    void quoteJson() throws Exception {
        Run r = run(onTd, "quote", "--json");

        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(r.exit()).isZero();
        assertThat(j.get("backend").asText()).isEqualTo("linux");
        assertThat(j.get("size").asInt()).isEqualTo(632);
        assertThat(j.get("version").isInt()).as("version is a number, not the string \"4\"").isTrue();
        assertThat(j.get("version").asInt()).isEqualTo(4);
        assertThat(j.get("teeType").asText()).isEqualTo("0x00000081");
        assertThat(HexFormat.of().parseHex(j.get("quote").asText())).isEqualTo(MemoryTd.quoteFor(new byte[64]));
    }

    @Test
    @DisplayName("report --json pads --report-data to 64 bytes and decodes the RTMRs from the TDREPORT")
    void reportJson() throws Exception {
        td.extendRtmr(1, new byte[48], "x");

        Run r = run(onTd, "report", "--report-data", "0011", "--json");

        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(r.exit()).isZero();
        assertThat(j.get("reportData").asText()).isEqualTo("0011" + "00".repeat(62));
        assertThat(j.get("reportType").get("type").asText()).isEqualTo("0x81");
        assertThat(j.get("rtmrs").get(1).asText()).isEqualTo(HexFormat.of().formatHex(td.rtmr[1]));
        assertThat(j.get("tdReport").asText()).hasSize(2048);
        assertThat(j.get("tdAttributes").get("raw").asText()).matches("0x[0-9a-f]{16}");
        assertThat(j.get("tdAttributes").get("flags").isArray()).isTrue();
    }

    @Test
    @DisplayName("extend then rtmr: RTMR[2] = SHA-384(old || digest)")
    void extendThenRead() {
        byte[] digest = new byte[48];
        Arrays.fill(digest, (byte) 7);
        String expected = HexFormat.of().formatHex(sha384(new byte[48], digest));

        Run e = run(onTd, "extend", "--rtmr", "2", "--digest", HexFormat.of().formatHex(digest));
        Run r = run(onTd, "rtmr");

        assertThat(e.exit()).isZero();
        assertThat(e.out()).contains("rtmr2    " + expected);
        assertThat(r.out()).contains("rtmr2    " + expected).contains("rtmr3    " + "00".repeat(48));
        assertThat(td.eventLog()).hasSize(1);
    }

    @Test
    @DisplayName("rtmr --json and extend --json: the four RTMRs as the array rtmrs (rtmr had no --json)")
    void rtmrAndExtendJson() throws Exception {
        byte[] digest = new byte[48];
        Arrays.fill(digest, (byte) 9);
        String expected = HexFormat.of().formatHex(sha384(new byte[48], digest));

        Run e = run(onTd, "extend", "--rtmr", "3", "--digest", HexFormat.of().formatHex(digest), "--json");
        Run r = run(onTd, "rtmr", "--json");

        assertThat(e.exit()).as(e.err()).isZero();
        JsonNode ej = new ObjectMapper().readTree(e.out());
        assertThat(ej.get("index").asInt()).isEqualTo(3);
        assertThat(ej.get("digest").asText()).isEqualTo(HexFormat.of().formatHex(digest));
        assertThat(ej.get("rtmrs").get(3).asText()).isEqualTo(expected);
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode rj = new ObjectMapper().readTree(r.out());
        assertThat(rj.get("backend").asText()).isEqualTo("linux");
        assertThat(rj.get("rtmrs")).hasSize(4);
        assertThat(rj.get("rtmrs").get(3).asText()).isEqualTo(expected);
        assertThat(rj.get("rtmrs").get(0).asText()).isEqualTo("00".repeat(48));
    }

    @Test
    @DisplayName("no backend: exit 1 and exactly one sentence on stderr, nothing on stdout")
    void missingIsOneSentence() {
        Backends none = new Backends(new Missing("cannot get a TDX quote on this machine because X"),
                new Missing("unused"));

        Run r = run(none, "quote");

        assertThat(r.exit()).isEqualTo(Main.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).containsExactly("tdx4j quote: cannot get a TDX quote on this machine "
                + "because X.");
    }

    @Test
    @DisplayName("a backend failure prints its detail, reason and origin in one line, exit 1")
    void backendFailure() {
        td.failure = new AttestationException(AttestationException.Reason.HOST_ERROR, Origin.VMM, "linux.quote",
                "the host returned an empty quote");

        Run r = run(onTd, "quote");

        assertThat(r.exit()).isEqualTo(Main.USAGE);
        assertThat(r.err().lines().toList()).containsExactly(
                "tdx4j quote: the host returned an empty quote [HOST_ERROR, origin VMM]");
    }

    @Test
    @DisplayName("quote --simulated: a quote from the embedded simulator that tdx4j verify accepts with the simulated root")
    void simulatedQuoteVerifies() throws Exception {
        Path quote = tmp.resolve("q.dat");
        Path collateral = tmp.resolve("c.json");
        Path root = tmp.resolve("root.pem");
        Run r = run(AttestationBackends.DEFAULT, "quote", "--simulated", "--report-data", "00112233",
                "--out", quote.toString(), "--collateral-out", collateral.toString(), "--root-out", root.toString(),
                "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("backend").asText()).isEqualTo("simulated");
        assertThat(json.get("teeType").asText()).isEqualTo("0x00000081");

        CliRun ok = CliRun.of("verify", quote.toString(), "--collateral", collateral.toString(),
                "--root", root.toString(), "--json");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        JsonNode v = new ObjectMapper().readTree(ok.out());
        assertThat(v.get("status").asText()).isEqualTo("UpToDate");
        assertThat(v.get("quoteFields").get("reportData").asText()).startsWith("00112233").endsWith("0000");

        CliRun intel = CliRun.of("verify", quote.toString(), "--collateral", collateral.toString(), "--json");
        assertThat(intel.exitCode()).as("Intel's production root does not trust the simulated platform").isEqualTo(2);
    }

    @Test
    @DisplayName("--simulated quote writes the platform's collateral JSON and root PEM where asked")
    void simulatedEvidenceFiles() throws Exception {
        PlatformEvidence evidence = new PlatformEvidence() {
            @Override
            public String collateralJson() {
                return "{\"version\":3}";
            }

            @Override
            public String rootCertificatePem() {
                return "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
            }
        };
        Backends sim = new Backends(new Missing("not a TD"), new Ready(td, "simulated", Optional.of(evidence)));

        Run r = run(sim, "quote", "--simulated", "--out", tmp.resolve("q").toString(), "--collateral-out",
                tmp.resolve("c.json").toString(), "--root-out", tmp.resolve("root.pem").toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("simulated");
        assertThat(Files.readString(tmp.resolve("c.json"))).isEqualTo("{\"version\":3}");
        assertThat(Files.readString(tmp.resolve("root.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    @DisplayName("--collateral-out without --simulated is a usage error before any backend is asked")
    void collateralNeedsSimulated() {
        Run r = run(onTd, "quote", "--collateral-out", tmp.resolve("c.json").toString());

        assertThat(r.exit()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("need --simulated");
        assertThat(Files.exists(tmp.resolve("c.json"))).isFalse();
    }

    @Test
    @DisplayName("bad hex, over-long REPORTDATA, a 47-byte digest and RTMR 4 are usage errors")
    void badArguments() {
        assertThat(run(onTd, "report", "--report-data", "abc").exit()).isEqualTo(Main.USAGE);
        assertThat(run(onTd, "report", "--report-data", "00".repeat(65)).err()).contains("at most 64");
        assertThat(run(onTd, "extend", "--rtmr", "2", "--digest", "00".repeat(47)).err()).contains("48 bytes");
        assertThat(run(onTd, "extend", "--rtmr", "4", "--digest", "00".repeat(48)).err()).contains("0..3");
        assertThat(td.eventLog()).isEmpty();
    }

    @Test
    @DisplayName("on a machine that is not a TD, `tdx4j quote` prints one sentence naming what is missing, exit 1")
    void thisMachineQuote() {
        TdxDiagnostics d = TdxDiagnostics.probe();
        assumeFalse(d.offers(TdxDiagnostics.Feature.QUOTE), "this machine offers configfs-tsm quotes");

        Run r = run(AttestationBackends.DEFAULT, "quote");

        assertThat(r.exit()).isEqualTo(Main.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("tdx4j quote: cannot get a TDX quote on this machine because ")
                .contains(d.whyNot(TdxDiagnostics.Feature.QUOTE).orElseThrow())
                .endsWith("add --simulated to use the embedded simulator.");
    }
}
