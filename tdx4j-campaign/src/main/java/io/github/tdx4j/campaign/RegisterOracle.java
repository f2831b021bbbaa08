package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.sim.ExecutionResult;
import io.github.tdx4j.sim.adversary.Fault;

/**
 * The register diff oracle ({@link Oracle#CORRUPTION}) after each vCPU operation, and the end of a vCPU run that
 * reached its instruction bound ({@link Oracle#HANG}).
 */
final class RegisterOracle {
    private RegisterOracle() {
    }

    /**
     * The register diff oracle: after the operation every register must hold exactly what the architectural model
     * in {@code expected} says (the operands it writes, from the VMM's answer masked and extended; all others
     * untouched). A #VE fault leaves the registers as the handler's error path defines them.
     */
    static boolean checkRegisters(CampaignRun run, ExecutionResult r, long[] expected) {
        if (r instanceof ExecutionResult.Faulted f) {
            run.opFailure = f.failure();
        }
        if (r instanceof ExecutionResult.StepLimit s) {
            throw new BoundedPlatform.HangDetected("vCPU instruction bound reached at RIP 0x"
                    + Long.toHexString(s.rip()));
        }
        for (Gpr g : Gpr.values()) {
            long got = run.cpu.get(g);
            if (got != expected[g.number()]) {
                run.violation(Oracle.CORRUPTION, String.format("%s = 0x%x after the operation, architecturally 0x%x",
                        g, got, expected[g.number()]));
            }
        }
        return switch (r) {
            case ExecutionResult.Completed c -> true;
            case ExecutionResult.Faulted f -> {
                if (f.fault() != ExecutionResult.Fault.VE_FAULT) {
                    throw new BoundedPlatform.FaultWithOrigin(f.failure());
                }
                yield false;
            }
            case ExecutionResult.StepLimit s -> false;
        };
    }
}
