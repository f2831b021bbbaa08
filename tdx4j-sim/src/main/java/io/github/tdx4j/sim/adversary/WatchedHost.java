package io.github.tdx4j.sim.adversary;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.GetQuoteStatus;
import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.StopReason;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.quote.QuoteGenerationService;
import io.github.tdx4j.sim.vmm.Host;
import io.github.tdx4j.sim.vmm.HostMemory;

/**
 * The host the honest VMM acts through: the real one, except that GetQuote completions it schedules go through
 * the adversary (timing, header) and quotes may come from a cheaper generator.
 */
final class WatchedHost implements Host {
    private final Host h;
    private final Adversary adversary;
    private final QuoteGenerationService quotes;
    private final long sharedBit;
    /** The GetQuote request being served: its shared GPA and size, while the honest VMM handles the exit. */
    private long quoteGpa = -1;
    private long quoteSize;

    WatchedHost(Host h, Adversary adversary, QuoteGenerationService quotes) {
        this.h = h;
        this.adversary = adversary;
        this.quotes = quotes;
        this.sharedBit = h.config().sharedBit();
    }

    /**
     * Runs {@code honestAnswer} (the honest VMM serving GetQuote on the buffer at shared GPA {@code gpa} of
     * {@code size} bytes) so that the completion it schedules goes through the adversary.
     */
    void serving(long gpa, long size, Runnable honestAnswer) {
        quoteGpa = gpa;
        quoteSize = size;
        try {
            honestAnswer.run();
        } finally {
            quoteGpa = -1;
        }
    }

    @Override
    public void schedule(long atNanos, Runnable action) {
        if (quoteGpa < 0) {
            h.schedule(atNanos, action);
            return;
        }
        long gpa = quoteGpa;
        long size = quoteSize;
        Decision d = adversary.decide(InputSite.GETQUOTE_COMPLETION_TIME);
        long now = h.nanoTime();
        long at = switch (d.fault()) {
            case QUOTE_AT_DEADLINE -> now + AdversarialVmm.LINUX_QUOTE_TIMEOUT_NANOS;
            case QUOTE_LATE -> now + AdversarialVmm.LINUX_QUOTE_TIMEOUT_NANOS + 1;
            case QUOTE_IMMEDIATE -> now;
            default -> atNanos;
        };
        // No must-fail flag for QUOTE_NEVER / QUOTE_LATE: the completion of an earlier request the host failed with
        // R10 (and served anyway) may satisfy the guest instead; the campaign checks the header the guest read.
        if (d.fault() != Fault.QUOTE_NEVER) {
            h.schedule(at, () -> completeQuote(action, gpa, size));
        }
    }

    @Override
    public QuoteGenerationService quoteService() {
        return quotes != null ? quotes : h.quoteService();
    }

    @Override
    public TdConfig config() {
        return h.config();
    }

    @Override
    public SimSettings settings() {
        return h.settings();
    }

    @Override
    public HostMemory memory() {
        return h.memory();
    }

    @Override
    public long nanoTime() {
        return h.nanoTime();
    }

    @Override
    public void idle(int vcpu, long maxNanos) {
        h.idle(vcpu, maxNanos);
    }

    @Override
    public void convert(long gpa, long bytes, boolean shared) {
        h.convert(gpa, bytes, shared);
    }

    @Override
    public void augPrivate(long gpa, PageLevel level) {
        h.augPrivate(gpa, level);
    }

    @Override
    public void demotePrivate(long gpa) {
        h.demotePrivate(gpa);
    }

    @Override
    public void injectInterrupt(int vcpu, int vector) {
        h.injectInterrupt(vcpu, vector);
    }

    @Override
    public boolean hasPendingInterrupt(int vcpu) {
        return h.hasPendingInterrupt(vcpu);
    }

    @Override
    public boolean verifyReport(byte[] report) {
        return h.verifyReport(report);
    }

    @Override
    public void console(int b) {
        h.console(b);
    }

    @Override
    public void violation(String rule) {
        h.violation(rule);
    }

    @Override
    public void holdSeptLock(long gpa, boolean held) {
        h.holdSeptLock(gpa, held);
    }

    @Override
    public void stop(StopReason reason) {
        h.stop(reason);
    }

/** Completion of a GetQuote request, run by the platform at the time the adversary chose. */
private void completeQuote(Runnable honestCompletion, long gpa, long size) {
    honestCompletion.run();
    HostMemory m = h.memory();
    long g = gpa & ~sharedBit;
    Decision st = adversary.decide(InputSite.GETQUOTE_BUFFER_STATUS);
    long status = switch (st.fault()) {
        case STATUS_SUCCESS -> GetQuoteStatus.SUCCESS.raw();
        case QUOTE_ERROR -> GetQuoteStatus.ERROR.raw();
        case QUOTE_UNAVAILABLE -> GetQuoteStatus.SERVICE_UNAVAILABLE.raw();
        case QUOTE_STUCK_IN_FLIGHT -> GetQuoteStatus.IN_FLIGHT.raw();
        case QUOTE_STATUS_RANDOM -> st.value() == 0 ? 2 : st.value();
        default -> m.readLong(g + GetQuoteBufferLayout.STATUS_OFFSET);
    };
    // No must-fail flag here: the host may overwrite the header again before the guest reads it (a second
    // completion, a notification the guest waits for); the campaign checks what the guest returned against the
    // header it read instead.
    m.writeLong(g + GetQuoteBufferLayout.STATUS_OFFSET, status);
    Decision ol = adversary.decide(InputSite.GETQUOTE_OUT_LEN);
    long room = size - GetQuoteBufferLayout.DATA_OFFSET;
    long outLen = switch (ol.fault()) {
        case OUT_LEN_ZERO -> 0;
        case OUT_LEN_ONE -> 1;
        case OUT_LEN_ROOM -> room;
        case OUT_LEN_ROOM_PLUS_ONE -> room + 1;
        case OUT_LEN_ALL_ONES -> 0xFFFF_FFFFL;
        case OUT_LEN_RANDOM -> ol.value() & 0xFFFF_FFFFL;
        default -> m.readInt(g + GetQuoteBufferLayout.OUT_LEN_OFFSET) & 0xFFFF_FFFFL;
    };
    m.writeInt(g + GetQuoteBufferLayout.OUT_LEN_OFFSET, (int) outLen);
    adversary.trace("quote-complete", status, outLen);
}
}
