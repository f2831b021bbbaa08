package io.github.tdx4j.sim.vmm;

import java.util.function.LongConsumer;

/**
 * QEMU's {@code isa-debug-exit} at port 0x501: a write of {@code value} ends the VM with exit status
 * {@code (value << 1) | 1}. Used by test guests to report a verdict. Reads return all ones (no register).
 */
public final class DebugExitDevice implements PortDevice {
    /** The default iobase of QEMU's isa-debug-exit. */
    public static final int PORT = 0x501;

    private final LongConsumer onExit;

    /** {@code onExit} receives the exit status. */
    public DebugExitDevice(LongConsumer onExit) {
        this.onExit = onExit;
    }

    @Override
    public long in(int port, int size) {
        return -1L;
    }

    @Override
    public void out(int port, int size, long value) {
        onExit.accept((value << 1) | 1);
    }
}
