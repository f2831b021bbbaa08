package io.github.tdx4j.guest.memory;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.call.policy.FailureHandler;
import java.util.Objects;

/**
 * Private↔shared conversion of guest pages: Linux {@code set_memory_decrypted()} / {@code set_memory_encrypted()}
 * on TDX ({@code tdx_enc_status_changed}: MapGPA, then TDG.MEM.PAGE.ACCEPT when converting to private, because
 * pages the VMM maps back are pending until the guest accepts them).
 *
 * <p>A failed or inconsistent conversion quarantines the pages in {@link GuestPages} and throws
 * {@link MemoryConversionException} with the origin: after a failure the guest cannot know which pages the VMM
 * can read, so none of them is ever used again.
 */
public final class SharedMemory {
    private final MapGpa mapGpa;
    private final PageAcceptor acceptor;
    private final GuestPages pages;
    private final FailureHandler failures;
    private final long sharedMask;

    public SharedMemory(MapGpa mapGpa, PageAcceptor acceptor, GuestPages pages, FailureHandler failures,
                        long sharedMask) {
        this.mapGpa = Objects.requireNonNull(mapGpa, "mapGpa");
        this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
        this.pages = Objects.requireNonNull(pages, "pages");
        this.failures = Objects.requireNonNull(failures, "failures");
        this.sharedMask = sharedMask;
    }

    /**
     * Allocates {@code count} pages and converts them to shared.
     *
     * @throws MemoryConversionException if MapGPA failed; the pages are quarantined
     */
    public SharedBuffer share(int count) {
        long gpa = pages.allocate(count);
        long end = gpa + (long) count * GuestMemory.PAGE_SIZE;
        TdxFailure f = mapGpa.map(gpa, end, true);
        if (f != null) {
            throw quarantine(gpa, count, f);
        }
        return new SharedBuffer(gpa, count, gpa | sharedMask);
    }

    /**
     * Converts a buffer back to private, accepts it, and frees its pages.
     *
     * @throws MemoryConversionException if MapGPA or the accept failed; the pages are quarantined, not freed
     */
    public void unshare(SharedBuffer buffer) {
        long end = buffer.gpa() + (long) buffer.bytes();
        TdxFailure f = mapGpa.map(buffer.gpa(), end, false);
        if (f == null && acceptor.accept(buffer.gpa(), end) instanceof PageAcceptor.Result.Failed failed) {
            f = failed.failure().origin() == Origin.GUEST_BUG ? notConverted(failed.failure()) : failed.failure();
        }
        if (f != null) {
            throw quarantine(buffer.gpa(), buffer.pages(), f);
        }
        pages.free(buffer.gpa(), buffer.pages());
    }

    public GuestPages pages() {
        return pages;
    }

    /**
     * The accept after MapGPA-to-private works on the guest's own, well-formed pages, so a refusal the module
     * attributes to the guest (TDX_PAGE_ALREADY_ACCEPTED: the page is still mapped and accepted) means the VMM's
     * MapGPA success was false: it never removed the page from the Secure EPT. Found by the fault campaign
     * (tdx4j-campaign, MatrixTest "MapGPA success without converting, on share and unshare").
     */
    private static TdxFailure notConverted(TdxFailure accept) {
        return TdxFailure.sensitive(Origin.VMM, "tdx.unshare.not-converted",
                "MapGPA to private reported success but the pages were not converted: " + accept.detail());
    }

    private MemoryConversionException quarantine(long gpa, int count, TdxFailure f) {
        pages.quarantine(gpa, count, f);
        failures.report(f);
        return new MemoryConversionException(f, gpa, gpa + (long) count * GuestMemory.PAGE_SIZE);
    }
}
