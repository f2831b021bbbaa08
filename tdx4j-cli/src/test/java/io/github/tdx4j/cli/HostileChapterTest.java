package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.VmcallRequest;
import io.github.tdx4j.call.VmcallResult;
import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.campaign.Outcome;
import io.github.tdx4j.trace.internal.ScrubbedRegisters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The demo's hostile chapter: what each preset does with the same lies, and that the lies replay exactly. */
class HostileChapterTest {
    private static HostileChapter chapter;
    private static HostileChapter.PolicyRun linux;
    private static HostileChapter.PolicyRun seed;

    @BeforeAll
    static void play() {
        chapter = HostileChapter.run();
        linux = chapter.runs.get(0);
        seed = chapter.runs.get(1);
    }

    private static HostileChapter.StepRun step(HostileChapter.PolicyRun r, int n) {
        return r.steps().get(n - 1);
    }

    @Test
    @DisplayName("Both presets, in order LINUX_MAINLINE then SEED_REVIEW, and every chapter check passes")
    void presetsAndChecks() {
        assertThat(chapter.runs).extracting(r -> r.policy().name()).containsExactly("LINUX_MAINLINE", "SEED_REVIEW");
        assertThat(chapter.checks).isNotEmpty().allMatch(DemoRun.Check::passed);
    }

    @Test
    @DisplayName("Deterministic: a second run of the script gives the same adversary trace hash, outcomes and logs")
    void replaysExactly() {
        HostileChapter again = HostileChapter.run();
        for (int i = 0; i < 2; i++) {
            HostileChapter.PolicyRun a = chapter.runs.get(i);
            HostileChapter.PolicyRun b = again.runs.get(i);
            assertThat(b.traceHash()).isEqualTo(a.traceHash());
            for (int s = 0; s < a.steps().size(); s++) {
                assertThat(b.steps().get(s).outcome()).isEqualTo(a.steps().get(s).outcome());
                assertThat(b.steps().get(s).log()).isEqualTo(a.steps().get(s).log());
                assertThat(b.steps().get(s).results()).isEqualTo(a.steps().get(s).results());
            }
        }
    }

    @Test
    @DisplayName("13.1 console refused: 21 VMM errors returned as values; LINUX_MAINLINE logs nothing, SEED_REVIEW logs "
            + "10, then \"10 callbacks suppressed\" after the 5 s window, then the 21st")
    void consoleRateLimited() {
        assertThat(step(linux, 1).outcome()).isEqualTo(Outcome.ERROR);
        assertThat(step(linux, 1).origin()).isEqualTo(Origin.VMM);
        assertThat(step(linux, 1).log()).isEmpty();
        List<String> log = step(seed, 1).log();
        assertThat(log).hasSize(12);
        assertThat(log.subList(0, 10)).allMatch(l -> l.startsWith("WARNING tdx4j: [VMM] tdx.pio.out.vmm-error:"));
        assertThat(log.get(10)).isEqualTo("WARNING tdx.pio.out.vmm-error: 10 callbacks suppressed");
        assertThat(log.get(11)).startsWith("WARNING tdx4j: [VMM] tdx.pio.out.vmm-error:");
        long ioCalls = step(seed, 1).events().stream().filter(e -> e.event().leaf().equals("Instruction.IO")
                && e.event().origin() == Origin.VMM).count();
        assertThat(ioCalls).isEqualTo(21);
    }

    @Test
    @DisplayName("13.2 MapGPA success without converting: an error blamed on the VMM, the page quarantined, under both")
    void mapGpaLieBlamedOnVmm() {
        for (HostileChapter.PolicyRun r : chapter.runs) {
            assertThat(step(r, 2).outcome()).isEqualTo(Outcome.ERROR);
            assertThat(step(r, 2).origin()).isEqualTo(Origin.VMM);
            assertThat(step(r, 2).failure()).contains("tdx.unshare.not-converted");
            assertThat(step(r, 2).results()).contains("quarantined pages: 1 (never handed out again)");
        }
    }

    @Test
    @DisplayName("13.3 CPUID: only the low 32 bits of the lying answer reach the registers; an undefined R10 faults the "
            + "instruction with origin VMM")
    void cpuidRefused() {
        for (HostileChapter.PolicyRun r : chapter.runs) {
            HostileChapter.StepRun s = step(r, 3);
            assertThat(s.results().get(0)).contains("EAX=0xffffffff ");
            assertThat(s.results().get(0)).doesNotContain("bad0c0de");
            assertThat(s.results().get(1)).contains("faulted").contains("[VMM] tdx.ve.cpuid.vmm-error");
            assertThat(s.origin()).isEqualTo(Origin.VMM);
            // the garbage answer's scrubbed registers: every VMM-writable register that is not a CPUID output
            TraceEvent.Tdvmcall garbage = (TraceEvent.Tdvmcall) s.events().get(2).event();
            assertThat(ScrubbedRegisters.of(garbage)).containsExactly(Gpr.RDX, Gpr.RBX, Gpr.RSI, Gpr.RDI, Gpr.R8,
                    Gpr.R9, Gpr.R11);
        }
    }

