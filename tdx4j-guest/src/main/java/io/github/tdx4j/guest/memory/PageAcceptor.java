package io.github.tdx4j.guest.memory;

import io.github.tdx4j.abi.PageAcceptRcx;
import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.call.GuestBugException;
import io.github.tdx4j.call.ModuleCallResult;
import io.github.tdx4j.call.StatusOrigin;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.call.policy.FailureHandler;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Accepts pending private memory with TDG.MEM.PAGE.ACCEPT: Linux {@code tdx_accept_memory} /
 * {@code try_accept_one} (arch/x86/coco/tdx/tdx-shared.c).
 *
 * <p>TDX Module ABI v1.5, "TDG.MEM.PAGE.ACCEPT Leaf": RCX = GPA | level in bits 2:0 (0 = 4K, 1 = 2M, 2 = 1G),
 * built by {@link PageAcceptRcx}.
 * Each chunk is tried at 1G, then 2M, then 4K; a size is tried only when the address is aligned to it and the rest
 * of the range is at least that long, and any status but TDX_SUCCESS (PAGE_SIZE_MISMATCH included) moves to the
 * next smaller size. A failure at 4K fails the range.
 */
public final class PageAcceptor {
    private static final PageLevel[] LARGEST_FIRST = {PageLevel.SIZE_1G, PageLevel.SIZE_2M, PageLevel.SIZE_4K};

    private final TdxCalls calls;
    private final FailureHandler failures;

    public PageAcceptor(TdxCalls calls, FailureHandler failures) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.failures = Objects.requireNonNull(failures, "failures");
    }

    /**
     * How many pages of each size a range was accepted in.
     *
     * @param pages pages accepted per size
     */
    public record Accepted(Map<PageLevel, Long> pages) {
        public Accepted {
            pages = Map.copyOf(pages);
        }

        /** Pages accepted at {@code level}. */
        public long count(PageLevel level) {
            return pages.getOrDefault(level, 0L);
        }

        /** Bytes accepted. */
        public long bytes() {
            long b = 0;
            for (var e : pages.entrySet()) {
                b += e.getKey().bytes() * e.getValue();
            }
            return b;
        }
    }

    /**
     * Accepts {@code [start, end)} or stops the TD: Linux {@code arch_accept_memory} panics with
     * "TDX: Failed to accept memory", because the guest cannot run on memory it was promised and did not get.
     *
     * @throws io.github.tdx4j.call.TdxPolicyPanic if a 4K page cannot be accepted
     */
    public Accepted acceptOrPanic(long start, long end) {
        Result r = accept(start, end);
        if (r instanceof Result.Failed f) {
            throw failures.fatal(f.failure());
        }
        return ((Result.Done) r).accepted();
    }

    /** The outcome of {@link #accept}. */
    public sealed interface Result permits Result.Done, Result.Failed {
        /** Every page of the range is accepted. */
        record Done(Accepted accepted) implements Result {
        }

        /**
         * A 4K page could not be accepted; the pages before {@code failedAt} are accepted.
         *
         * @param failedAt the GPA of the page that failed
         * @param failure  whose fault, with the TDX-module status
         */
        record Failed(long failedAt, TdxFailure failure, Accepted before) implements Result {
        }
    }

    /**
     * Accepts {@code [start, end)} (both 4K-aligned), returning a failure as a value: a conversion to private reports
     * it as its own failure and quarantines the range instead of stopping the TD.
     */
    public Result accept(long start, long end) {
        if ((start | end) % GuestMemory.PAGE_SIZE != 0 || end < start || (end & ~PageAcceptRcx.GPA_MASK) != 0) {
            throw new GuestBugException("tdx.accept.range", String.format("accept range must be 4K-aligned, "
                    + "ordered and below 2^52: [0x%x, 0x%x)", start, end));
        }
        Map<PageLevel, Long> counts = new EnumMap<>(PageLevel.class);
        long gpa = start;
        while (gpa < end) {
            long accepted = 0;
            TdxStatus last = TdxStatus.SUCCESS;
            for (PageLevel level : LARGEST_FIRST) {
                long size = level.bytes();
                if (gpa % size != 0 || end - gpa < size) {
                    continue;
                }
                ModuleCallResult r = calls.tdcall(TdcallLeaf.TDG_MEM_PAGE_ACCEPT,
                        PageAcceptRcx.of(gpa, level).raw(), 0, 0, 0, 0, 0);
                if (r.status().isSuccess()) {
                    accepted = size;
                    counts.merge(level, 1L, Long::sum);
                    break;
                }
                last = r.status();
            }
            if (accepted == 0) {
                return new Result.Failed(gpa, TdxFailure.sensitive(StatusOrigin.ofFailed(last), "tdx.accept.failed",
                        String.format("TDG.MEM.PAGE.ACCEPT of the 4K page at GPA 0x%x failed: %s", gpa, last)),
                        new Accepted(counts));
            }
            gpa += accepted;
        }
        return new Result.Done(new Accepted(counts));
    }
}
