package io.github.tdx4j.guest.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.GetQuoteStatus;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.call.platform.GuestPlatform;
import io.github.tdx4j.call.platform.InterruptHandler;
import io.github.tdx4j.call.platform.VeHandler;
import io.github.tdx4j.call.policy.NanoClock;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.AttestationException.Reason;
import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** GuestAttestation edges found by mutation testing (issue 18). */
class GuestAttestationEdgesTest {
    private static final long GET_QUOTE = TdvmcallSubFunction.GET_QUOTE.raw();
    private static final long MAP_GPA = TdvmcallSubFunction.MAP_GPA.raw();

    private final FakeTd td = new FakeTd();
    private final TdxGuest guest = Boot.boot(td);

    /** A VMM that takes every GetQuote request and never completes it. */
    private void vmmNeverAnswers() {
        td.vmm.put(GET_QUOTE, in -> {
            td.memory.writeLong(in.r12() + GetQuoteBufferLayout.STATUS_OFFSET, GetQuoteStatus.IN_FLIGHT.raw());
            return in.withR10(0);
        });
    }

    @Test
    @DisplayName("Interrupted while waiting for GetQuote: TIMEOUT (tdx.getquote.interrupted), the thread's interrupt "
            + "flag is set again, and the buffer stays the VMM's (BUSY while IN_FLIGHT)")
    void interruptedWaitKeepsTheFlagAndTheBuffer() {
        vmmNeverAnswers();
        GuestPlatform interrupting = new GuestPlatform() {
            @Override
            public TdxTransport transport() {
                return td;
            }

            @Override
            public GuestMemory memory() {
                return td.memory;
            }

            @Override
            public NanoClock clock() {
                return td.clock();
            }

            @Override
            public void sleep(long nanos) throws InterruptedException {
                throw new InterruptedException("shutdown");
            }

            @Override
            public void setVeHandler(VeHandler handler) {
                td.setVeHandler(handler);
            }

            @Override
            public void setInterruptHandler(InterruptHandler handler) {
                td.setInterruptHandler(handler);
            }
        };
        GuestAttestation att = new GuestAttestation(interrupting, guest.calls(), guest.failures(),
                guest.sharedMemory(), guest.pages(), QuoteOptions.LINUX);
        try {
            assertThatThrownBy(() -> att.quote(new byte[64])).isInstanceOfSatisfying(AttestationException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
                assertThat(e.failure().site()).isEqualTo("tdx.getquote.interrupted");
                assertThat(e.origin()).isEqualTo(Origin.VMM);
            });
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is not swallowed").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThatThrownBy(() -> att.quote(new byte[64])).isInstanceOfSatisfying(AttestationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BUSY));
        assertThat(td.vmcalls(GET_QUOTE)).hasSize(1);
    }

    @Test
    @DisplayName("TDG.MR.REPORT refusing the operands (OPERAND_INVALID) is MODULE_ERROR with origin GUEST_BUG")
    void reportOperandInvalidIsTheGuestsBug() {
        td.failLeaf.put(TdcallLeaf.TDG_MR_REPORT, TdxStatus.OPERAND_INVALID.raw());
        assertThatThrownBy(() -> guest.attestation().report(new byte[64])).isInstanceOfSatisfying(
                AttestationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.MODULE_ERROR);
                    assertThat(e.origin()).isEqualTo(Origin.GUEST_BUG);
                    assertThat(e.getMessage()).contains("TDG.MR.REPORT refused the operands");
                });
    }

    @Test
    @DisplayName("quote() with REPORTDATA of 63 bytes is refused before anything happens: no buffer shared, no TDCALL")
    void quoteChecksReportDataFirst() {
        assertThatThrownBy(() -> guest.attestation().quote(new byte[63])).isInstanceOfSatisfying(
                AttestationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT));
        assertThat(td.vmcalls(MAP_GPA)).as("the quote buffer was not shared").isEmpty();
        assertThat(td.calls).isEmpty();
    }

    @Test
    @DisplayName("The GetQuote timeout names the timeout in milliseconds")
    void timeoutMessageInMilliseconds() {
        FakeTd t = new FakeTd();
        GuestAttestation att = Boot.boot(t, Boot.config().withQuote(QuoteOptions.LINUX.withTimeout(2_500_000_000L)))
                .attestation();
        t.vmm.put(GET_QUOTE, in -> {
            t.memory.writeLong(in.r12() + GetQuoteBufferLayout.STATUS_OFFSET, GetQuoteStatus.IN_FLIGHT.raw());
            return in.withR10(0);
        });
        assertThatThrownBy(() -> att.quote(new byte[64])).hasMessageContaining("in flight after 2500 ms");
    }
}
