package io.github.tdx4j.sim.vmm;

/** A device on the MMIO bus of the honest VMM, reached by #VE.RequestMMIO. Sizes are 1, 2, 4 or 8 bytes. */
public interface MmioDevice {
    /** A read of {@code size} bytes at {@code offset} from the device's base. */
    long read(long offset, int size);

    /** A write of the low {@code size} bytes of {@code value} at {@code offset}. */
    void write(long offset, int size, long value);
}
