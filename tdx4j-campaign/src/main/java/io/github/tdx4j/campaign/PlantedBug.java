package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.policy.OriginPolicy;
import java.util.function.ToLongFunction;
import io.github.tdx4j.call.platform.GuestPlatform;
import io.github.tdx4j.call.policy.LogSink;
import io.github.tdx4j.sim.Vcpu;

/**
 * A guest bug planted on purpose between the guest services and the platform, so that a test can check that each
 * oracle fires on the bug it exists to catch (a campaign whose oracles never fire proves nothing). Campaigns never
 * plant one: only {@link CampaignRun#planted} does.
 */
interface PlantedBug {
    /** No bug: the guest services talk to the platform directly. */
    PlantedBug NONE = new PlantedBug() {
    };

    /**
     * The transport the guest services call, given the one the campaign built (call and time bounds, then the
     * faulty module) and the vCPU whose registers the operations run on.
     */
    default TdxTransport transport(TdxTransport bounded, Vcpu cpu) {
        return bounded;
    }

    /** The platform the guest boots on, given the campaign's (bounded, watched) one. */
    default GuestPlatform platform(GuestPlatform bounded) {
        return bounded;
    }

    /** The origin policy the guest boots with, given the run's preset. */
    default OriginPolicy policy(OriginPolicy configured) {
        return configured;
    }

    /**
     * The registers {@code TdxCalls.tdvmcall} hands back to a probe, given what it handed back and what the VMM
     * wrote in each register (a planted scrub omission passes a VMM value on).
     */
    default Registers handedBack(Registers scrubbed, ToLongFunction<Gpr> vmmWrote) {
        return scrubbed;
    }

    /** The simulated module's TDCALL seam as the simulator probe reaches it. */
    default TdxTransport module(TdxTransport simulated) {
        return simulated;
    }

    /** Told the name of each operation as it starts ("boot" first), for a bug that strikes in one operation only. */
    default void operationStarts(String operation) {
    }

    /** The log sink the guest services write to, given the one the log-volume oracle reads. */
    default LogSink log(LogSink observed) {
        return observed;
    }
}
