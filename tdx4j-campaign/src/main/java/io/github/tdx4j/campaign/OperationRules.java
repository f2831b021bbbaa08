package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxFailure;

/**
 * Rules that need a whole operation: MapGPA's documented retry bound and GetQuote's deadline, checked when the
 * operation ends, with what the TDCALL seam recorded while it ran.
 */
final class OperationRules {
    private OperationRules() {
    }

    /**
     * Per-operation rules that need the whole operation: MapGPA gives up after exactly
     * {@link SpecTables#MAPGPA_NO_PROGRESS_RETRIES} RETRY answers without progress; a GetQuote timeout is reported
     * exactly at the deadline (neither a sleep past it nor an early give-up).
     */
    static void checkOperation(CampaignRun run, Outcome outcome, TdxFailure failure) {
        if (run.op.equals("QUOTE")) {
            run.lastQuoteTimedOut = failure != null && failure.site().equals("tdx.getquote.timeout");
        }
        if (failure == null) {
            return;
        }
        if (failure.site().equals("tdx.mapgpa.no-progress")
                && run.mapGpaSameStart != SpecTables.MAPGPA_NO_PROGRESS_RETRIES) {
            run.violation(Oracle.WRONG_ORIGIN, "MapGPA gave up after " + run.mapGpaSameStart + " calls at the same "
                    + "start; GHCI/Linux: exactly " + SpecTables.MAPGPA_NO_PROGRESS_RETRIES + " RETRY without progress");
        }
        if (failure.site().equals("tdx.getquote.timeout") && run.quoteReturnNanos >= 0) {
            long waited = run.td.nanoTime() - run.quoteReturnNanos;
            long timeout = run.quoteOptions.timeoutNanos();
            if (waited != timeout) {
                run.violation(Oracle.CORRUPTION, String.format("GetQuote timed out after %d ns, the timeout is %d ns "
                        + "(poll %d ns)", waited, timeout, run.quoteOptions.pollNanos()));
            }
        }
    }

    /** After every TDCALL the guest makes: when GetQuote returned, for the deadline check. */
    static void afterTdcall(CampaignRun run, Registers in, Registers out) {
        if (in.rax() == 0 && in.r10() == 0 && in.r11() == TdvmcallSubFunction.GET_QUOTE.raw()) {
            run.quoteReturnNanos = run.td.nanoTime();
        }
    }
}
