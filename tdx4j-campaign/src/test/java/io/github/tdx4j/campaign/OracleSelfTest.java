package io.github.tdx4j.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.OperandId;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.call.platform.GuestPlatform;
import io.github.tdx4j.call.platform.InterruptHandler;
import io.github.tdx4j.call.platform.VeHandler;
import io.github.tdx4j.call.policy.LogSink;
import io.github.tdx4j.call.policy.NanoClock;
import io.github.tdx4j.call.policy.OriginPolicy;
import io.github.tdx4j.call.policy.Reaction;
import io.github.tdx4j.campaign.CampaignRun.Op;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.Vcpu;
import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.InputSite;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.LongUnaryOperator;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each oracle fires on the guest bug it exists to catch. A bug is planted between the guest services and the
 * platform ({@link PlantedBug}); the same run without it is the control and breaks no oracle, so the violation is the
 * bug's, not the scenario's. A campaign reporting every counter 0 means something only because these fail when an
 * oracle is blind.
 */
class OracleSelfTest {
    private static final long SEED = 0x7D45_0002L;

    /** A TDVMCALL of the standard (R10 = 0) sub-function {@code fn}. */
    private static boolean isVmcall(Registers in, TdvmcallSubFunction fn) {
        return in.rax() == 0 && in.r10() == 0 && in.r11() == fn.raw();
    }

    /** A bug that rewrites the registers going in and coming out of every TDCALL. */
    private static PlantedBug around(UnaryOperator<Registers> before,
                                     BiFunction<Registers, Registers, Registers> after) {
        return new PlantedBug() {
            @Override
            public TdxTransport transport(TdxTransport bounded, Vcpu cpu) {
                return in -> after.apply(in, bounded.tdcall(before.apply(in)));
            }
        };
    }

    private static RunResult withAndWithout(PlantedBug bug, InputSite site, Fault fault, Op... ops) {
        return withAndWithout(SEED, bug, site, fault, ops);
    }

    private static RunResult withAndWithout(long seed, PlantedBug bug, InputSite site, Fault fault, Op... ops) {
        RunResult control = CampaignRun.run(RunSpec.of(seed, FaultTape.honest())
                .withText().forcing(site, fault, 0, Integer.MAX_VALUE).withOps(ops), PlantedBug.NONE);
        assertThat(control.violations()).as("the control run, without the bug").isEmpty();
        return CampaignRun.run(RunSpec.of(seed, FaultTape.honest())
                .withText().forcing(site, fault, 0, Integer.MAX_VALUE).withOps(ops), bug);
    }

