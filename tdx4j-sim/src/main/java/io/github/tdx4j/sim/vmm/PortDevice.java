package io.github.tdx4j.sim.vmm;

/** A device on the I/O port bus of the honest VMM. Sizes are 1, 2 or 4 bytes; values are masked to the size. */
public interface PortDevice {
    /** IN from {@code port}. */
    long in(int port, int size);

    /** OUT of {@code value} to {@code port}. */
    void out(int port, int size, long value);
}
