package io.github.tdx4j.sim;

/** Where the simulated MMIO test device lives; see {@link io.github.tdx4j.sim.vmm.MmioTestDevice}. */
final class MmioWindow {
    private MmioWindow() {
    }

    /** Default GPA of the MMIO window when RAM is smaller: 3 GiB, the start of the usual 32-bit PCI hole. */
    static final long DEFAULT_BASE = 0xC000_0000L;
    /** One 4 KiB page of registers. */
    static final long SIZE = 4096;
}
