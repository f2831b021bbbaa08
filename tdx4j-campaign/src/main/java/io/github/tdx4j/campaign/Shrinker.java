package io.github.tdx4j.campaign;

import io.github.tdx4j.sim.adversary.FaultTape;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Shrinks a failing tape to a small one that still breaks the same oracle, as delta debugging does: first drop
 * chunks (halves, quarters, … single bytes) from the end backwards, then zero single bytes (an honest decision),
 * keeping every change after which the run still fails the same way. Because decisions are read in order and an
 * ended tape is honest, dropping the tail never adds a fault. Bounded by {@code maxRuns} replays.
 */
public final class Shrinker {
    private Shrinker() {
    }

    /** The smallest tape found that still makes {@code seed} violate {@code oracle}. */
    public static FaultTape shrink(long seed, FaultTape tape, Oracle oracle, int maxRuns) {
        return shrink(tape, t -> fails(seed, t, oracle), maxRuns);
    }

    /** The smallest tape found that still satisfies {@code stillFails} (which {@code tape} must satisfy). */
    public static FaultTape shrink(FaultTape tape, Predicate<byte[]> stillFails, int maxRuns) {
        byte[] best = tape.bytes();
        int runs = 0;
        // The tape is never read past the last decision the run made; cut there first.
        for (int chunk = Math.max(1, best.length / 2); chunk >= 1 && runs < maxRuns; chunk /= 2) {
            boolean progress = true;
            while (progress && runs < maxRuns) {
                progress = false;
                for (int start = best.length - chunk; start >= 0 && runs < maxRuns; start -= chunk) {
                    byte[] candidate = new byte[best.length - chunk];
                    System.arraycopy(best, 0, candidate, 0, start);
                    System.arraycopy(best, start + chunk, candidate, start, best.length - start - chunk);
                    runs++;
                    if (stillFails.test(candidate)) {
                        best = candidate;
                        progress = true;
                        start = Math.min(start, best.length - chunk) + chunk;
                    }
                }
            }
        }
        for (int i = 0; i < best.length && runs < maxRuns; i++) {
            if (best[i] != 0) {
                byte[] candidate = Arrays.copyOf(best, best.length);
                candidate[i] = 0;
                runs++;
                if (stillFails.test(candidate)) {
                    best = candidate;
                }
            }
        }
        int end = best.length;
        while (end > 0 && best[end - 1] == 0) {
            end--;
        }
        return new FaultTape(Arrays.copyOf(best, end));
    }

    private static boolean fails(long seed, byte[] tape, Oracle oracle) {
        RunResult r = CampaignRun.run(RunSpec.of(seed, new FaultTape(tape)));
        return r.violations().stream().anyMatch(v -> v.oracle() == oracle);
    }
}