    @Test
    @DisplayName("13.4 the VMM's vector 0x80 shows in the timeline as an interrupt after the CPUID exit; nothing fails")
    void hecklerInterrupt() {
        for (HostileChapter.PolicyRun r : chapter.runs) {
            HostileChapter.StepRun s = step(r, 4);
            assertThat(s.outcome()).isEqualTo(Outcome.HANDLED);
            assertThat(s.timeline().getLast()).isInstanceOfSatisfying(DemoRun.Interrupt.class,
                    i -> assertThat(i.vector()).isEqualTo(0x80));
        }
    }

    @Test
    @DisplayName("13.5/13.6: TDG.MR.RTMR.EXTEND busy is an error with one warning under LINUX_MAINLINE and fatal under "
            + "SEED_REVIEW; the TDVMCALL mechanism failure is fatal, and a stopped TD runs no further step")
    void moduleFailures() {
        assertThat(step(linux, 5).outcome()).isEqualTo(Outcome.ERROR);
        assertThat(step(linux, 5).origin()).isEqualTo(Origin.TDX_MODULE);
        assertThat(step(linux, 5).log()).singleElement().asString().startsWith("WARNING tdx4j: [TDX_MODULE]");
        assertThat(step(seed, 5).outcome()).isEqualTo(Outcome.FATAL);
        assertThat(step(seed, 5).log()).singleElement().asString().startsWith("ERROR tdx4j: fatal: [TDX_MODULE]");
        assertThat(step(linux, 6).outcome()).isEqualTo(Outcome.FATAL);
        assertThat(step(linux, 6).origin()).isEqualTo(Origin.TDX_MODULE);
        assertThat(step(linux, 6).failure()).contains("TDVMCALL failed. TDX module bug?");
        assertThat(step(seed, 6).outcome()).isNull();
        assertThat(step(seed, 6).timeline()).isEmpty();
        assertThat(seed.stoppedAt().number()).isEqualTo(5);
        assertThat(linux.stoppedAt().number()).isEqualTo(6);
    }

    @Test
    @DisplayName("Scrubbed registers agree with the call layer: marked exactly where the VMM changed a register and "
            + "TdxCalls.tdvmcall's result does not carry that value")
    void scrubbedMatchesTheCallLayer() {
        // The VMM answers Instruction.RDMSR (output R11) and writes R8, R11, R12 and RBX; R13 it leaves alone.
        List<TraceEvent> trace = new ArrayList<>();
        TdxCalls calls = new TdxCalls(in -> {
            Registers out = new Registers(0, in.rcx(), in.rdx(), 0xB0B, in.rsi(), in.rdi(), 0x88, in.r9(), 0,
                    0x1111, 0x1212, in.r13(), in.r14(), in.r15());
            trace.add(new TraceEvent.Tdvmcall(in, out));
            return out;
        });
        VmcallResult r = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_RDMSR, 0x1B, 0, 0, 0));
        TraceEvent.Tdvmcall v = (TraceEvent.Tdvmcall) trace.getFirst();
        assertThat(ScrubbedRegisters.of(v)).containsExactly(Gpr.RBX, Gpr.R8, Gpr.R12);
        for (Gpr g : ScrubbedRegisters.of(v)) {
            assertThat(r.out(g)).as(g.name()).isNotEqualTo(v.out().get(g));
        }
        assertThat(r.out(Gpr.R11)).isEqualTo(0x1111);
        assertThat(ScrubbedRegisters.seen(v).r11()).isEqualTo(0x1111);
    }

    @Test
    @DisplayName("A module failure of the TDVMCALL (RAX != 0) marks nothing scrubbed: no register came from the VMM")
    void moduleFailureScrubsNothing() {
        Registers in = Registers.ZERO.withRax(TdcallLeaf.TDG_VP_VMCALL.rax()).withR11(0x1F);
        Registers out = Registers.ZERO.withRax(0xC000_0100_0000_0000L).withR8(0x88);
        assertThat(ScrubbedRegisters.of(new TraceEvent.Tdvmcall(in, out))).isEmpty();
    }
}
