package io.github.tdx4j.call.platform;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxException;
import io.github.tdx4j.call.TdxFailure;

/**
 * A guest memory access the platform cannot perform: an unaccepted private page, an unmapped shared GPA, a GPA
 * beyond the TD's memory. Origin: {@link Origin#GUEST_BUG} (the guest touched memory it does not own).
 */
public final class MemoryAccessException extends TdxException {
    private static final long serialVersionUID = 1L;

    private final long gpa;

    public MemoryAccessException(long gpa, String detail) {
        super(TdxFailure.of(Origin.GUEST_BUG, "tdx.memory.access", detail + " at GPA 0x" + Long.toHexString(gpa)));
        this.gpa = gpa;
    }

    public long gpa() {
        return gpa;
    }
}
