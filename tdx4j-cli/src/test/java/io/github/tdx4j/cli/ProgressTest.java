package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link Progress}: bounded output whatever the update rate, and the numbers a reader needs. */
class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    @DisplayName("Not a terminal: a million updates over 1000 s of clock print at most one line per 10 s")
    void lineRateIsBounded() {
        long[] now = {0};
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err), false, () -> now[0], 1_000_000, "runs");
        for (long i = 1; i <= 1_000_000; i++) {
            now[0] += 1_000_000L; // 1 ms per run
            p.update(i);
        }
        p.finish();
        long lines = err.toString().lines().count();
        assertThat(lines).isBetween(90L, 100L);
    }

    @Test
    @DisplayName("Not a terminal: nothing before the first 10 s, so short runs stay quiet")
    void quietWhenShort() {
        long[] now = {0};
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err), false, () -> now[0], 100, "runs");
        for (int i = 1; i <= 100; i++) {
            now[0] += 50_000_000L; // 5 s in all
            p.update(i);
        }
        p.finish();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    @DisplayName("A line says runs done of total, percent, runs/s and the ETA")
    void lineContent() {
        long[] now = {0};
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err), false, () -> now[0], 999_999_999_999L, "runs");
        now[0] = 20 * SECOND;
        p.update(20_000);
        assertThat(err.toString()).isEqualTo("progress: 20000/999999999999 runs (0.0%), 1000 runs/s, ETA 11574d01h"
                + System.lineSeparator());
    }

    @Test
    @DisplayName("Terminal: a bar redrawn in place with '\\r', at most five times a second, cleared at the end")
    void terminalBar() {
        long[] now = {0};
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err), true, () -> now[0], 1000, "runs");
        for (int i = 1; i <= 1000; i++) {
            now[0] += 10_000_000L; // 10 ms per run, 10 s in all
            p.update(i);
        }
        p.finish();
        String s = err.toString();
        assertThat(s).doesNotContain("\n").startsWith("\r[").contains("runs/s, ETA ");
        long redraws = s.chars().filter(c -> c == '\r').count() - 2; // minus the two of the final clear
        assertThat(redraws).isBetween(45L, 50L);
        assertThat(s).endsWith("\r");
    }

    @Test
    @DisplayName("Durations read as 45s, 3m05s, 2h07m, 3d04h")
    void durations() {
        assertThat(Progress.duration(45)).isEqualTo("45s");
        assertThat(Progress.duration(185)).isEqualTo("3m05s");
        assertThat(Progress.duration(2 * 3600 + 7 * 60 + 30)).isEqualTo("2h07m");
        assertThat(Progress.duration(3 * 86400 + 4 * 3600)).isEqualTo("3d04h");
    }
}
