package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.trace.TraceEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tdx4j demo}: what a user reads in its text and relies on in its JSON. */
class DemoCommandTest {
    private static String text;
    private static int textExit;
    private static JsonNode json;
    private static int jsonExit;

    @BeforeAll
    static void runBoth() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        textExit = cl.execute("demo");
        text = out.toString();
        StringWriter jout = new StringWriter();
        CommandLine jl = Main.commandLine();
        jl.setOut(new PrintWriter(jout, true));
        jsonExit = jl.execute("demo", "--json");
        json = new ObjectMapper().readTree(jout.toString());
    }

    @Test
    @DisplayName("The demo passes its own checks (exit 0) in both formats")
    void exitCodes() {
        assertThat(textExit).isZero();
        assertThat(jsonExit).isZero();
        assertThat(text).contains("checks").containsPattern("\\d+ passed, 0 failed");
    }

    @Test
    @DisplayName("JSON console is the UART text written through port I/O #VEs")
    void console() {
        assertThat(json.get("console").asText()).isEqualTo(DemoRun.CONSOLE_LINE);
    }

    @Test
    @DisplayName("JSON events: kind TDCALL/TDVMCALL/VE, spec leaf names, decoded status, origin null or an Origin; "
            + "#VE events carry the exit reason as a number")
    void events() {
        List<String> kinds = new ArrayList<>();
        for (JsonNode e : json.get("events")) {
            String kind = e.get("kind").asText();
            kinds.add(kind);
            assertThat(kind).isIn("TDCALL", "TDVMCALL", "VE");
            assertThat(e.get("leaf").asText()).isNotBlank();
            assertThat(e.get("status").asText()).isNotBlank();
            assertThat(e.has("origin")).isTrue();
            assertThat(e.get("origin").isNull() || List.of("GUEST_BUG", "TDX_MODULE", "VMM")
                    .contains(e.get("origin").asText())).isTrue();
            if (kind.equals("VE")) {
                assertThat(e.get("exitReason").isNumber()).isTrue();
            }
        }
        assertThat(kinds).contains("TDCALL", "TDVMCALL", "VE");
        List<String> leaves = new ArrayList<>();
        json.get("events").forEach(e -> leaves.add(e.get("leaf").asText()));
        assertThat(leaves).contains("TDG.VP.INFO", "TDG.MEM.PAGE.ACCEPT", "TDG.VP.VEINFO.GET", "Instruction.IO",
                "Instruction.CPUID", "Instruction.RDMSR", "#VE.RequestMMIO", "MapGPA", "Instruction.HLT",
                "TDG.MR.RTMR.EXTEND", "TDG.MR.REPORT", "GetQuote", "IO_INSTRUCTION", "EPT_VIOLATION", "CPUID",
                "MSR_READ", "HLT");
    }

    @Test
    @DisplayName("JSON rtmrs, reportData and quote are lowercase hex; the quote decodes and binds reportData and RTMR2")
    void attestation() throws Exception {
        assertThat(json.get("rtmrs")).hasSize(4);
        for (JsonNode r : json.get("rtmrs")) {
            assertThat(r.asText()).matches("[0-9a-f]{96}");
        }
        assertThat(json.get("reportData").asText()).matches("[0-9a-f]{128}");
        String hex = json.get("quote").asText();
        assertThat(hex).matches("([0-9a-f]{2})+");
        Quote q = Quote.decode(HexFormat.of().parseHex(hex));
        assertThat(HexFormat.of().formatHex(q.body().reportData())).isEqualTo(json.get("reportData").asText());
        assertThat(q.body().rtmr(2).hex()).isEqualTo(json.get("rtmrs").get(2).asText());
        assertThat(json.get("tcbStatus").asText()).as("verified with the simulated root").isEqualTo("UpToDate");
    }

    @Test
    @DisplayName("Trace folding: 2 alike groups print in full, 3 or more print the first and \"... and N more\"; "
            + "--full never folds")
    void folding() {
        List<DemoRun.Entry> two = accepts(2);
        assertThat(DemoCommand.traceLines(two, false, 0)).hasSize(2).noneMatch(l -> l.contains("more like this"));
        List<String> three = DemoCommand.traceLines(accepts(3), false, 0);
        assertThat(three).hasSize(2);
        assertThat(three.get(0)).contains("TDG.MEM.PAGE.ACCEPT", "GPA=0x0 size=4K");
        assertThat(three.get(1)).isEqualTo("... and 2 more like this");
        assertThat(DemoCommand.traceLines(accepts(3), true, 0)).hasSize(3);
    }

    /** {@code n} TDG.MEM.PAGE.ACCEPT calls of consecutive 4K pages: alike but for the GPA. */
    private static List<DemoRun.Entry> accepts(int n) {
        List<DemoRun.Entry> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Registers in = Registers.ZERO.withRax(TdcallLeaf.TDG_MEM_PAGE_ACCEPT.rax()).withRcx(i * 4096L);
            l.add(new DemoRun.Entry(new TraceEvent.Tdcall(TdcallLeaf.TDG_MEM_PAGE_ACCEPT, in, Registers.ZERO), false,
                    2));
        }
        return l;
    }

    @Test
    @DisplayName("The text trace names each step and shows nested #VE calls indented under their #VE")
    void textTrace() {
        assertThat(text).contains("== 1. Boot a TD and detect TDX ==", "== 12. Verify the quote ==", "== Summary ==");
        assertThat(text).containsPattern("#VE +IO_INSTRUCTION\\(30\\) +RIP=0x[0-9a-f]+ -> handled, RIP \\+1")
                .containsPattern("\\n +TDVMCALL Instruction.IO +OUT 1 byte\\(s\\) port 0x3f8 value 0x48")
                .contains("more like this");
    }

    @Test
    @DisplayName("The demo says Intel's production root rejects the simulated quote because it is not signed by "
            + "Intel's root, not with a bare CRL_INVALID")
    void intelRootRejectionIsExplained() {
        assertThat(text).contains("with Intel's production root:    rejected: not signed by Intel's root")
                .doesNotContain("(CRL_INVALID)");
    }

    @Test
    @DisplayName("JSON: the TD's attributes and the quote's use the one tdAttributes shape {raw, flags}; "
            + "the summary's keys are camelCase with numbers")
    void jsonShapes() {
        assertThat(json.get("td").get("tdAttributes").get("raw").asText()).matches("0x[0-9a-f]{16}");
        assertThat(json.get("quoteFields").get("tdAttributes")).isEqualTo(json.get("td").get("tdAttributes"));
        assertThat(json.get("quoteFields").get("version").isInt()).isTrue();
        assertThat(json.get("summary").get("tdcall").get("count").asLong()).isPositive();
        json.get("summary").fieldNames().forEachRemaining(k -> assertThat(k).matches("[a-z][A-Za-z]*"));
    }
}
