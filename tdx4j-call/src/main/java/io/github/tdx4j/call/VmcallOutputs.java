package io.github.tdx4j.call;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which registers each TDVMCALL sub-function defines as outputs: the only VMM-written registers, besides the R10
 * status, that reach the caller. Everything else the VMM could have written is scrubbed.
 *
 * <p>GHCI 1.5, the "Output Operands" table of each TDG.VP.VMCALL&lt;...&gt; section. A table as code; a
 * sub-function not listed returns nothing.
 */
public final class VmcallOutputs {
    private VmcallOutputs() {
    }

    private static final Map<TdvmcallSubFunction, Set<Gpr>> OUTPUTS = Map.of(
            // Instruction.CPUID: R12..R15 = EAX, EBX, ECX, EDX.
            TdvmcallSubFunction.INSTRUCTION_CPUID, EnumSet.of(Gpr.R12, Gpr.R13, Gpr.R14, Gpr.R15),
            // Instruction.IO: R11 = the value read (IN); unused for OUT.
            TdvmcallSubFunction.INSTRUCTION_IO, EnumSet.of(Gpr.R11),
            // Instruction.RDMSR: R11 = EDX:EAX.
            TdvmcallSubFunction.INSTRUCTION_RDMSR, EnumSet.of(Gpr.R11),
            // #VE.RequestMMIO: R11 = the value read.
            TdvmcallSubFunction.VE_REQUEST_MMIO, EnumSet.of(Gpr.R11),
            // MapGPA: R11 = the GPA to resume from on RETRY (and the failing GPA on error).
            TdvmcallSubFunction.MAP_GPA, EnumSet.of(Gpr.R11),
            // GetTdVmCallInfo: R11..R14 = the supported-feature words.
            TdvmcallSubFunction.GET_TD_VM_CALL_INFO, EnumSet.of(Gpr.R11, Gpr.R12, Gpr.R13, Gpr.R14));

    /** The output registers of {@code subFunction}; empty for the ones that return only a status. */
    public static Set<Gpr> of(TdvmcallSubFunction subFunction) {
        Set<Gpr> s = OUTPUTS.get(subFunction);
        return s == null ? Set.of() : Set.copyOf(s);
    }
}
