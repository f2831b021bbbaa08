package io.github.tdx4j.guest.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.GetQuoteStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.AttestationException.Reason;
import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GetQuote's deadline held exactly: with a timeout that is not a multiple of the poll interval (the default 30 s is
 * a multiple of the 1 s poll, so a last sleep that is not cut at the deadline goes unseen there), one nanosecond
 * either side of the deadline, and in notify mode with stale or spurious notifications.
 */
class GetQuoteDeadlineTest {
    private static final long GET_QUOTE = TdvmcallSubFunction.GET_QUOTE.raw();
    private static final long SETUP_NOTIFY = TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT.raw();
    private static final long SEC = 1_000_000_000L;
    /** 2.5 s: not a multiple of the 1 s poll. */
    private static final long ODD_TIMEOUT = 2_500_000_000L;
    private static final int VECTOR = 0xF3;
    private static final byte[] QUOTE = {0x51, 0x55, 0x4F};

    private final FakeTd td = new FakeTd();

    /**
     * A VMM that takes the request (status IN_FLIGHT) and completes it {@code delay} ns later, then injects
     * {@code interrupt} if it is not 0.
     */
    private void vmmCompletesAfter(long delay, int interrupt) {
        td.vmm.put(GET_QUOTE, in -> {
            long base = in.r12();
            td.memory.writeLong(base + GetQuoteBufferLayout.STATUS_OFFSET, GetQuoteStatus.IN_FLIGHT.raw());
            td.at(td.now() + delay, () -> {
                td.memory.write(base + GetQuoteBufferLayout.DATA_OFFSET, QUOTE);
                td.memory.writeInt(base + GetQuoteBufferLayout.OUT_LEN_OFFSET, QUOTE.length);
                td.memory.writeLong(base + GetQuoteBufferLayout.STATUS_OFFSET, GetQuoteStatus.SUCCESS.raw());
                if (interrupt != 0) {
                    td.interruptHandler.onInterrupt(interrupt);
                }
            });
            return in.withR10(0);
        });
    }

    private GuestAttestation polling(long timeout) {
        return Boot.boot(td, Boot.config().withQuote(QuoteOptions.LINUX.withTimeout(timeout))).attestation();
    }

    private GuestAttestation notified() {
        td.vmm.put(SETUP_NOTIFY, in -> in.withR10(0));
        return Boot.boot(td, Boot.config().withQuote(QuoteOptions.LINUX.withNotifyVector(VECTOR))).attestation();
    }

    private long statusReads() {
        long base = td.vmcalls(GET_QUOTE).getFirst().r12();
        return td.memory.readsAt(base + GetQuoteBufferLayout.STATUS_OFFSET);
    }

