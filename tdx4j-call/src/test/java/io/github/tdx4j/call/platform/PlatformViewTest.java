package io.github.tdx4j.call.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.policy.NanoClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link GuestPlatform#withTransport}, {@link GuestPlatform#withMemory} and {@link GuestPlatform#watchingInterrupts}:
 * the replaced part is the caller's, everything else reaches the platform underneath unchanged.
 */
class PlatformViewTest {
    /** A platform that records what reaches it. */
    private static final class Base implements GuestPlatform {
        final TdxTransport transport = in -> in.withRax(1);
        final GuestMemory memory = new GuestMemory() {
            @Override
            public void read(long gpa, byte[] dst, int offset, int length) {
            }

            @Override
            public void write(long gpa, byte[] src, int offset, int length) {
            }
        };
        final NanoClock clock = () -> 42;
        final List<Long> slept = new ArrayList<>();
        VeHandler ve;
        InterruptHandler interrupts;

        @Override
        public TdxTransport transport() {
            return transport;
        }

        @Override
        public GuestMemory memory() {
            return memory;
        }

        @Override
        public NanoClock clock() {
            return clock;
        }

        @Override
        public void sleep(long nanos) {
            slept.add(nanos);
        }

        @Override
        public void setVeHandler(VeHandler handler) {
            ve = handler;
        }

        @Override
        public void setInterruptHandler(InterruptHandler handler) {
            interrupts = handler;
        }
    }

    @Test
    @DisplayName("withTransport: the guest calls the new seam; memory, clock, sleep and the #VE hook are the platform's")
    void withTransportReplacesOnlyTheSeam() throws InterruptedException {
        Base base = new Base();
        TdxTransport seam = in -> in.withRax(2);
        GuestPlatform view = base.withTransport(seam);
        assertThat(view.transport()).isSameAs(seam);
        assertThat(view.memory()).isSameAs(base.memory);
        assertThat(view.clock()).isSameAs(base.clock);
        view.sleep(7);
        assertThat(base.slept).containsExactly(7L);
        VeHandler ve = context -> VeOutcome.HANDLED;
        view.setVeHandler(ve);
        assertThat(base.ve).isSameAs(ve);
        assertThat(view.transport().tdcall(Registers.ZERO).rax()).isEqualTo(2);
    }

    @Test
    @DisplayName("withMemory: the guest reads through the new view; the seam is the platform's")
    void withMemoryReplacesOnlyTheMemory() {
        Base base = new Base();
        GuestMemory counting = new GuestMemory() {
            @Override
            public void read(long gpa, byte[] dst, int offset, int length) {
            }

            @Override
            public void write(long gpa, byte[] src, int offset, int length) {
            }
        };
        GuestPlatform view = base.withMemory(counting);
        assertThat(view.memory()).isSameAs(counting);
        assertThat(view.transport()).isSameAs(base.transport);
    }

    @Test
    @DisplayName("watchingInterrupts: listeners hear each vector in the order they were added, then the guest's handler")
    void listenersBeforeTheGuest() {
        Base base = new Base();
        List<String> heard = new ArrayList<>();
        GuestPlatform view = base.watchingInterrupts(v -> heard.add("first " + v))
                .watchingInterrupts(v -> heard.add("second " + v));
        view.setInterruptHandler(v -> heard.add("guest " + v));
        base.interrupts.onInterrupt(0x20);
        assertThat(heard).containsExactly("first 32", "second 32", "guest 32");
        assertThat(view.transport()).isSameAs(base.transport);
        assertThat(view.memory()).isSameAs(base.memory);
    }

    @Test
    @DisplayName("A missing part is refused when the view is made, not when the guest first uses it")
    void nullsRefused() {
        Base base = new Base();
        assertThatThrownBy(() -> base.withTransport(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("transport");
        assertThatThrownBy(() -> base.withMemory(null)).isInstanceOf(NullPointerException.class).hasMessage("memory");
        assertThatThrownBy(() -> base.watchingInterrupts(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("interruptListener");
        assertThatThrownBy(() -> new PlatformView(null, base.transport, base.memory, PlatformView.NO_LISTENER))
                .isInstanceOf(NullPointerException.class).hasMessage("base");
        assertThatThrownBy(() -> base.withMemory(base.memory).setInterruptHandler(null))
                .isInstanceOf(NullPointerException.class).hasMessage("handler");
    }
}
