package io.github.tdx4j.guest.attest;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.call.platform.GuestMemory;

/**
 * How {@link GuestAttestation#quote} waits for the VMM.
 *
 * @param timeoutNanos      how long a GetQuote request may stay GET_QUOTE_IN_FLIGHT before it is a timeout;
 *                          Linux {@code getquote_timeout}, 30 s
 * @param pollNanos         how often the buffer status is read while polling; Linux sleeps 1 s between reads
 * @param bufferBytes       the shared buffer size, a multiple of 4K, at most 128 KiB (Linux GET_QUOTE_BUF_SIZE)
 * @param notifyVector      0 to poll; 32..255 to register this vector with SetupEventNotifyInterrupt and read the
 *                          buffer only when the VMM signals completion (or at the deadline)
 * @param notifyCheckNanos  while waiting for the notify interrupt, how often the waiting thread wakes to see if it
 *                          arrived
 */
public record QuoteOptions(long timeoutNanos, long pollNanos, int bufferBytes, int notifyVector,
                           long notifyCheckNanos) {
    /** Linux today: 30 s timeout, 1 s polling, 128 KiB buffer, no notify interrupt. */
    public static final QuoteOptions LINUX = new QuoteOptions(30_000_000_000L, 1_000_000_000L,
            GetQuoteBufferLayout.MAX_BUFFER_SIZE, 0, 10_000_000L);

    public QuoteOptions {
        if (timeoutNanos <= 0 || pollNanos <= 0 || notifyCheckNanos <= 0) {
            throw new IllegalArgumentException("timeout and intervals must be > 0");
        }
        if (bufferBytes <= GetQuoteBufferLayout.DATA_OFFSET || bufferBytes % GuestMemory.PAGE_SIZE != 0
                || bufferBytes > GetQuoteBufferLayout.MAX_BUFFER_SIZE) {
            throw new IllegalArgumentException("buffer must be a multiple of 4K up to 128 KiB: " + bufferBytes);
        }
        if (notifyVector != 0 && (notifyVector < 32 || notifyVector > 255)) {
            throw new IllegalArgumentException("notify vector must be 0 (poll) or 32..255: " + notifyVector);
        }
    }

    public QuoteOptions withTimeout(long nanos) {
        return new QuoteOptions(nanos, pollNanos, bufferBytes, notifyVector, notifyCheckNanos);
    }

    public QuoteOptions withPoll(long nanos) {
        return new QuoteOptions(timeoutNanos, nanos, bufferBytes, notifyVector, notifyCheckNanos);
    }

    public QuoteOptions withNotifyVector(int vector) {
        return new QuoteOptions(timeoutNanos, pollNanos, bufferBytes, vector, notifyCheckNanos);
    }

    public QuoteOptions withBufferBytes(int bytes) {
        return new QuoteOptions(timeoutNanos, pollNanos, bytes, notifyVector, notifyCheckNanos);
    }
}
