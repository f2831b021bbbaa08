package io.github.tdx4j.guest.memory;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxException;
import io.github.tdx4j.call.TdxFailure;

/**
 * The guest asked its page pool for something it cannot give: more contiguous pages than are free, or freeing
 * quarantined pages. Origin: {@link Origin#GUEST_BUG}.
 */
public final class PagePoolException extends TdxException {
    private static final long serialVersionUID = 1L;

    public PagePoolException(String site, String detail) {
        super(TdxFailure.of(Origin.GUEST_BUG, site, detail));
    }
}
