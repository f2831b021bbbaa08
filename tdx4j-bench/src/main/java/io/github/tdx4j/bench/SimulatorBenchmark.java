package io.github.tdx4j.bench;

import io.github.tdx4j.abi.GprSelect;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.VmcallRequest;
import io.github.tdx4j.call.VmcallResult;
import io.github.tdx4j.sim.SimulatedTd;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The simulated platform's speed goals: a TDVMCALL round trip (guest → module → VMM → guest) that allocates nothing
 * beyond the seam's records, and a fresh TD that boots in well under a millisecond.
 *
 * <p>Run: {@code java -jar tdx4j-bench/target/benchmarks.jar SimulatorBenchmark -prof gc} and read
 * {@code gc.alloc.rate.norm} (bytes per operation). The raw round trip allocates only the output {@link Registers}
 * (the seam returns a new immutable record); {@link TdxCalls#tdvmcall} adds its own input, scrubbed output and
 * result records.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SimulatorBenchmark {
    private TdxTransport transport;
    private TdxCalls calls;
    private Registers cpuidExit;
    private Registers ioExit;
    private Registers vpInfo;
    private VmcallRequest cpuidRequest;

    @Setup
    public void setup() {
        SimulatedTd td = SimulatedTd.boot();
        transport = td.transport();
        calls = new TdxCalls(transport);
        long mask = GprSelect.TDVMCALL_EXPOSE_REGS_MASK.raw();
        // TDVMCALL<Instruction.CPUID> of the KVM leaf: answered by the VMM from registers alone.
        cpuidExit = new Registers(0, mask, 0, 0, 0, 0, 0, 0, 0, TdvmcallSubFunction.INSTRUCTION_CPUID.raw(),
                0x4000_0000L, 0, 0, 0);
        // TDVMCALL<Instruction.IO> OUT of one byte to an unclaimed port: the port-bus lookup included.
        ioExit = new Registers(0, mask, 0, 0, 0, 0, 0, 0, 0, TdvmcallSubFunction.INSTRUCTION_IO.raw(), 1, 1, 0x80,
                0x55);
        vpInfo = Registers.ZERO.withRax(TdcallLeaf.TDG_VP_INFO.rax());
        cpuidRequest = VmcallRequest.standard(TdvmcallSubFunction.INSTRUCTION_CPUID, 0x4000_0000L, 0, 0, 0);
    }

    /** TDG.VP.VMCALL round trip at the transport seam: Instruction.CPUID. */
    @Benchmark
    public Registers tdvmcallCpuid() {
        return transport.tdcall(cpuidExit);
    }

    /** TDG.VP.VMCALL round trip at the transport seam: Instruction.IO OUT. */
    @Benchmark
    public Registers tdvmcallIoOut() {
        return transport.tdcall(ioExit);
    }

    /** The same CPUID TDVMCALL through the call layer (request, scrub and result records included). */
    @Benchmark
    public VmcallResult tdvmcallThroughTdxCalls() {
        return calls.tdvmcall(cpuidRequest);
    }

    /**
     * The same CPUID round trip as guest code consumes it: one output register read, the record never escaping.
     * With the call inlined, escape analysis removes the output record, so this measures the simulator's own
     * allocation on the hot path.
     */
    @Benchmark
    public long tdvmcallCpuidConsumed() {
        return transport.tdcall(cpuidExit).r12();
    }

    /** The call layer's TDVMCALL as a #VE handler uses it: only the declared output is read. */
    @Benchmark
    public long tdvmcallThroughTdxCallsConsumed() {
        return calls.tdvmcall(cpuidRequest).out(io.github.tdx4j.abi.Gpr.R12);
    }

    /** A TDX-module leaf: TDG.VP.INFO. */
    @Benchmark
    public Registers tdcallVpInfo() {
        return transport.tdcall(vpInfo);
    }

    /** A fresh production TD (2 GiB, strict settings, honest VMM) booted. */
    @Benchmark
    public SimulatedTd bootTd() {
        return SimulatedTd.boot();
    }
}
