package io.github.tdx4j.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.SimulatedTdx;
import io.github.tdx4j.Tdx;
import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.trace.internal.SequenceDiagram;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A library user's traced simulated TD drawn as the demo's sequence-diagram page. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TraceRecorderTest {
    static int count(String page, String needle) {
        return page.split(Pattern.quote(needle), -1).length - 1;
    }

    @Test
    @DisplayName("Tdx.simulated(config, settings, trace): the boot and a quote are recorded; the page has one arrow per "
            + "recorded call or #VE, one dashed arrow per interrupt, four lanes per diagram, one section per section")
    void tracedSimulatedTd() {
        TraceRecorder trace = new TraceRecorder();
        SimulatedTdx td = Tdx.simulated(TdConfig.production(), SimSettings.strict(), trace);
        int boot = trace.events().size();
        trace.section("Extend RTMR 2", "one TDCALL");
        td.extendRtmr(2, new byte[48], "config");
        trace.section("Get a quote", "TDG.MR.REPORT, then GetQuote");
        td.quote(new byte[64]);

        String page = trace.page("my TD", td.guest().info().sharedMask());

        assertThat(boot).as("TDX detection and guest setup make calls").isPositive();
        assertThat(trace.events()).extracting(TraceEvent::leaf)
                .contains("TDG.VP.INFO", "TDG.MR.RTMR.EXTEND", "TDG.MR.REPORT", "GetQuote");
        assertThat(count(page, "<g class=\"arrow\"")).isEqualTo(trace.events().size());
        assertThat(count(page, "<g class=\"arrow interrupt\"")).isEqualTo(trace.interrupts());
        assertThat(count(page, "<table class=\"regs\"")).isEqualTo(trace.events().size() + trace.interrupts());
        int diagrams = count(page, "<svg class=\"sequence\"");
        assertThat(diagrams).isGreaterThanOrEqualTo(3);
        assertThat(count(page, "<text class=\"lane\"")).isEqualTo(diagrams * SequenceDiagram.LANES.size());
        assertThat(count(page, "<section class=\"step\">")).isEqualTo(3);
        assertThat(page).contains("<h2>Boot</h2>", "<h2>Extend RTMR 2</h2>", "<h2>Get a quote</h2>")
                .contains("TDVMCALL GetQuote -&gt; TDVMCALL_STATUS_SUCCESS");
    }

    @Test
    @DisplayName("An interrupt the host posts to a traced simulated TD is recorded (a safe halt woken by vector 0x30) "
            + "and drawn as a dashed arrow after the HLT")
    void interruptOfASimulatedTd() {
        TraceRecorder trace = new TraceRecorder();
        SimulatedTdx td = Tdx.simulated(TdConfig.production(), SimSettings.strict(), trace);
        trace.section("Halt and wake", "");
        long now = td.platform().nanoTime();
        td.platform().host().schedule(now + 250_000, () -> td.platform().host().injectInterrupt(0, 0x30));

        boolean woken = td.guest().safeHalt();
        // the vCPU takes the pending interrupt once it runs with interrupts enabled: one NOP at 2 MiB
        td.platform().vcpu().setInterruptsEnabled(true);
        td.platform().vcpu().execute(0x20_0000L, new byte[] {(byte) 0x90});
        String page = trace.page("halt", 0);

        assertThat(woken).isTrue();
        assertThat(trace.interrupts()).isEqualTo(1);
        assertThat(trace.events().getLast().leaf()).isEqualTo("Instruction.HLT");
        assertThat(count(page, "<g class=\"arrow interrupt\"")).isEqualTo(1);
        assertThat(page.indexOf("interrupt vector 0x30")).isGreaterThan(page.indexOf("TDVMCALL Instruction.HLT"));
    }

    @Test
    @DisplayName("A failed call is drawn in its origin's colour with [ORIGIN] in its label")
    void failureInItsOriginsColour() {
        TraceRecorder trace = new TraceRecorder();
        trace.section("A VMM error", "");
        Registers in = Registers.ZERO.withR11(TdvmcallSubFunction.INSTRUCTION_CPUID.raw()).with(Gpr.R12, 0x4000_0000L);
        Registers out = in.withR10(0x8000_0000_0000_0000L);
        trace.onEvent(new TraceEvent.Tdvmcall(in, out));

        String page = trace.page("failures", 0);

        assertThat(trace.events().getFirst().origin()).isEqualTo(Origin.VMM);
        assertThat(page).contains("data-origin=\"VMM\"").contains("stroke=\"" + SequenceDiagram.colour(Origin.VMM)
                + "\"").contains("[VMM]</text>");
    }

    @Test
    @DisplayName("A TDVMCALL the TDX module failed (RAX != 0) ends at the module's lane: it never reached the VMM; "
            + "one the VMM answered goes through the module (a circle on its lane) to the VMM")
    void moduleFailedTdvmcallStopsAtTheModule() {
        TraceRecorder failed = new TraceRecorder();
        failed.section("failed", "");
        Registers in = Registers.ZERO.withR11(TdvmcallSubFunction.INSTRUCTION_IO.raw());
        failed.onEvent(new TraceEvent.Tdvmcall(in, in.withRax(0xC000_0100_0000_0001L)));
        TraceRecorder answered = new TraceRecorder();
        answered.section("answered", "");
        answered.onEvent(new TraceEvent.Tdvmcall(in, in));

        String f = failed.page("f", 0);
        String a = answered.page("a", 0);

        assertThat(failed.events().getFirst().origin()).isEqualTo(Origin.TDX_MODULE);
        // lanes at x = 60, 320, 580, 840; an arrow's line stops 6 px before its head
        assertThat(f).contains("<line x1=\"60\" x2=\"314\"").doesNotContain("<circle");
        assertThat(a).contains("<line x1=\"60\" x2=\"574\"").contains("<circle class=\"through\" cx=\"320\"");
    }

    @Test
    @DisplayName("Interrupts and nested calls: a dashed arrow per interrupt; a section with nothing traced says so; "
            + "the empty Boot section is left out")
    void interruptsAndEmptySections() {
        TraceRecorder trace = new TraceRecorder();
        trace.section("Woken", "");
        trace.onInterrupt(0x30, 250_000);
        trace.section("Idle", "");

        String page = trace.page("interrupts", 0);

        assertThat(trace.interrupts()).isEqualTo(1);
        assertThat(count(page, "<g class=\"arrow interrupt\"")).isEqualTo(1);
        assertThat(page).contains("interrupt vector 0x30 (posted by the VMM)")
                .contains("Nothing was traced in this section.").doesNotContain("<h2>Boot</h2>");
        assertThat(trace.lines(false, 0)).containsExactly("== Woken ==",
                "IRQ      vector 0x30          posted by the VMM -> delivered to the guest's handler", "== Idle ==");
    }

    @Test
    @DisplayName("Titles and explanations are escaped: a hostile section title adds no element")
    void hostileTitlesAreEscaped() {
        TraceRecorder trace = new TraceRecorder();
        String hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        trace.section(hostile, hostile);
        trace.onInterrupt(0x80, 1);

        String page = trace.page(hostile, 0);

        assertThat(page).doesNotContain("<script").doesNotContain("<img")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
}
