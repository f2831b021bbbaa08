package io.github.tdx4j.attest.collateral;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link TcbLevel#NEWEST_FIRST}, the order in which TCB levels are matched. Two levels it calls equal are one level
 * to TcbInfo (a duplicate is refused), so it must tell apart every pair of levels that differ.
 */
class TcbLevelOrderTest {
    private static TcbLevel level(int pceSvn, List<Integer> tdx) {
        return new TcbLevel(Collections.nCopies(16, 2), pceSvn, tdx, Instant.parse("2024-03-13T00:00:00Z"),
                TcbStatus.UP_TO_DATE, List.of());
    }

    @Test
    @DisplayName("Equal SGX components and PCESVN: a level with TDX components and one without are different levels")
    void tdxComponentsOrAbsent() {
        TcbLevel withTdx = level(13, Collections.nCopies(16, 1));
        TcbLevel without = level(13, List.of());
        assertThat(TcbLevel.NEWEST_FIRST.compare(withTdx, without)).isNegative();
        assertThat(TcbLevel.NEWEST_FIRST.compare(without, withTdx)).isPositive();
        assertThat(TcbLevel.NEWEST_FIRST.compare(without, level(13, List.of()))).isZero();
    }
}
