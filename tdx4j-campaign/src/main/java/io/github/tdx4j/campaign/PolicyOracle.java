package io.github.tdx4j.campaign;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxModuleFault;
import io.github.tdx4j.call.TdxPanic;
import io.github.tdx4j.call.policy.Reaction;

/**
 * The reaction oracle ({@link Oracle#WRONG_REACTION}): each failure's reaction against the run's preset, read from
 * {@link SpecTables.Preset} and never from the guest's {@code OriginPolicy}, so a preset whose table was changed
 * (warn-once made fatal, rate-limited made silent) is seen even though every count stays plausible.
 *
 * <p>What it sees per operation: the failure the operation ended with (exception, panic, or a #VE fault the
 * operation reported as a value) and the log lines it wrote. What it cannot see: the reaction to a failure reported
 * as a value whose site the campaign does not learn (a direct port I/O error, SAFE_HALT), beyond the log-line rules
 * by origin below.
 */
final class PolicyOracle {
    private PolicyOracle() {
    }

    /**
     * A panic: a TDX-module fault of the TDVMCALL mechanism or of a must-succeed leaf is always fatal (no policy
     * may change it); a policy panic must be a failure the preset makes fatal, or one fatal by design.
     */
    static void checkPanic(CampaignRun run, TdxPanic p) {
        if (p instanceof TdxModuleFault) {
            return;
        }
        TdxFailure f = p.failure();
        Reaction expected = run.preset.reaction(f.origin(), f.sensitivity());
        if (expected != Reaction.FATAL && !SpecTables.fatalByDesign(f.site(), run.op)) {
            run.violation(Oracle.WRONG_REACTION, String.format("%s stopped the TD, but %s says %s for %s/%s",
                    f.site(), run.preset, expected, f.origin(), f.sensitivity()));
        }
    }

    /**
     * After an operation that did not stop the TD: a failure the preset makes fatal must have stopped it; a failure
     * at a site that never logged before, whose reaction is warn-once or rate-limited, must log one line now; and
     * no line may name an origin whose failures the preset returns silently.
     */
    static void check(CampaignRun run, Outcome outcome, TdxFailure failure) {
        if (outcome != Outcome.FATAL && failure != null && reported(run, failure)) {
            Reaction expected = run.preset.reaction(failure.origin(), failure.sensitivity());
            if (expected == Reaction.FATAL) {
                run.violation(Oracle.WRONG_REACTION, String.format("%s returned %s, but %s says FATAL for %s/%s",
                        failure.site(), outcome, run.preset, failure.origin(), failure.sensitivity()));
            } else if (!run.opFailureWrapped && (expected == Reaction.WARN_ONCE || expected == Reaction.RATE_LIMITED)
                    && !loggedBefore(run, failure.site()) && !loggedNow(run, failure.site())) {
                run.violation(Oracle.WRONG_REACTION, String.format("%s failed for the first time without a log line, "
                        + "but %s says %s for %s", failure.site(), run.preset, expected, failure.origin()));
            }
        }
        for (int i = run.opLogStart; i < run.logLines.size(); i++) {
            String line = run.logLines.get(i);
            if (!line.startsWith("tdx4j: [")) {
                continue;
            }
            Origin o = Origin.valueOf(line.substring(8, line.indexOf(']')));
            if (!run.preset.mayLog(o)) {
                run.violation(Oracle.WRONG_REACTION, run.preset + " returns " + o + " failures without a log line, "
                        + "but the guest logged: " + line);
                return;
            }
        }
    }

    /**
     * Whether the failure went through the failure handler: failures reach the caller as exceptions only after
     * being reported, except the guest's own argument checks, which {@code GuestBugException} throws directly.
     */
    private static boolean reported(CampaignRun run, TdxFailure f) {
        long[] after = OriginOracle.failureCounts(run);
        int i = switch (f.origin()) {
            case GUEST_BUG -> 0;
            case TDX_MODULE -> 1;
            case VMM -> 2;
        };
        return after[i] > run.opCountsBefore[i];
    }

    private static boolean loggedBefore(CampaignRun run, String site) {
        for (int i = 0; i < run.opLogStart; i++) {
            if (names(run.logLines.get(i), site)) {
                return true;
            }
        }
        return false;
    }

    private static boolean loggedNow(CampaignRun run, String site) {
        for (int i = run.opLogStart; i < run.logLines.size(); i++) {
            if (names(run.logLines.get(i), site)) {
                return true;
            }
        }
        return false;
    }

    private static boolean names(String line, String site) {
        int close = line.indexOf("] ");
        return close > 0 && line.startsWith(site, close + 2) && line.startsWith(":", close + 2 + site.length());
    }
}
