package io.github.tdx4j.call.platform;

import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.policy.NanoClock;

/**
 * What a guest kernel sees of its machine: the TDCALL seam, its memory, time, and the hooks through which the
 * CPU delivers #VE and interrupts. The simulated platform implements it; guest services are written against it.
 */
public interface GuestPlatform {
    /** The one thing that executes TDCALL. */
    TdxTransport transport();

    /** Guest physical memory. */
    GuestMemory memory();

    /** The platform's monotonic time (simulated time on the simulator). */
    NanoClock clock();

    /**
     * Waits {@code nanos} of platform time, the analogue of {@code msleep()}. On the simulator time advances and
     * pending host work (quote generation, interrupts) runs; on real hardware the thread sleeps.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    void sleep(long nanos) throws InterruptedException;

    /** Registers the #VE handler the CPU enters on a virtualization exception. */
    void setVeHandler(VeHandler handler);

    /** Registers the handler for interrupts injected by the VMM. */
    void setInterruptHandler(InterruptHandler handler);
}
