package io.github.tdx4j.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.campaign.CampaignRun.Op;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.InputSite;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The test matrix of reliability.md §5.4 (T01–T34) and the historical bugs of §3 as named targeted runs: one input
 * site forced to one fault, a fixed sequence of guest operations, and the expected outcome with its origin; every
 * oracle of the campaign must hold as well. IDs the model covers differently are explained in the README.
 */
class MatrixTest {
    private static final long SEED = 0x7D45_0001L;

    /**
     * @param id       matrix ID or bug row
     * @param site     the site forced
     * @param fault    the fault
     * @param value    its value
     * @param op       the operation observed (after boot; a SHARE precedes UNSHARE)
     * @param outcome  the expected outcome of {@code op}
     * @param origin   its expected origin (null for HANDLED)
     */
    record Case(String id, InputSite site, Fault fault, long value, Op op, Outcome outcome, Origin origin) {
        @Override
        public String toString() {
            return id + ": " + site + " " + fault + " -> " + op + " " + outcome + (origin == null ? "" : " " + origin);
        }
    }

    static Stream<Arguments> matrix() {
        return Stream.of(
                new Case("T01 TDVMCALL RAX != 0 is fatal (TDX module)", InputSite.MODULE_VMCALL,
                        Fault.MODULE_VMCALL_FAILED, 0, Op.CPUID_HYPERVISOR, Outcome.FATAL, Origin.TDX_MODULE),
                new Case("T01 TDVMCALL RAX with an error class and RAX[31:0] = 0 is fatal too", InputSite.MODULE_VMCALL,
                        Fault.MODULE_ERROR_NO_DETAILS, 0x0000_0102_0000_0000L, Op.PORT_IN, Outcome.FATAL,
                        Origin.TDX_MODULE),
                new Case("T02 TDX_NO_VALID_VE_INFO is fatal", InputSite.MODULE_VEINFO, Fault.MODULE_NO_VALID_VE_INFO,
                        0, Op.PORT_IN, Outcome.FATAL, Origin.TDX_MODULE),
                new Case("T05 TDG.MR.REPORT OPERAND_INVALID is an error, no report copied", InputSite.MODULE_REPORT,
                        Fault.MODULE_OPERAND_INVALID, 0, Op.REPORT, Outcome.ERROR, Origin.GUEST_BUG),
                new Case("T05 TDG.MR.REPORT other error is a module error", InputSite.MODULE_REPORT,
                        Fault.MODULE_ERROR_RANDOM, 0x1234, Op.REPORT, Outcome.ERROR, Origin.TDX_MODULE),
                new Case("T07 CPUID R10=RETRY is never success", InputSite.CPUID_STATUS, Fault.STATUS_RETRY, 0,
                        Op.CPUID_HYPERVISOR, Outcome.ERROR, Origin.VMM),
                new Case("T07 IO R10=2 (undefined) is never success", InputSite.IO_STATUS, Fault.STATUS_TWO, 0,
                        Op.PORT_IN, Outcome.ERROR, Origin.VMM),
                new Case("T07 MMIO R10=GPA_INUSE is never success", InputSite.MMIO_STATUS, Fault.STATUS_GPA_INUSE, 0,
                        Op.MMIO_READ, Outcome.ERROR, Origin.VMM),
                new Case("T07 RDMSR R10 random is never success", InputSite.RDMSR_STATUS, Fault.STATUS_RANDOM,
                        0xDEAD_BEEFL, Op.RDMSR, Outcome.ERROR, Origin.VMM),
                new Case("T08 / §3 row 11 MapGPA RETRY without progress gives up", InputSite.MAPGPA_STATUS,
                        Fault.RETRY_NO_PROGRESS, 0, Op.SHARE, Outcome.ERROR, Origin.VMM),
                new Case("T09 MapGPA RETRY R11 below the range fails at once", InputSite.MAPGPA_STATUS,
                        Fault.RETRY_BELOW_START, 0, Op.SHARE, Outcome.ERROR, Origin.VMM),
                new Case("T09 MapGPA RETRY R11 unaligned fails at once", InputSite.MAPGPA_STATUS,
                        Fault.RETRY_UNALIGNED, 0, Op.SHARE, Outcome.ERROR, Origin.VMM),
                new Case("T10 MapGPA RETRY with 4K progress (once), then success", InputSite.MAPGPA_STATUS,
                        Fault.RETRY_NEXT_PAGE, 1, Op.SHARE, Outcome.HANDLED, null),
                new Case("T11 / §3 row 10 MapGPA fails after converting: pages quarantined",
                        InputSite.MAPGPA_CONVERSION, Fault.MAPGPA_FAIL_AFTER_CONVERT, 0, Op.SHARE, Outcome.ERROR,
                        Origin.VMM),
                new Case("T11 MapGPA converts one page then fails", InputSite.MAPGPA_CONVERSION,
                        Fault.MAPGPA_PARTIAL_THEN_FAIL, 0, Op.SHARE, Outcome.ERROR, Origin.VMM),
                new Case("H MapGPA success without converting, on share and unshare: the VMM is blamed",
                        InputSite.MAPGPA_CONVERSION, Fault.MAPGPA_LIE_SUCCESS, 0, Op.UNSHARE, Outcome.ERROR,
                        Origin.VMM),
                new Case("T12 CPUID outside the hypervisor range: zeros, no TDVMCALL", InputSite.CPUID_OUTPUT,
                        Fault.VALUE_ALL_ONES, 0, Op.CPUID_OTHER, Outcome.HANDLED, null),
                new Case("T13 forged Hyper-V signature: masked to 32 bits, nothing else changes",
                        InputSite.CPUID_OUTPUT, Fault.CPUID_FORGED_HYPERV, 0, Op.CPUID_HYPERVISOR, Outcome.HANDLED,
                        null),
                new Case("T13 max hypervisor leaf 0xFFFFFFFF with garbage upper halves", InputSite.CPUID_OUTPUT,
                        Fault.CPUID_MAX_LEAF, 0xFFFF_0000_1234_5678L, Op.CPUID_HYPERVISOR, Outcome.HANDLED, null),
                new Case("T14 RDMSR arbitrary 64 bits split EDX:EAX", InputSite.RDMSR_VALUE, Fault.VALUE_RANDOM,
                        0x8765_4321_FEDC_BA98L, Op.RDMSR, Outcome.HANDLED, null),
                new Case("T15 / §3 row 7 port IN value wider than the access", InputSite.IO_IN_VALUE,
                        Fault.VALUE_WIDE, 0xFFFF_FFFF_FFFF_FF00L, Op.PORT_IN, Outcome.HANDLED, null),
                new Case("T15 direct port IN all ones", InputSite.IO_IN_VALUE, Fault.VALUE_ALL_ONES, 0,
                        Op.DIRECT_PORT_IN, Outcome.HANDLED, null),
                new Case("T17 MMIO read value wider than the access, per-instruction extension",
                        InputSite.MMIO_READ_VALUE, Fault.VALUE_SIGN, 0, Op.MMIO_READ, Outcome.HANDLED, null),
                new Case("T18 / §3 row 5 MMIO write: no canary reaches the VMM", InputSite.MMIO_STATUS,
                        Fault.STATUS_SUCCESS, 0, Op.MMIO_WRITE, Outcome.HANDLED, null),
                new Case("T19 / T20 / §3 row 6 VMM garbage in every other register", InputSite.EXIT_REGISTERS,
                        Fault.GARBAGE_REGISTERS, 0x0123_4567_89AB_CDEFL, Op.PORT_IN, Outcome.HANDLED, null),
                new Case("T21 GetQuote R10 != 0 is an error", InputSite.GETQUOTE_STATUS,
                        Fault.STATUS_INVALID_OPERAND, 0, Op.QUOTE, Outcome.ERROR, Origin.VMM),
                new Case("T22 GetQuote never completes: timeout", InputSite.GETQUOTE_COMPLETION_TIME,
                        Fault.QUOTE_NEVER, 0, Op.QUOTE, Outcome.ERROR, Origin.VMM),
                new Case("T22 GetQuote completes exactly at the deadline: success", InputSite.GETQUOTE_COMPLETION_TIME,
                        Fault.QUOTE_AT_DEADLINE, 0, Op.QUOTE, Outcome.HANDLED, null),
                new Case("T22 GetQuote completes 1 ns late: timeout", InputSite.GETQUOTE_COMPLETION_TIME,
                        Fault.QUOTE_LATE, 0, Op.QUOTE, Outcome.ERROR, Origin.VMM),
                new Case("T23 / §3 row 9 SERVICE_UNAVAILABLE is not an empty success",
                        InputSite.GETQUOTE_BUFFER_STATUS, Fault.QUOTE_UNAVAILABLE, 0, Op.QUOTE, Outcome.ERROR,
                        Origin.VMM),
                new Case("T23 GET_QUOTE_ERROR is an error", InputSite.GETQUOTE_BUFFER_STATUS, Fault.QUOTE_ERROR, 0,
                        Op.QUOTE, Outcome.ERROR, Origin.VMM),
                new Case("T24 / §3 row 8 out_len one beyond the buffer", InputSite.GETQUOTE_OUT_LEN,
                        Fault.OUT_LEN_ROOM_PLUS_ONE, 0, Op.QUOTE, Outcome.ERROR, Origin.VMM),
                new Case("T24 out_len 0xFFFFFFFF", InputSite.GETQUOTE_OUT_LEN, Fault.OUT_LEN_ALL_ONES, 0, Op.QUOTE,
                        Outcome.ERROR, Origin.VMM),
                new Case("T24 out_len = room exactly is legal", InputSite.GETQUOTE_OUT_LEN, Fault.OUT_LEN_ROOM, 0,
                        Op.QUOTE, Outcome.HANDLED, null),
                new Case("T26 / §3 row 3 host never maps a private page: the TD stops", InputSite.PRIVATE_EPT_VIOLATION,
                        Fault.EPT_REFUSE, 0, Op.ACCEPT, Outcome.FATAL, Origin.VMM),
                new Case("T27 / §3 row 1 (Heckler) vector 0x80 changes no register", InputSite.INTERRUPT,
                        Fault.IRQ_0X80, 0, Op.PORT_OUT, Outcome.HANDLED, null),
                new Case("T28 vectors 0..30 never reach the guest", InputSite.INTERRUPT, Fault.IRQ_LOW_VECTOR, 20,
                        Op.PORT_OUT, Outcome.HANDLED, null),
                new Case("T29 interrupt storm: bounded, state unchanged", InputSite.INTERRUPT, Fault.IRQ_STORM,
                        0xF0F0_F0F0_F0F0L, Op.MMIO_READ, Outcome.HANDLED, null),
                new Case("T30 HLT R10 != 0 from the #VE path is an error", InputSite.HLT_STATUS,
                        Fault.STATUS_INVALID_OPERAND, 0, Op.HLT, Outcome.ERROR, Origin.VMM),
                new Case("T30 safe halt refused is reported, not fatal", InputSite.HLT_STATUS,
                        Fault.STATUS_SUBFUNC_UNSUPPORTED, 0, Op.SAFE_HALT, Outcome.ERROR, Origin.VMM),
                new Case("T34 OPERAND_BUSY on accept falls back and stays bounded", InputSite.MODULE_ACCEPT,
                        Fault.MODULE_OPERAND_BUSY, 0, Op.ACCEPT, Outcome.ERROR, Origin.TDX_MODULE),
                new Case("A5 TDX_OPERAND_BUSY on RTMR extend is an error (BUSY)", InputSite.MODULE_RTMR_EXTEND,
                        Fault.MODULE_OPERAND_BUSY, 0, Op.EXTEND, Outcome.ERROR, Origin.TDX_MODULE))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void matrixCase(Case c) {
        Op[] ops = c.op() == Op.UNSHARE ? new Op[] {Op.SHARE, Op.UNSHARE} : new Op[] {c.op(), Op.SLEEP};
        // RETRY_NEXT_PAGE's value is how many calls to force (a storm would never finish, by design); others always.
        int times = c.fault() == Fault.RETRY_NEXT_PAGE ? (int) c.value() : Integer.MAX_VALUE;
        RunResult r = CampaignRun.run(RunSpec.of(SEED, FaultTape.honest())
                .withText().forcing(c.site(), c.fault(), c.value(), times).withOps(ops));
        assertThat(r.violations()).as("oracles; trace:\n" + String.join("\n", r.trace())).isEmpty();
        int at = r.operations().subList(1, r.operations().size()).indexOf(c.op().name()) + 1;
        assertThat(at).as("%s ran; operations %s", c.op(), r.operations()).isPositive();
        assertThat(r.results().get(at)).as("outcome of %s; trace:%n%s", c.op(), String.join("\n", r.trace()))
                .isEqualTo(c.origin() == null ? c.outcome().name() : c.outcome() + " " + c.origin());
    }

    @Test
    @DisplayName("T08 MapGPA RETRY with R11 == start for ever: the guest gives up after 3 answers, ERROR VMM")
    void retryWithoutProgressStopsAfterThree() {
        RunResult r = CampaignRun.run(RunSpec.of(SEED, FaultTape.honest())
                .withText().forcing(InputSite.MAPGPA_STATUS, Fault.RETRY_NO_PROGRESS, 0, Integer.MAX_VALUE)
                .withOps(Op.SHARE));
        assertThat(r.violations()).isEmpty();
        assertThat(r.results()).containsExactly("HANDLED", "ERROR VMM");
        // The trace of SHARE: from the end of boot (its "op" line) to the end of SHARE (the next one).
        List<String> t = r.trace();
        int boot = indexOfOp(t, 0);
        List<String> share = t.subList(boot + 1, indexOfOp(t, boot + 1));
        // reliability.md §5.4 T08: "E after 3", step count <= 3 + progress steps (none here).
        assertThat(share.stream().filter(l -> l.startsWith("exit 0x0 0x10001 ")).count()).as("MapGPA calls")
                .isEqualTo(3);
    }

    private static int indexOfOp(List<String> trace, int from) {
        for (int i = from; i < trace.size(); i++) {
            if (trace.get(i).startsWith("op ")) {
                return i;
            }
        }
        throw new AssertionError("no operation line after " + from + " in " + trace);
    }

    @ParameterizedTest(name = "T03 TDG.VP.INFO {0}: boot is fatal, the bad mask never used")
    @MethodSource("gpaws")
    void badGpawIsFatalAtBoot(Fault gpaw) {
        RunResult r = CampaignRun.run(RunSpec.of(SEED, FaultTape.honest())
                .withText().forcing(InputSite.MODULE_VP_INFO, gpaw, 0, Integer.MAX_VALUE).withOps(Op.PORT_IN));
        assertThat(r.violations()).isEmpty();
        assertThat(r.operations()).containsExactly("boot");
        assertThat(r.results()).containsExactly("FATAL TDX_MODULE");
    }

    static List<Fault> gpaws() {
        return List.of(Fault.MODULE_GPAW_0, Fault.MODULE_GPAW_53, Fault.MODULE_GPAW_63);
    }
}
