package io.github.tdx4j.guest;

/**
 * Executes the CPUID instruction natively, without the #VE path: how the guest asks the CPU (and the TDX module,
 * which virtualizes leaf 0x21) whether it runs in a TD, before any TDX service exists.
 *
 * <p>The guest services cannot execute instructions themselves; the platform that runs the guest supplies this
 * (the simulated vCPU, or the real CPU).
 */
@FunctionalInterface
public interface CpuidInstruction {
    /** CPUID with EAX = {@code leaf}, ECX = {@code subleaf}. */
    Result execute(int leaf, int subleaf);

    /** The four output registers. */
    record Result(int eax, int ebx, int ecx, int edx) {
    }
}
