package io.github.tdx4j.campaign;

import java.util.Objects;

/**
 * One oracle that failed in one run.
 *
 * @param oracle    which property
 * @param operation the guest operation during which it failed ("boot", "QUOTE", "end of run", ...)
 * @param detail    what was seen
 */
public record Violation(Oracle oracle, String operation, String detail) {
    public Violation {
        Objects.requireNonNull(oracle, "oracle");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return oracle + " during " + operation + ": " + detail;
    }
}
