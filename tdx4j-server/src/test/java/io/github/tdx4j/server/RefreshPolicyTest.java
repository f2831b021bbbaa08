package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When LAZY mode refreshes an item: the arithmetic of {@link RefreshPolicy#DEFAULT}, with hand-computed times. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RefreshPolicyTest {
    static final Instant NOW = Instant.parse("2025-07-01T00:00:00Z");
    static final RefreshPolicy P = RefreshPolicy.DEFAULT;

    @Test
    @DisplayName("A round comes a day later while nextUpdate is more than two days away")
    void daily() {
        assertThat(P.nextRound(NOW, Instant.parse("2025-07-31T00:00:00Z"))).hasValue(Instant.parse("2025-07-02T00:00:00Z"));
    }

    @Test
    @DisplayName("A round comes halfway to a nextUpdate closer than two days")
    void halfway() {
        assertThat(P.nextRound(NOW, Instant.parse("2025-07-01T10:00:00Z"))).hasValue(Instant.parse("2025-07-01T05:00:00Z"));
    }

    @Test
    @DisplayName("No round or retry within 30 s of nextUpdate: the item expires and the next look-up fetches it")
    void noRoundAtTheEdge() {
        assertThat(P.nextRound(NOW, NOW.plusSeconds(60))).isEmpty(); // halfway = 30 s before nextUpdate
        assertThat(P.nextRound(NOW, NOW.plusSeconds(62))).hasValue(NOW.plusSeconds(31));
        assertThat(P.retry(NOW, 1, NOW.plusSeconds(60))).isEmpty();
    }

    @Test
    @DisplayName("Retries 1 to 4 wait 30 s, 1, 2 and 4 min after the failure; there is no fifth")
    void retries() {
        Instant far = NOW.plus(Duration.ofDays(10));
        assertThat(P.retry(NOW, 1, far)).hasValue(NOW.plusSeconds(30));
        assertThat(P.retry(NOW, 2, far)).hasValue(NOW.plusSeconds(60));
        assertThat(P.retry(NOW, 3, far)).hasValue(NOW.plusSeconds(120));
        assertThat(P.retry(NOW, 4, far)).hasValue(NOW.plusSeconds(240));
        assertThat(P.retry(NOW, 5, far)).isEmpty();
        assertThat(P.retry(NOW, 0, far)).isEmpty();
    }
}
