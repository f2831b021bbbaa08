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

    /**
     * This platform with another TDCALL seam, for example a {@code TracingTransport} or a fault injector around
     * {@link #transport()}; everything else is this platform's.
     */
    default GuestPlatform withTransport(TdxTransport seam) {
        return new PlatformView(this, seam, memory(), PlatformView.NO_LISTENER);
    }

    /** This platform with another view of guest memory (one that counts or checks accesses); the rest is this one's. */
    default GuestPlatform withMemory(GuestMemory view) {
        return new PlatformView(this, transport(), view, PlatformView.NO_LISTENER);
    }

    /**
     * This platform, with {@code listener} told of every interrupt vector before the guest's own handler; a listener
     * added earlier in a chain of these hears it first.
     */
    default GuestPlatform watchingInterrupts(InterruptHandler listener) {
        return new PlatformView(this, transport(), memory(), listener);
    }
}