    @Test
    @DisplayName("Timeout 2.5 s, poll 1 s: the last sleep is cut to 0.5 s, so a completion 1 ns after the deadline "
            + "is a TIMEOUT at exactly 2.5 s, never accepted")
    void lastSleepIsCutAtTheDeadline() {
        GuestAttestation att = polling(ODD_TIMEOUT);
        vmmCompletesAfter(ODD_TIMEOUT + 1, 0);
        assertThatThrownBy(() -> att.quote(new byte[64])).isInstanceOfSatisfying(AttestationException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(e.origin()).isEqualTo(Origin.VMM);
            assertThat(e.failure().site()).isEqualTo("tdx.getquote.timeout");
        });
        assertThat(td.now()).isEqualTo(ODD_TIMEOUT);
    }

    @ParameterizedTest(name = "completion at deadline {0} ns")
    @ValueSource(longs = {-1, 0})
    @DisplayName("Timeout 2.5 s, poll 1 s: a completion 1 ns before or exactly at the deadline is the quote, read at "
            + "exactly 2.5 s")
    void completionAtOrJustBeforeTheOddDeadlineSucceeds(long offset) {
        GuestAttestation att = polling(ODD_TIMEOUT);
        vmmCompletesAfter(ODD_TIMEOUT + offset, 0);
        assertThat(att.quote(new byte[64])).isEqualTo(QUOTE);
        assertThat(td.now()).isEqualTo(ODD_TIMEOUT);
    }

    @Test
    @DisplayName("Timeout 1 ns: the status is read at the start and once at the deadline, and 1 ns later is a TIMEOUT")
    void oneNanosecondTimeout() {
        GuestAttestation att = polling(1);
        vmmCompletesAfter(2, 0);
        assertThatThrownBy(() -> att.quote(new byte[64])).isInstanceOfSatisfying(AttestationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
        assertThat(td.now()).isEqualTo(1);
    }

    @Test
    @DisplayName("Poll mode reads the status once a second: a quote done at 1.2 s is returned at the 2 s poll")
    void pollsOnceASecond() {
        GuestAttestation att = polling(30 * SEC);
        vmmCompletesAfter(1_200_000_000L, 0);
        assertThat(att.quote(new byte[64])).isEqualTo(QUOTE);
        assertThat(td.now()).isEqualTo(2 * SEC);
        assertThat(statusReads()).as("at 0, 1 and 2 s").isEqualTo(3);
    }

    @Test
    @DisplayName("Notify mode: a stale notification from before the request does not make the guest read the "
            + "buffer early; the status is read once, after the request's own interrupt at 3 s")
    void staleNotificationIsForgotten() {
        GuestAttestation att = notified();
        att.onNotifyInterrupt(); // e.g. the completion of an earlier request, delivered late
        vmmCompletesAfter(3 * SEC, VECTOR);
        assertThat(att.quote(new byte[64])).isEqualTo(QUOTE);
        assertThat(td.now()).isEqualTo(3 * SEC);
        assertThat(statusReads()).isEqualTo(1);
    }

    @Test
    @DisplayName("Notify mode: a spurious interrupt while the request is still IN_FLIGHT does not end the wait; the "
            + "quote is returned at its real completion")
    void spuriousNotificationDoesNotEndTheWait() {
        GuestAttestation att = notified();
        vmmCompletesAfter(3 * SEC, VECTOR);
        td.at(SEC, () -> td.interruptHandler.onInterrupt(VECTOR));
        assertThat(att.quote(new byte[64])).isEqualTo(QUOTE);
        assertThat(td.now()).isEqualTo(3 * SEC);
        assertThat(statusReads()).as("at the spurious interrupt and at the real one").isEqualTo(2);
    }

    @Test
    @DisplayName("Notify mode: an interrupt on another vector is not the GetQuote notification")
    void otherVectorIsNotTheNotification() {
        GuestAttestation att = notified();
        vmmCompletesAfter(3 * SEC, VECTOR + 1);
        assertThat(att.quote(new byte[64])).as("found at the deadline").isEqualTo(QUOTE);
        assertThat(td.now()).isEqualTo(30 * SEC);
        assertThat(statusReads()).isEqualTo(1);
    }

    @Test
    @DisplayName("Notify mode without any interrupt: the status is read at the deadline; a finished quote is returned "
            + "then, at exactly 30 s")
    void notifyModeReadsAtTheDeadline() {
        GuestAttestation att = notified();
        vmmCompletesAfter(SEC, 0);
        assertThat(att.quote(new byte[64])).isEqualTo(QUOTE);
        assertThat(td.now()).isEqualTo(30 * SEC);
    }

    @Test
    @DisplayName("Notify mode checks for the interrupt every 10 ms: a quote notified at 3.005 s is read at 3.010 s")
    void notifyCheckInterval() {
        GuestAttestation att = notified();
        vmmCompletesAfter(3_005_000_000L, VECTOR);
        assertThat(att.quote(new byte[64])).isEqualTo(QUOTE);
        assertThat(td.now()).isEqualTo(3_010_000_000L);
    }

    @Test
    @DisplayName("The guest counts every injected interrupt, the notify vector included")
    void interruptsAreCounted() {
        TdxGuest g = Boot.boot(td);
        td.interruptHandler.onInterrupt(VECTOR);
        td.interruptHandler.onInterrupt(0x30);
        assertThat(g.interruptsReceived()).isEqualTo(2);
    }
}
