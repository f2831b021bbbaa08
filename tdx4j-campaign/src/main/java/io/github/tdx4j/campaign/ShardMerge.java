package io.github.tdx4j.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Combines the reports of the shards of one campaign ({@code tdx4j campaign --shard i/n}, run anywhere, e.g. as the
 * pods of a Kubernetes Indexed Job) into the report of the unsharded campaign: every count is a sum over runs (see
 * {@link CampaignReport}), the fault classes per site are a union, and the failing cases kept are the
 * {@link Campaign#MAX_SAVED_FAILURES} lowest run indexes of all shards, as the unsharded campaign keeps them. Only
 * the time differs: the merged report's is the longest shard's (shards run side by side).
 *
 * <p>Refuses, with one sentence naming the inputs, reports of different campaigns (seed, number of runs, replay
 * setting, shard count, model version), a shard given twice, a shard missing, and a shard whose run count is not its
 * share of the campaign.
 */
public final class ShardMerge {
    private ShardMerge() {
    }

    /**
     * One report to merge.
     *
     * @param source where it came from (a file name), for messages
     * @param report the report
     */
    public record Input(String source, CampaignReport report) {
        public Input {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(report, "report");
        }
    }

    /** Why reports cannot be merged: one sentence, naming the inputs concerned. */
    public static final class Refused extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Refused(String sentence) {
            super(sentence);
        }
    }

    /**
     * The report of the whole campaign (shard 0/1) that {@code shards} are the shards of.
     *
     * @throws Refused when they are not exactly the shards of one campaign, each once
     */
    public static CampaignReport merge(List<Input> shards) {
        if (shards.isEmpty()) {
            throw new Refused("There is no report to merge.");
        }
        Input first = shards.getFirst();
        Campaign c = first.report().campaign();
        TreeMap<Integer, Input> byIndex = new TreeMap<>();
        for (Input in : shards) {
            Campaign o = in.report().campaign();
            same(first, in, "model version", first.report().modelVersion(), in.report().modelVersion());
            same(first, in, "seed", "0x" + Long.toHexString(c.seed()), "0x" + Long.toHexString(o.seed()));
            same(first, in, "campaign size (runs before sharding)", c.runs(), o.runs());
            same(first, in, "replay setting (--replay-every)", c.replayEvery(), o.replayEvery());
            same(first, in, "shard count", c.shards(), o.shards());
            Input earlier = byIndex.putIfAbsent(o.shard(), in);
            if (earlier != null) {
                throw new Refused(earlier.source() + " and " + in.source() + " are both shard " + o.shard() + "/"
                        + o.shards() + "; each shard must be given once.");
            }
            long share = c.runs() / c.shards() + (o.shard() < c.runs() % c.shards() ? 1 : 0);
            if (in.report().runs() != share) {
                throw new Refused(in.source() + " counts " + in.report().runs() + " runs, but shard " + o.shard() + "/"
                        + o.shards() + " of a " + c.runs() + "-run campaign has " + share + ".");
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < c.shards(); i++) {
            if (!byIndex.containsKey(i)) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            String list = missing.size() > 10 ? missing.subList(0, 10) + " and " + (missing.size() - 10) + " more"
                    : missing.toString();
            throw new Refused("Shard" + (missing.size() == 1 ? " " : "s ") + list.replaceAll("[\\[\\]]", "")
                    + " of " + c.shards() + " " + (missing.size() == 1 ? "is" : "are")
                    + " missing; a merge needs every shard of the campaign.");
        }
        CampaignReport whole = new CampaignReport(new Campaign(c.runs(), c.seed(), 0, 1, c.replayEvery(), null),
                first.report().modelVersion());
        long longest = 0;
        for (Input in : byIndex.values()) {
            whole.merge(in.report());
            longest = Math.max(longest, in.report().elapsedNanos());
        }
        whole.keepFirstFailures(Campaign.MAX_SAVED_FAILURES);
        whole.elapsed(longest);
        return whole;
    }

    private static void same(Input a, Input b, String what, Object x, Object y) {
        if (!x.equals(y)) {
            throw new Refused(a.source() + " and " + b.source() + " are not shards of one campaign: their " + what
                    + " differs (" + x + " and " + y + ").");
        }
    }
}