    @Test
    @DisplayName("LEAK fires when port OUT sends the whole RAX instead of the access size (reliability.md §3 row 5)")
    void leakOracleSeesAnUnmaskedOut() {
        PlantedBug bug = new PlantedBug() {
            @Override
            public TdxTransport transport(TdxTransport bounded, Vcpu cpu) {
                return in -> bounded.tdcall(isVmcall(in, TdvmcallSubFunction.INSTRUCTION_IO) && in.r13() == 1
                        ? in.with(Gpr.R15, cpu.get(Gpr.RAX)) : in);
            }
        };
        RunResult r = withAndWithout(bug, null, null, Op.PORT_OUT);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.LEAK);
    }

    @Test
    @DisplayName("FAILURE_AS_SUCCESS fires when the guest ignores R10 != 0 of Instruction.CPUID")
    void failureAsSuccessOracleSeesAnIgnoredStatus() {
        PlantedBug bug = around(in -> in, (in, out) ->
                isVmcall(in, TdvmcallSubFunction.INSTRUCTION_CPUID) ? out.withR10(0) : out);
        RunResult r = withAndWithout(bug, InputSite.CPUID_STATUS, Fault.STATUS_RETRY, Op.CPUID_HYPERVISOR);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.FAILURE_AS_SUCCESS);
    }

    @Test
    @DisplayName("CORRUPTION fires when the #VE path clobbers a register the instruction does not write")
    void corruptionOracleSeesAClobberedRegister() {
        PlantedBug bug = new PlantedBug() {
            @Override
            public TdxTransport transport(TdxTransport bounded, Vcpu cpu) {
                return in -> {
                    Registers out = bounded.tdcall(in);
                    if (isVmcall(in, TdvmcallSubFunction.INSTRUCTION_IO)) {
                        cpu.set(Gpr.R9, 0);
                    }
                    return out;
                };
            }
        };
        RunResult r = withAndWithout(bug, null, null, Op.PORT_IN);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.CORRUPTION);
    }

    @Test
    @DisplayName("WRONG_ORIGIN fires when a VMM status is turned into a TDX-module failure (the seed's confusion)")
    void wrongOriginOracleSeesAVmmErrorBlamedOnTheModule() {
        PlantedBug bug = around(in -> in, (in, out) -> isVmcall(in, TdvmcallSubFunction.INSTRUCTION_IO)
                && out.r10() != 0 ? out.withRax(TdxStatus.OPERAND_INVALID.raw() | OperandId.RCX.id()) : out);
        RunResult r = withAndWithout(bug, InputSite.IO_STATUS, Fault.STATUS_INVALID_OPERAND, Op.PORT_IN);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.WRONG_ORIGIN);
    }

    @Test
    @DisplayName("HANG fires when MapGPA RETRY is retried without a bound (reliability.md §3 row 11)")
    void hangOracleSeesAnUnboundedRetry() {
        PlantedBug bug = new PlantedBug() {
            @Override
            public TdxTransport transport(TdxTransport bounded, Vcpu cpu) {
                return in -> {
                    Registers out = bounded.tdcall(in);
                    while (isVmcall(in, TdvmcallSubFunction.MAP_GPA)
                            && out.r10() == TdvmcallStatus.RETRY.raw()) {
                        long end = in.r12() + in.r13();
                        in = in.with(Gpr.R12, out.r11()).with(Gpr.R13, end - out.r11());
                        out = bounded.tdcall(in);
                    }
                    return out;
                };
            }
        };
        RunResult r = withAndWithout(bug, InputSite.MAPGPA_STATUS, Fault.RETRY_NO_PROGRESS, Op.SHARE);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.HANG);
    }

    @Test
    @DisplayName("UNBOUNDED_LOG fires when a site writes more lines than its reaction allows")
    void logOracleSeesARepeatedLine() {
        PlantedBug bug = new PlantedBug() {
            @Override
            public LogSink log(LogSink observed) {
                return (level, message) -> {
                    for (int i = 0; i < 100; i++) {
                        observed.log(level, message);
                    }
                };
            }
        };
        RunResult r = withAndWithout(bug, InputSite.IO_STATUS, Fault.STATUS_INVALID_OPERAND, Op.PORT_IN);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.UNBOUNDED_LOG);
    }

    /** A platform that passes everything to {@code bounded} but sleeps as {@code sleep} says. */
    private static GuestPlatform sleeping(GuestPlatform bounded, LongUnaryOperator sleep) {
        return new GuestPlatform() {
            @Override
            public TdxTransport transport() {
                return bounded.transport();
            }

            @Override
            public GuestMemory memory() {
                return bounded.memory();
            }

            @Override
            public NanoClock clock() {
                return bounded.clock();
            }

            @Override
            public void sleep(long nanos) throws InterruptedException {
                long n = sleep.applyAsLong(nanos);
                if (n > 0) {
                    bounded.sleep(n);
                }
            }

            @Override
            public void setVeHandler(VeHandler handler) {
                bounded.setVeHandler(handler);
            }

            @Override
            public void setInterruptHandler(InterruptHandler handler) {
                bounded.setInterruptHandler(handler);
            }
        };
    }

    /** GetQuote waits on a clock that never moves: the shape of an off-by-one deadline check that sleeps 0 ns. */
    private static final PlantedBug QUOTE_LOOP = new PlantedBug() {
        @Override
        public GuestPlatform platform(GuestPlatform bounded) {
            return sleeping(bounded, nanos -> 0);
        }
    };

    @Test
    @Timeout(20)
    @DisplayName("HANG fires, within seconds, when a guest wait never ends (the watchdog, issue 19)")
    void watchdogEndsAWaitThatNeverEnds() {
        long start = System.nanoTime();
        RunResult r = withAndWithout(QUOTE_LOOP, InputSite.GETQUOTE_COMPLETION_TIME, Fault.QUOTE_NEVER, Op.QUOTE,
                Op.REPORT);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.HANG);
        assertThat(r.results()).contains("HANG");
        assertThat(System.nanoTime() - start).as("nanoseconds to report the hang").isLessThan(10_000_000_000L);
    }

    @Test
    @Timeout(30)
    @DisplayName("A campaign with a guest wait that never ends reports HANG with replayable seeds and goes on")
    void campaignReportsTheHangAndGoesOn() {
        CampaignReport report = new Campaign(4, SEED, 0, 1, 1, null).execute(n -> { }, (seed, tape) ->
                CampaignRun.run(RunSpec.of(seed, FaultTape.honest()).forcing(InputSite.GETQUOTE_COMPLETION_TIME,
                        Fault.QUOTE_NEVER,
                        0, Integer.MAX_VALUE).withOps(Op.QUOTE), QUOTE_LOOP));
        assertThat(report.runs()).isEqualTo(4);
        assertThat(report.count(Oracle.HANG)).isEqualTo(4);
        assertThat(report.failures()).hasSize(4).allSatisfy(f -> {
            assertThat(f.result().firstOracle()).isEqualTo(Oracle.HANG);
            assertThat(f.result().tape()).isNotNull();
        });
    }

    /**
     * A guest retry loop whose exit condition never holds, in operation {@code target} only: from its first TDCALL on,
     * every TDCALL is repeated for ever.
     */
    private static PlantedBug retryForeverIn(Op target) {
        return new PlantedBug() {
            private boolean armed;

            @Override
            public void operationStarts(String operation) {
                armed = operation.equals(target.name());
            }

            @Override
            public TdxTransport transport(TdxTransport bounded, Vcpu cpu) {
                return in -> {
                    Registers out = bounded.tdcall(in);
                    while (armed) {
                        out = bounded.tdcall(in);
                    }
                    return out;
                };
            }
        };
    }

    /**
     * Every operation that runs guest code (SLEEP and WAIT_WINDOW are the campaign's own waits, SIM_PROBE calls the
     * simulated module directly): a loop in it ends as HANG within seconds, the run stops there, and (seed, tape) with
     * the same bug replays the same trace, the HANG included.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Op.class, mode = EnumSource.Mode.EXCLUDE, names = {"SLEEP", "WAIT_WINDOW", "SIM_PROBE"})
    @Timeout(20)
    @DisplayName("HANG fires, within seconds and replayably, for a loop that never ends in any guest operation")
    void watchdogEndsALoopInAnyOperation(Op target) {
        Op[] ops = target == Op.UNSHARE ? new Op[] {Op.SHARE, Op.UNSHARE, Op.REPORT} : new Op[] {target, Op.REPORT};
        RunSpec spec = RunSpec.of(SEED, FaultTape.honest()).withText().withOps(ops);
        assertThat(CampaignRun.run(spec, PlantedBug.NONE).violations()).as("the control run").isEmpty();
        long start = System.nanoTime();
        RunResult r = CampaignRun.run(spec, retryForeverIn(target));
        assertThat(System.nanoTime() - start).as("nanoseconds to report the hang").isLessThan(10_000_000_000L);
        // A MapGPA loop also breaks the retry bound (WRONG_ORIGIN) and an RTMR extend loop the event log's replay
        // (CORRUPTION) before the hang; what matters here is that the run ends, as HANG, in this operation.
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.HANG);
        assertThat(r.results()).last().isEqualTo("HANG");
        assertThat(r.operations()).as("the run stops at the hang").last().isEqualTo(target.name());
        RunResult again = CampaignRun.run(RunSpec.of(r.seed(), r.tape()).withText().withOps(ops),
                retryForeverIn(target));
        assertThat(again.traceHash()).as("the replay's trace hash").isEqualTo(r.traceHash());
    }

    /**
     * The first {@code runs} runs of campaign seed 0x19 (the planted-bug harness's) with {@code bug} planted, as
     * {@code tdx4j campaign} makes them: the first run that breaks {@code oracle}, which must break nothing
     * without the bug; fails if none does.
     */
    private static RunResult campaignFlags(PlantedBug bug, Oracle oracle, int runs) {
        for (long i = 0; i < runs; i++) {
            long s = Campaign.runSeed(0x19, i);
            RunResult r = CampaignRun.run(RunSpec.of(s, Campaign.randomTape(s)), bug);
            if (r.violations().stream().anyMatch(v -> v.oracle() == oracle)) {
                assertThat(CampaignRun.run(RunSpec.of(s, Campaign.randomTape(s))).violations())
                        .as("run %d without the bug", i).isEmpty();
                return r;
            }
        }
        throw new AssertionError("none of the first " + runs + " campaign runs broke " + oracle);
    }

    /** TDCALL(TDG.VP.VMCALL)'s RAX tested on its low half only (planted bug 06). */
    private static final PlantedBug VMCALL_RAX_LOW_HALF = around(in -> in, (in, out) ->
            in.rax() == 0 && (int) out.rax() == 0 ? out.withRax(0) : out);

    @Test
    @DisplayName("FAILURE_AS_SUCCESS fires when TDG.VP.VMCALL's RAX is read as 32 bits (an error whose RAX[31:0] is 0)")
    void failureAsSuccessOracleSeesRaxReadAs32Bits() {
        RunResult r = withAndWithout(VMCALL_RAX_LOW_HALF, InputSite.MODULE_VMCALL, Fault.MODULE_ERROR_NO_DETAILS,
                Op.PORT_IN);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.FAILURE_AS_SUCCESS);
        campaignFlags(VMCALL_RAX_LOW_HALF, Oracle.FAILURE_AS_SUCCESS, 2_000);
    }

    /** MapGPA calls again after a RETRY without progress: more calls at one start than documented (patches 28, 29). */
    private static final PlantedBug MAPGPA_RETRY_AGAIN = new PlantedBug() {
        @Override
        public TdxTransport transport(TdxTransport bounded, Vcpu cpu) {
            return in -> {
                Registers out = bounded.tdcall(in);
                if (isVmcall(in, TdvmcallSubFunction.MAP_GPA) && out.r10() == TdvmcallStatus.RETRY.raw()
                        && out.r11() == in.r12()) {
                    out = bounded.tdcall(in);
                }
                return out;
            };
        }
    };

    @Test
    @DisplayName("A campaign's stuck-MapGPA runs flag a guest that goes on after 3 RETRY answers without progress")
    void campaignReachesTheMapGpaRetryBound() {
        RunResult r = campaignFlags(MAPGPA_RETRY_AGAIN, Oracle.WRONG_ORIGIN, 2_000);
        assertThat(r.operations()).startsWith("boot", "SHARE", "SHARE", "UNSHARE", "QUOTE");
    }

    @Test
    @DisplayName("CALLER_REGISTERS fires when TdxCalls passes on a VMM-written RSI (CVE-2023-52874's shape)")
    void callerRegistersOracleSeesAnUnscrubbedRegister() {
        PlantedBug bug = new PlantedBug() {
            @Override
            public Registers handedBack(Registers scrubbed, ToLongFunction<Gpr> vmmWrote) {
                return scrubbed.with(Gpr.RSI, vmmWrote.applyAsLong(Gpr.RSI));
            }
        };
        RunResult r = withAndWithout(bug, InputSite.EXIT_REGISTERS, Fault.GARBAGE_REGISTERS, Op.VMCALL_PROBE);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.CALLER_REGISTERS);
    }

    @Test
    @DisplayName("CALLER_REGISTERS fires when TdxCalls does not restore the callee-saved RBX")
    void callerRegistersOracleSeesAClobberedCalleeSavedRegister() {
        PlantedBug bug = new PlantedBug() {
            @Override
            public Registers handedBack(Registers scrubbed, ToLongFunction<Gpr> vmmWrote) {
                return scrubbed.with(Gpr.RBX, 0);
            }
        };
        RunResult r = withAndWithout(bug, null, null, Op.VMCALL_PROBE);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.CALLER_REGISTERS);
    }

    @Test
    @DisplayName("WRONG_REACTION fires when a preset makes a TDX-module failure fatal (LINUX_MAINLINE) or not "
            + "fatal (SEED_REVIEW)")
    void reactionOracleSeesASwappedModuleReaction() {
        PlantedBug bug = new PlantedBug() {
            @Override
            public OriginPolicy policy(OriginPolicy p) {
                return p.toBuilder(p.name()).on(Origin.TDX_MODULE, p == OriginPolicy.LINUX_MAINLINE ? Reaction.FATAL
                        : Reaction.WARN_ONCE).build();
            }
        };
        for (long seed = SEED; seed < SEED + 4; seed++) {
            RunResult r = withAndWithout(seed, bug, InputSite.MODULE_REPORT, Fault.MODULE_OPERAND_BUSY, Op.REPORT);
            assertThat(r.violations()).as("seed %d", seed).extracting(Violation::oracle)
                    .contains(Oracle.WRONG_REACTION);
        }
    }

    @Test
    @DisplayName("WRONG_REACTION fires when a preset logs VMM failures it returns silently, or silences ones it "
            + "rate-limits")
    void reactionOracleSeesASwappedVmmReaction() {
        PlantedBug bug = new PlantedBug() {
            @Override
            public OriginPolicy policy(OriginPolicy p) {
                return p.toBuilder(p.name()).on(Origin.VMM, p == OriginPolicy.LINUX_MAINLINE ? Reaction.RATE_LIMITED
                        : Reaction.ERROR_RETURN).build();
            }
        };
        for (long seed = SEED; seed < SEED + 4; seed++) {
            RunResult r = withAndWithout(seed, bug, InputSite.IO_STATUS, Fault.STATUS_INVALID_OPERAND, Op.PORT_IN);
            assertThat(r.violations()).as("seed %d", seed).extracting(Violation::oracle)
                    .contains(Oracle.WRONG_REACTION);
        }
    }

    @Test
    @DisplayName("WRONG_ORIGIN fires for a VMM error in an operation the VMM did not fault, even after a VMM fault "
            + "in an earlier operation")
    void originOracleAttributesPerOperation() {
        PlantedBug bug = around(in -> in, (in, out) -> isVmcall(in, TdvmcallSubFunction.INSTRUCTION_CPUID)
                ? out.withR10(TdvmcallStatus.INVALID_OPERAND.raw()) : out);
        RunSpec spec = RunSpec.of(SEED, FaultTape.honest()).withText()
                .forcing(InputSite.IO_STATUS, Fault.STATUS_INVALID_OPERAND, 0, 1).withOps(Op.PORT_IN, Op.CPUID_HYPERVISOR);
        assertThat(CampaignRun.run(spec, PlantedBug.NONE).violations()).isEmpty();
        RunResult r = CampaignRun.run(spec, bug);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.WRONG_ORIGIN);
    }

    @Test
    @DisplayName("WRONG_ORIGIN fires when MapGPA goes on after the documented 3 RETRY answers without progress")
    void originOracleSeesOneRetryTooMany() {
        RunResult r = withAndWithout(MAPGPA_RETRY_AGAIN, InputSite.MAPGPA_STATUS, Fault.RETRY_NO_PROGRESS, Op.SHARE);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.WRONG_ORIGIN);
    }

    @Test
    @DisplayName("CORRUPTION fires when GetQuote's last sleep is not cut at the deadline (the timeout comes late)")
    void deadlineOracleSeesAnOversleptTimeout() {
        PlantedBug bug = new PlantedBug() {
            @Override
            public GuestPlatform platform(GuestPlatform bounded) {
                return sleeping(bounded, nanos -> (nanos / 700_000_000L + 1) * 700_000_000L);
            }
        };
        for (long seed = SEED; seed < SEED + 4; seed++) {
            RunResult r = withAndWithout(seed, bug, InputSite.GETQUOTE_COMPLETION_TIME, Fault.QUOTE_NEVER, Op.QUOTE);
            assertThat(r.violations()).as("seed %d", seed).extracting(Violation::oracle)
                    .contains(Oracle.CORRUPTION);
        }
    }

    @Test
    @DisplayName("SIMULATOR_FILTER fires when the simulated module lets a TDVMCALL expose RSP (RCX bit 4)")
    void simulatorFilterOracleSeesRspExposed() {
        PlantedBug bug = new PlantedBug() {
            @Override
            public TdxTransport module(TdxTransport simulated) {
                return in -> simulated.tdcall(in.withRcx(in.rcx() & ~(1L << Gpr.RSP.number())));
            }
        };
        RunResult r = withAndWithout(bug, null, null, Op.SIM_PROBE);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.SIMULATOR_FILTER);
    }

    @Test
    @DisplayName("SIMULATOR_FILTER fires when the simulated module passes back a register the guest did not expose")
    void simulatorFilterOracleSeesAnUnexposedRegisterComingBack() {
        PlantedBug bug = new PlantedBug() {
            @Override
            public TdxTransport module(TdxTransport simulated) {
                return in -> {
                    Registers out = simulated.tdcall(in);
                    return in.rcx() == 0x7C00L ? out.with(Gpr.R8, 0x7A3D_0000_0000_0008L) : out;
                };
            }
        };
        RunResult r = withAndWithout(bug, null, null, Op.SIM_PROBE);
        assertThat(r.violations()).extracting(Violation::oracle).contains(Oracle.SIMULATOR_FILTER);
    }

    @Test
    @DisplayName("The replay oracle's trace hash differs when the guest depends on anything but (seed, tape)")
    void replayOracleSeesNondeterminism() {
        AtomicLong runs = new AtomicLong();
        PlantedBug bug = around(in -> isVmcall(in, TdvmcallSubFunction.INSTRUCTION_CPUID)
                ? in.with(Gpr.R13, runs.get() & 1) : in, (in, out) -> out);
        RunResult a = CampaignRun.run(RunSpec.of(SEED, FaultTape.honest())
                .withText().withOps(Op.CPUID_HYPERVISOR), bug);
        runs.incrementAndGet();
        RunResult b = CampaignRun.run(RunSpec.of(SEED, FaultTape.honest())
                .withText().withOps(Op.CPUID_HYPERVISOR), bug);
        RunResult c = CampaignRun.run(RunSpec.of(SEED, FaultTape.honest())
                .withText().withOps(Op.CPUID_HYPERVISOR), PlantedBug.NONE);
        RunResult d = CampaignRun.run(RunSpec.of(SEED, FaultTape.honest())
                .withText().withOps(Op.CPUID_HYPERVISOR), PlantedBug.NONE);
        assertThat(b.traceHash()).isNotEqualTo(a.traceHash());
        assertThat(d.traceHash()).isEqualTo(c.traceHash());
    }
}
