package io.github.tdx4j.guest.memory;

import io.github.tdx4j.call.TdxException;
import io.github.tdx4j.call.TdxFailure;

/**
 * A private↔shared conversion failed. The pages of the range are in an unknown state (some may be shared while
 * the guest believes them private), so they are quarantined: never freed, never used again
 * ({@link GuestPages#quarantined()}).
 */
public final class MemoryConversionException extends TdxException {
    private static final long serialVersionUID = 1L;

    private final long start;
    private final long end;

    public MemoryConversionException(TdxFailure failure, long start, long end) {
        super(failure);
        this.start = start;
        this.end = end;
    }

    /** First GPA of the range (shared bit clear). */
    public long start() {
        return start;
    }

    /** End of the range, exclusive (shared bit clear). */
    public long end() {
        return end;
    }
}
