package io.github.tdx4j.sim;

import io.github.tdx4j.call.TdxFailure;
import java.util.Objects;

/**
 * How a {@link Vcpu} run ended. A stopped TD is not a result: it throws {@link TdStopped}; a guest #VE handler that
 * panics throws its {@link io.github.tdx4j.call.TdxPanic}.
 */
public sealed interface ExecutionResult permits ExecutionResult.Completed, ExecutionResult.StepLimit,
        ExecutionResult.Faulted {

    /** Instructions retired (or faulted) in this run. */
    long instructions();

    /** RIP when the run ended. */
    long rip();

    /** RIP reached the stop address. */
    record Completed(long instructions, long rip) implements ExecutionResult {
    }

    /** The instruction bound ({@link SimSettings#maxInstructionsPerRun()}) was reached first. */
    record StepLimit(long instructions, long rip) implements ExecutionResult {
    }

    /**
     * An instruction faulted and the fault is delivered to the running context: the SIGSEGV of a user task or the
     * oops of kernel code. RIP is the faulting instruction's.
     *
     * @param fault   which fault
     * @param failure what happened and whose fault it is
     */
    record Faulted(Fault fault, TdxFailure failure, long instructions, long rip) implements ExecutionResult {
        public Faulted {
            Objects.requireNonNull(fault, "fault");
            Objects.requireNonNull(failure, "failure");
        }
    }

    /** The faults a run reports. A closed set we produce. */
    enum Fault {
        /** The guest's #VE handler returned {@link io.github.tdx4j.call.platform.VeOutcome.Fault}. */
        VE_FAULT,
        /** #UD: an opcode this vCPU does not execute. */
        INVALID_OPCODE,
        /** #GP: a privileged instruction in user mode, a #GP-class MSR, a GPA beyond GPAW. */
        GENERAL_PROTECTION,
        /** An access the platform refuses outright (see {@link io.github.tdx4j.call.platform.MemoryAccessException}). */
        MEMORY
    }
}
