package io.github.tdx4j.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When LAZY mode asks upstream again for a collateral item it holds, ahead of the item's {@code nextUpdate}.
 *
 * <ul>
 *   <li>A <em>round</em> starts {@link #period} after the item was fetched, or halfway to its {@code nextUpdate} if
 *       that is sooner (Intel's PCCS refreshes daily; Intel publishes TCB info for a TCB recovery before the old
 *       one's nextUpdate, so a daily round picks it up within a day). A round closer than {@link #minimumGap} to the
 *       item's nextUpdate is not started: the item then expires, and the next look-up fetches it as a miss.</li>
 *   <li>A failed attempt is retried {@link #retries} times in its round, after {@link #firstBackoff}, then twice as
 *       long each time, and never at or after the item's nextUpdate. After the last one the next round is planned
 *       as above. Meanwhile the copy held, still valid, is served.</li>
 * </ul>
 *
 * @param period       the longest time between rounds
 * @param retries      retries per round after a failed attempt
 * @param firstBackoff the wait before the first retry
 * @param minimumGap   the shortest time before nextUpdate at which a round or retry is still started
 */
record RefreshPolicy(Duration period, int retries, Duration firstBackoff, Duration minimumGap) {
    /** The server's: daily rounds, 4 retries after 30 s, 1, 2 and 4 min. */
    static final RefreshPolicy DEFAULT = new RefreshPolicy(Duration.ofDays(1), 4, Duration.ofSeconds(30),
            Duration.ofSeconds(30));

    RefreshPolicy {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(firstBackoff, "firstBackoff");
        Objects.requireNonNull(minimumGap, "minimumGap");
        if (period.isNegative() || period.isZero() || firstBackoff.isNegative() || firstBackoff.isZero()
                || minimumGap.isNegative() || retries < 0 || retries > 16) {
            throw new IllegalArgumentException("period and first backoff must be positive, minimum gap not negative, "
                    + "retries 0..16: " + period + ", " + firstBackoff + ", " + minimumGap + ", " + retries);
        }
    }

    /** When the next round starts, counted from {@code now}; empty when the item should rather expire. */
    Optional<Instant> nextRound(Instant now, Instant nextUpdate) {
        Duration left = Duration.between(now, nextUpdate);
        Duration wait = left.dividedBy(2);
        if (wait.compareTo(period) > 0) {
            wait = period;
        }
        return within(now.plus(wait), nextUpdate);
    }

    /**
     * When retry number {@code retry} (1 for the first) of a round runs after a failure at {@code now}; empty when
     * the round's retries are spent or the retry would come too close to {@code nextUpdate}.
     */
    Optional<Instant> retry(Instant now, int retry, Instant nextUpdate) {
        if (retry < 1 || retry > retries) {
            return Optional.empty();
        }
        return within(now.plus(firstBackoff.multipliedBy(1L << (retry - 1))), nextUpdate);
    }

    private Optional<Instant> within(Instant at, Instant nextUpdate) {
        return at.isBefore(nextUpdate.minus(minimumGap)) ? Optional.of(at) : Optional.empty();
    }
}
