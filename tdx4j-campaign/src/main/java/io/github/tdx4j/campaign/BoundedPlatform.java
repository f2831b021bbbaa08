package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.Sensitivity;
import io.github.tdx4j.call.TdxException;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxPanic;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.call.platform.GuestPlatform;
import io.github.tdx4j.call.platform.InterruptHandler;
import io.github.tdx4j.call.platform.VeHandler;
import io.github.tdx4j.call.policy.NanoClock;
import io.github.tdx4j.call.policy.OriginPolicy;
import io.github.tdx4j.call.policy.Reaction;
import io.github.tdx4j.guest.CpuidInstruction;
import io.github.tdx4j.guest.GuestConfig;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.GuestAttestation;
import io.github.tdx4j.guest.attest.QuoteOptions;
import io.github.tdx4j.guest.io.PortSize;
import io.github.tdx4j.guest.memory.MemoryConversionException;
import io.github.tdx4j.guest.memory.PageAcceptor;
import io.github.tdx4j.guest.memory.SharedBuffer;
import io.github.tdx4j.sim.ExecutionResult;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.StopReason;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.TdStopped;
import io.github.tdx4j.sim.Vcpu;
import io.github.tdx4j.sim.adversary.Adversary;
import io.github.tdx4j.sim.adversary.Decision;
import io.github.tdx4j.sim.adversary.AdversarialVmm;
import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.FaultyModule;
import io.github.tdx4j.sim.adversary.InputSite;
import io.github.tdx4j.sim.vmm.HostMemory;
import io.github.tdx4j.sim.vmm.VmcallExit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The guest's platform: the simulated TD, with the faulty module in front of its TDCALL seam, a call and time
 * bound per operation, a watchdog, and a look at every interrupt the guest receives.
 *
 * <p>The watchdog is outside the guest code it watches: every TDCALL, every sleep and every clock read the guest
 * makes is a step, and an operation may take at most {@link CampaignRun#MAX_STEPS_PER_OPERATION} steps and
 * {@link CampaignRun#MAX_WALL_NANOS_PER_OPERATION} of real time (checked every 1024 steps and at every TDCALL).
 * Beyond either the step throws {@link HangDetected} out of the guest: the run reports HANG with its seed and tape
 * and the campaign goes on. A guest loop that touches none of the platform (no call, no sleep, no clock) is not
 * seen; every wait in the guest services reads the clock or sleeps.
 */
final class BoundedPlatform implements GuestPlatform {
    private final CampaignRun run;
    private final TdxTransport transport;
    private final NanoClock clock;
    private final GuestPlatform planted;

    BoundedPlatform(CampaignRun run) {
        this.run = run;
        TdxTransport faulty = new FaultyModule(run.td.transport(), run.adv);
        TdxTransport bounded = (Registers in) -> {
            step();
            if (++run.calls > CampaignRun.MAX_CALLS_PER_OPERATION) {
                throw new HangDetected(run.op + " made more than " + CampaignRun.MAX_CALLS_PER_OPERATION + " TDCALLs");
            }
            if (run.td.nanoTime() - run.opStart > CampaignRun.MAX_NANOS_PER_OPERATION) {
                throw new HangDetected(run.op + " ran longer than " + CampaignRun.MAX_NANOS_PER_OPERATION + " ns");
            }
            checkWallClock();
            Registers out = faulty.tdcall(in);
            OperationRules.afterTdcall(run, in, out);
            return out;
        };
        this.transport = run.bug.transport(bounded, run.cpu);
        NanoClock simulated = run.td.clock();
        this.clock = () -> {
            step();
            return simulated.nanoTime();
        };
        this.planted = run.bug.platform(this);
    }

    /** The platform the guest boots on: this one, or a planted bug's wrapper around it. */
    GuestPlatform forGuest() {
        return planted;
    }

    /** One step of the watchdog: the step budget always, the wall clock every 1024 steps. */
    private void step() {
        long n = ++run.steps;
        if (n > CampaignRun.MAX_STEPS_PER_OPERATION) {
            throw new HangDetected(run.op + " took more than " + CampaignRun.MAX_STEPS_PER_OPERATION
                    + " platform steps (TDCALLs, sleeps, clock reads) without returning");
        }
        if ((n & 0x3FF) == 0) {
            checkWallClock();
        }
    }

    private void checkWallClock() {
        if (System.nanoTime() - run.opWallStart > CampaignRun.MAX_WALL_NANOS_PER_OPERATION) {
            throw new HangDetected(run.op + " ran longer than " + CampaignRun.MAX_WALL_NANOS_PER_OPERATION / 1_000_000
                    + " ms of real time");
        }
    }

    @Override
    public TdxTransport transport() {
        return transport;
    }

    @Override
    public GuestMemory memory() {
        return run.td.memory();
    }

    @Override
    public NanoClock clock() {
        return clock;
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
        step();
        if (run.td.nanoTime() + nanos - run.opStart > CampaignRun.MAX_NANOS_PER_OPERATION) {
            throw new HangDetected(run.op + " waits beyond " + CampaignRun.MAX_NANOS_PER_OPERATION + " ns");
        }
        run.td.sleep(nanos);
    }

    @Override
    public void setVeHandler(VeHandler handler) {
        run.td.setVeHandler(handler);
    }

    @Override
    public void setInterruptHandler(InterruptHandler handler) {
        run.td.setInterruptHandler(vector -> {
            if (vector <= SpecTables.MAX_UNPOSTABLE_VECTOR) {
                run.violation(Oracle.SIMULATOR_FILTER, "the guest received vector " + vector
                        + ", which the TDX module does not let a VMM post");
            }
            run.adv.trace("irq", vector);
            handler.onInterrupt(vector);
        });
    }

    /** A vCPU fault other than a #VE fault (#GP, #UD, memory): carries the platform's classified failure. */
    static final class FaultWithOrigin extends TdxException {
        private static final long serialVersionUID = 1L;

        FaultWithOrigin(TdxFailure failure) {
            super(failure);
        }
    }

    /** An operation ran past its bound: the "no hang" oracle, thrown out of the guest to end the run. */
    static final class HangDetected extends Error {
        private static final long serialVersionUID = 1L;

        HangDetected(String message) {
            super(message, null, false, false);
        }
    }
}
