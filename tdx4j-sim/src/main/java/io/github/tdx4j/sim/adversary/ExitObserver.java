package io.github.tdx4j.sim.adversary;

import io.github.tdx4j.sim.vmm.VmcallExit;

/** Sees each TDVMCALL exit as the VMM receives it, before the VMM answers (for leak oracles). */
@FunctionalInterface
public interface ExitObserver {
    ExitObserver NONE = exit -> { };

    void onExit(VmcallExit exit);
}
