package io.github.tdx4j.call.policy;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxPolicyPanic;
import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies an {@link OriginPolicy} to classified failures: logs them once per site or through a per-site rate
 * limiter, and turns the fatal ones into {@link TdxPolicyPanic}. Counts failures per origin and log lines, so a
 * campaign can check that logging stays bounded.
 *
 * <p>Thread-safe. Warn-once and rate-limit state is per site ({@link TdxFailure#site()}), so sites must be stable
 * identifiers, never strings with values in them.
 */
public final class FailureHandler {
    private final OriginPolicy policy;
    private final NanoClock clock;
    private final LogSink sink;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
    private final Map<Origin, AtomicLong> counts = new EnumMap<>(Origin.class);
    private final AtomicLong logLines = new AtomicLong();

    public FailureHandler(OriginPolicy policy, NanoClock clock, LogSink sink) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        LogSink s = Objects.requireNonNull(sink, "sink");
        this.sink = (level, message) -> {
            logLines.incrementAndGet();
            s.log(level, message);
        };
        for (Origin o : Origin.values()) {
            counts.put(o, new AtomicLong());
        }
    }

    /** The policy with the system clock and {@link LogSink#SYSTEM_LOGGER}. */
    public static FailureHandler of(OriginPolicy policy) {
        return new FailureHandler(policy, NanoClock.SYSTEM, LogSink.SYSTEM_LOGGER);
    }

    public OriginPolicy policy() {
        return policy;
    }

    /**
     * Reacts to {@code failure} as the policy says.
     *
     * @return the reaction taken; for every reaction but FATAL the caller returns its error
     * @throws TdxPolicyPanic when the policy's reaction is {@link Reaction#FATAL}
     */
    public Reaction report(TdxFailure failure) {
        counts.get(failure.origin()).incrementAndGet();
        Reaction r = policy.reactionFor(failure.origin(), failure.sensitivity());
        switch (r) {
            case FATAL -> throw fatalAfterLog(failure);
            case WARN_ONCE -> {
                if (warned.add(failure.site())) {
                    sink.log(Level.WARNING, "tdx4j: " + failure);
                }
            }
            case RATE_LIMITED -> {
                RateLimiter limiter = limiters.computeIfAbsent(failure.site(), site -> new RateLimiter(site,
                        policy.rateLimitIntervalNanos(), policy.rateLimitBurst(), clock, sink));
                if (limiter.allow()) {
                    sink.log(Level.WARNING, "tdx4j: " + failure);
                }
            }
            case ERROR_RETURN -> {
                // The caller returns the error; nothing is logged.
            }
        }
        return r;
    }

    /**
     * A failure that is fatal by design, whatever the policy (Linux panics on an EPT violation on private memory,
     * on failed memory acceptance, on a TD without SEPT_VE_DISABLE). Logs it and returns the panic to throw.
     */
    public TdxPolicyPanic fatal(TdxFailure failure) {
        counts.get(failure.origin()).incrementAndGet();
        return fatalAfterLog(failure);
    }

    private TdxPolicyPanic fatalAfterLog(TdxFailure failure) {
        sink.log(Level.ERROR, "tdx4j: fatal: " + failure);
        return new TdxPolicyPanic(failure);
    }

    /** Failures reported so far with {@code origin}. */
    public long count(Origin origin) {
        return counts.get(origin).get();
    }

    /** Log lines written so far, including "callbacks suppressed" lines. */
    public long logLines() {
        return logLines.get();
    }
}
