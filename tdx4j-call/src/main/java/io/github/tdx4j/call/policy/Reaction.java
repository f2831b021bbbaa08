package io.github.tdx4j.call.policy;

/**
 * What the {@link FailureHandler} does with a classified failure. A closed set we produce.
 */
public enum Reaction {
    /** Stop: throw {@link io.github.tdx4j.call.TdxPolicyPanic}, the analogue of {@code panic()}. */
    FATAL,
    /** Log once per site (the analogue of {@code WARN_ONCE}), then return the error to the caller. */
    WARN_ONCE,
    /**
     * Log through a per-site kernel-style rate limiter (interval + burst, "N callbacks suppressed"), then return
     * the error ({@code pr_warn_ratelimited}).
     */
    RATE_LIMITED,
    /** Return the error to the caller without logging. */
    ERROR_RETURN
}
