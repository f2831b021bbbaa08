package io.github.tdx4j.call.platform;

import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.policy.NanoClock;
import java.util.Objects;

/**
 * {@code base} with its TDCALL seam or memory replaced, or with a listener that sees every interrupt before the
 * guest's handler: what {@link GuestPlatform#withTransport}, {@link GuestPlatform#withMemory} and
 * {@link GuestPlatform#watchingInterrupts} return. Time, sleeping and the #VE hook are {@code base}'s. Views nest:
 * each one hands its composed interrupt handler to the view below it.
 *
 * @param base              the platform everything else comes from
 * @param transport         the seam the guest calls
 * @param memory            the memory the guest reads and writes
 * @param interruptListener called with each interrupt vector before the guest's handler
 */
record PlatformView(GuestPlatform base, TdxTransport transport, GuestMemory memory, InterruptHandler interruptListener)
        implements GuestPlatform {
    /** Interrupts go to the guest's handler alone. */
    static final InterruptHandler NO_LISTENER = vector -> { };

    PlatformView {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(interruptListener, "interruptListener");
    }

    @Override
    public NanoClock clock() {
        return base.clock();
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
        base.sleep(nanos);
    }

    @Override
    public void setVeHandler(VeHandler handler) {
        base.setVeHandler(handler);
    }

    @Override
    public void setInterruptHandler(InterruptHandler handler) {
        Objects.requireNonNull(handler, "handler");
        base.setInterruptHandler(vector -> {
            interruptListener.onInterrupt(vector);
            handler.onInterrupt(vector);
        });
    }
}
