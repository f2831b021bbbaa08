package io.github.tdx4j.campaign;

import io.github.tdx4j.sim.adversary.FaultTape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;
import java.util.stream.LongStream;

/**
 * A campaign: {@code runs} runs of {@link CampaignRun}, each with its own seed and random tape derived from the
 * campaign seed and the run's index, in parallel on every core (each run is self-contained, so results do not
 * depend on the schedule). Every {@code replayEvery}-th run, and every failing run, is run a second time and its
 * trace hash compared (the replay oracle). A failing tape is shrunk and, with an output directory, saved as a tape
 * file.
 *
 * @param runs        number of runs in the whole campaign (before sharding)
 * @param seed        the campaign seed
 * @param shard       this shard's index, 0..shards−1
 * @param shards      how many shards the runs are split into (run i belongs to shard i mod shards)
 * @param replayEvery replay every n-th run (1 = all)
 * @param failureDir  where failing tapes go, or null to keep them in memory only
 */
public record Campaign(long runs, long seed, int shard, int shards, int replayEvery, Path failureDir) {
    /** Failing cases beyond this many (the lowest run indexes are kept) are counted but not shrunk or saved. */
    public static final int MAX_SAVED_FAILURES = 20;
    /** Replays a shrink may spend per failing case. */
    public static final int SHRINK_RUNS = 500;

    public Campaign {
        if (runs < 0) {
            throw new IllegalArgumentException("runs must be >= 0: " + runs);
        }
        if (shards < 1 || shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("shard must be i/n with 0 <= i < n: " + shard + "/" + shards);
        }
        if (replayEvery < 1) {
            throw new IllegalArgumentException("replayEvery must be >= 1: " + replayEvery);
        }
    }

    /** The seed of run {@code index}: a SplitMix64 step, so neighbouring runs are unrelated. */
    public static long runSeed(long campaignSeed, long index) {
        long z = campaignSeed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The random tape of a run: up to 96 bytes, each 0 (honest) with probability 3/4, else 1..255; so a run sees a
     * handful of faults early and then an honest host, which keeps failures easy to read.
     */
    public static FaultTape randomTape(long runSeed) {
        SplittableRandom r = new SplittableRandom(runSeed ^ 0x7A9E_5EED_0F7A_9E00L);
        byte[] b = new byte[r.nextInt(97)];
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextInt(4) == 0 ? (byte) (1 + r.nextInt(255)) : 0;
        }
        return new FaultTape(b);
    }

    /** Runs the campaign; {@code progress} receives the number of runs done so far (from any thread). */
    public CampaignReport execute(LongConsumer progress) {
        return execute(progress, (seed, tape) -> CampaignRun.run(RunSpec.of(seed, tape)));
    }

    /** The runs of this shard: run i belongs to shard i mod shards. */
    public long shardRuns() {
        return runs / shards + (shard < runs % shards ? 1 : 0);
    }

    /** As {@link #execute(LongConsumer)} with {@code runner} in place of {@link CampaignRun#run(RunSpec)}. */
    CampaignReport execute(LongConsumer progress, BiFunction<Long, FaultTape, RunResult> runner) {
        Objects.requireNonNull(progress, "progress");
        LongAdder done = new LongAdder();
        // The failing runs kept for shrinking and saving: the MAX_SAVED_FAILURES lowest run indexes, whatever order
        // the threads finish in, so that a campaign saves the same tapes every time.
        TreeMap<Long, Failing> kept = new TreeMap<>();
        long start = System.nanoTime();
        // Each worker thread adds its runs to a report of its own; the reports are summed at the end (every count is
        // a sum over runs), so the threads share nothing per run but the progress counter.
        CampaignReport report = LongStream.range(0, shardRuns()).parallel().collect(() -> new CampaignReport(this),
                (part, k) -> {
                    long i = shard + k * shards;
                    long s = runSeed(seed, i);
                    FaultTape tape = randomTape(s);
                    RunResult r = runner.apply(s, tape);
                    boolean mismatch = false;
                    if (i % replayEvery == 0 || !r.passed()) {
                        mismatch = runner.apply(s, tape).traceHash() != r.traceHash();
                    }
                    part.add(r, mismatch);
                    if (!r.passed() || mismatch) {
                        synchronized (kept) {
                            kept.put(i, new Failing(i, r, mismatch));
                            if (kept.size() > MAX_SAVED_FAILURES) {
                                kept.pollLastEntry();
                            }
                        }
                    }
                    done.increment();
                    if (((k + 1) & 0x3FF) == 0) {
                        progress.accept(done.sum());
                    }
                }, CampaignReport::merge);
        kept.values().parallelStream().map(f -> save(f.run(), f.result(), f.mismatch())).toList()
                .forEach(report::addFailure);
        report.elapsed(System.nanoTime() - start);
        progress.accept(done.sum());
        return report;
    }

    private record Failing(long run, RunResult result, boolean mismatch) {
    }

    private CampaignReport.Failure save(long run, RunResult r, boolean mismatch) {
        Oracle oracle = mismatch && r.passed() ? Oracle.REPLAY_MISMATCH : r.firstOracle();
        FaultTape shrunk = oracle == Oracle.REPLAY_MISMATCH ? r.tape()
                : Shrinker.shrink(r.seed(), r.tape(), oracle, SHRINK_RUNS);
        Path saved = null;
        if (failureDir != null) {
            try {
                saved = new TapeFile(CampaignRun.MODEL_VERSION, r.seed(), shrunk, oracle)
                        .write(failureDir.resolve(String.format("tape-%016x.txt", r.seed())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new CampaignReport.Failure(run, r, shrunk, saved);
    }
}
