package io.github.tdx4j.sim.adversary;

/**
 * What an adversary decided at one input site.
 *
 * @param site  where
 * @param fault what ({@link Fault#HONEST} for nothing)
 * @param value the fault's 64-bit value from the tape, when {@link Fault#needsValue()}; else 0
 */
public record Decision(InputSite site, Fault fault, long value) {
    public boolean honest() {
        return fault == Fault.HONEST;
    }
}
