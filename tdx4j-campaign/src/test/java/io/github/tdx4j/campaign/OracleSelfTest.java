package io.github.tdx4j.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.OperandId;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.policy.LogSink;
import io.github.tdx4j.campaign.CampaignRun.Op;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.Vcpu;
import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.InputSite;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
        RunResult control = CampaignRun.run(RunSpec.of(SEED, FaultTape.honest())
                .withText().forcing(site, fault, 0, Integer.MAX_VALUE).withOps(ops), PlantedBug.NONE);
        assertThat(control.violations()).as("the control run, without the bug").isEmpty();
        return CampaignRun.run(RunSpec.of(SEED, FaultTape.honest())
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
