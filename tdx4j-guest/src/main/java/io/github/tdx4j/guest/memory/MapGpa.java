package io.github.tdx4j.guest.memory;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.GuestBugException;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.VmcallRequest;
import io.github.tdx4j.call.VmcallResult;
import io.github.tdx4j.call.platform.GuestMemory;
import java.util.Objects;

/**
 * TDG.VP.VMCALL&lt;MapGPA&gt;: asks the VMM to map a GPA range as private or shared. Linux {@code tdx_map_gpa}
 * (arch/x86/coco/tdx/tdx.c).
 *
 * <p>GHCI 1.5, "TDG.VP.VMCALL&lt;MapGPA&gt;": R12 = start GPA (shared bit set to share), R13 = length. The VMM may
 * convert part of the range and answer TDVMCALL_STATUS_RETRY with R11 = the GPA to resume from (KVM does so every
 * 2 MiB when events are pending). R11 is written by the VMM, so it is checked: it must lie in
 * {@code [start, end)} (and, beyond Linux, be page-aligned, so no unaligned GPA is ever sent on) or the
 * conversion fails ({@code tdx.mapgpa.retry-address}). A RETRY that resumes where the last call started is no
 * progress; {@link #MAX_RETRIES_PER_PAGE} of those in a row fail the conversion
 * ({@code tdx.mapgpa.no-progress}); any progress resets the count. Failures are security-sensitive: after one the
 * guest cannot tell which pages the VMM can read.
 */
public final class MapGpa {
    /**
     * Linux {@code max_retries_per_page}: "Retrying the hypercall a second time should succeed; use 3 just in
     * case".
     */
    public static final int MAX_RETRIES_PER_PAGE = 3;

    private final TdxCalls calls;
    private final long sharedMask;

    /**
     * @param calls      the call layer
     * @param sharedMask the shared bit, {@code 1 << (GPAW - 1)} from TDG.VP.INFO
     * @throws IllegalArgumentException if {@code sharedMask} is not exactly one bit: with no bit a conversion to
     *                                  shared would send a private GPA and succeed without sharing anything
     */
    public MapGpa(TdxCalls calls, long sharedMask) {
        this.calls = Objects.requireNonNull(calls, "calls");
        if (Long.bitCount(sharedMask) != 1) {
            throw new IllegalArgumentException("the shared bit is one bit: 0x" + Long.toHexString(sharedMask));
        }
        this.sharedMask = sharedMask;
    }

    /**
     * Maps {@code [start, end)} (4K-aligned, shared bit clear) as shared or private.
     *
     * @return null on success, else the failure (origin VMM), not yet reported
     */
    public TdxFailure map(long start, long end, boolean shared) {
        if ((start | end) % GuestMemory.PAGE_SIZE != 0 || end <= start || ((start | (end - 1)) & sharedMask) != 0) {
            throw new GuestBugException("tdx.mapgpa.range", String.format("MapGPA range must be 4K-aligned, "
                    + "non-empty and without the shared bit: [0x%x, 0x%x)", start, end));
        }
        long s = shared ? start | sharedMask : start;
        // The end by length, not end | sharedMask: for a range ending exactly at the shared bit, end | sharedMask is
        // sharedMask itself, below s, and R13 = e - s would be a huge length.
        long e = s + (end - start);
        int noProgress = 0;
        while (noProgress < MAX_RETRIES_PER_PAGE) {
            VmcallResult r = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.MAP_GPA, s, e - s, 0, 0));
            switch (r) {
                case VmcallResult.Success _ -> {
                    return null;
                }
                case VmcallResult.VmmError err -> {
                    return TdxFailure.sensitive(Origin.VMM, "tdx.mapgpa.vmm-error", String.format(
                            "MapGPA [0x%x, 0x%x) to %s failed: %s, R11=0x%x", s, e, shared ? "shared" : "private",
                            err.status(), err.out(Gpr.R11)));
                }
                case VmcallResult.Retry retry -> {
                    long resume = retry.out(Gpr.R11);
                    if (Long.compareUnsigned(resume, s) < 0 || Long.compareUnsigned(resume, e) >= 0
                            || resume % GuestMemory.PAGE_SIZE != 0) {
                        return TdxFailure.sensitive(Origin.VMM, "tdx.mapgpa.retry-address", String.format(
                                "MapGPA RETRY resume address R11=0x%x is not a page in [0x%x, 0x%x)", resume, s, e));
                    }
                    if (resume == s) {
                        noProgress++;
                    } else {
                        s = resume;
                        noProgress = 0;
                    }
                }
            }
        }
        return TdxFailure.sensitive(Origin.VMM, "tdx.mapgpa.no-progress", String.format(
                "MapGPA made no progress at 0x%x after %d RETRY answers in a row", s, MAX_RETRIES_PER_PAGE));
    }
}
