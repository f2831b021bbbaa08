package io.github.tdx4j.campaign;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Sensitivity;
import io.github.tdx4j.call.policy.Reaction;
import java.util.HashMap;
import java.util.Map;

/**
 * Bounded logs ({@link Oracle#UNBOUNDED_LOG}): per site, as many lines as the run's preset allows, from the
 * independent table of {@link SpecTables.Preset}; at most one fatal line per run.
 */
final class LogVolumeOracle {
    private LogVolumeOracle() {
    }

    /**
     * Bounded logs (the "bounded logs" oracle): per site, a warn-once reaction allows one line, a rate-limited one
     * {@code burst} lines per window plus one "callbacks suppressed" line per window, an error return none; at
     * most one fatal line per run.
     */
    static void check(CampaignRun run) {
        Map<String, Integer> perSite = new HashMap<>();
        Map<String, Origin> originOf = new HashMap<>();
        int fatal = 0;
        for (String line : run.logLines) {
            if (line.startsWith("tdx4j: fatal: ")) {
                fatal++;
                continue;
            }
            String site;
            if (line.startsWith("tdx4j: [")) {
                int close = line.indexOf(']');
                Origin o = Origin.valueOf(line.substring(8, close));
                site = line.substring(close + 2, line.indexOf(':', close));
                originOf.put(site, o);
            } else {
                site = line.substring(0, line.indexOf(':')) + " (suppressed)";
            }
            perSite.merge(site, 1, Integer::sum);
        }
        if (fatal > 1) {
            run.violation(Oracle.UNBOUNDED_LOG, fatal + " fatal lines in one run");
        }
        long windows = 1 + run.td.nanoTime() / SpecTables.RATE_LIMIT_INTERVAL_NANOS;
        checkBurstAtOneInstant(run);
        for (var e : perSite.entrySet()) {
            Origin o = originOf.get(e.getKey());
            long bound = o == null ? windows : allowed(run, o, windows);
            if (e.getValue() > bound) {
                run.violation(Oracle.UNBOUNDED_LOG, e.getKey() + " logged " + e.getValue() + " lines, bound " + bound);
            }
        }
    }

    /**
     * The rate limiter's burst, exactly: lines of one site written at the same simulated instant all fall in one
     * window (a window begins at a call, and later calls at that instant are inside it), so there are at most
     * {@link SpecTables#RATE_LIMIT_BURST} of them.
     */
    private static void checkBurstAtOneInstant(CampaignRun run) {
        Map<String, Integer> atInstant = new HashMap<>();
        for (int i = 0; i < run.logLines.size(); i++) {
            String line = run.logLines.get(i);
            if (!line.startsWith("tdx4j: [")) {
                continue;
            }
            int close = line.indexOf(']');
            String key = line.substring(close + 2, line.indexOf(':', close)) + "@" + run.logTimes.get(i);
            int n = atInstant.merge(key, 1, Integer::sum);
            if (n == SpecTables.RATE_LIMIT_BURST + 1) {
                run.violation(Oracle.UNBOUNDED_LOG, key + " logged more than " + SpecTables.RATE_LIMIT_BURST
                        + " lines at one instant, the rate limiter's burst");
            }
        }
    }

    private static long allowed(CampaignRun run, Origin o, long windows) {
        long most = 0;
        for (Sensitivity s : Sensitivity.values()) {
            Reaction r = run.preset.reaction(o, s);
            long n = switch (r) {
                case WARN_ONCE -> 1;
                case RATE_LIMITED -> (long) SpecTables.RATE_LIMIT_BURST * windows;
                case ERROR_RETURN, FATAL -> 0;
            };
            most = Math.max(most, n);
        }
        return most;
    }
}
