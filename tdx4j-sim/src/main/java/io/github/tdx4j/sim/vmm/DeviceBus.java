package io.github.tdx4j.sim.vmm;

import java.util.ArrayList;
import java.util.List;

/**
 * The host's port and MMIO address spaces: which emulated device answers a port or a GPA. Later devices take
 * precedence over earlier ones at the same address, as QEMU's memory-region priority does for overlapping devices.
 */
final class DeviceBus {
    private final List<PortRange> ports = new ArrayList<>();
    private final List<MmioRange> mmio = new ArrayList<>();

    /** A device claiming GPAs [base, base+size) (shared bit stripped). */
    record MmioRange(long base, long size, MmioDevice device) {
    }

    private record PortRange(int first, int count, PortDevice device) {
    }

    void addPortDevice(int first, int count, PortDevice device) {
        ports.addFirst(new PortRange(first, count, device));
    }

    void addMmioDevice(long base, long size, MmioDevice device) {
        mmio.addFirst(new MmioRange(base, size, device));
    }

    /** The device on {@code port}, or null if the port is unclaimed. */
    PortDevice port(int port) {
        for (PortRange r : ports) {
            if (port >= r.first && port < r.first + r.count) {
                return r.device;
            }
        }
        return null;
    }

    /** The device range holding {@code gpa} (shared bit stripped), or null if none claims it. */
    MmioRange mmio(long gpa) {
        for (MmioRange r : mmio) {
            if (gpa >= r.base && gpa - r.base < r.size) {
                return r;
            }
        }
        return null;
    }
}
