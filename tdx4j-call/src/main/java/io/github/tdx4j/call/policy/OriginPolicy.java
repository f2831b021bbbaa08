package io.github.tdx4j.call.policy;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Sensitivity;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The origin policy: for each (origin, sensitivity) the {@link Reaction} to a classified failure, plus the
 * rate-limiter settings for {@link Reaction#RATE_LIMITED}. Immutable.
 *
 * <p>Two rules hold for every policy, presets and user-built alike, because they are the seed review's: a VMM
 * failure is never {@link Reaction#FATAL} (the untrusted host must not be able to stop the TD by answering badly),
 * and there is no unbounded warning (the reactions that log are once-per-site or rate-limited).
 *
 * <p>Not covered by the table, because no policy may change them: a TDX-module failure of the TDVMCALL mechanism
 * (RAX != 0 on TDG.VP.VMCALL) and of a must-succeed leaf is always fatal ({@link io.github.tdx4j.call.TdxModuleFault}).
 */
public final class OriginPolicy {

    /**
     * Today's Linux guest (arch/x86/coco/tdx, drivers/virt/coco/tdx-guest): guest bugs WARN_ONCE, TDX-module
     * errors WARN_ONCE and return an error (the tdx-guest driver's {@code WARN_ONCE} on TDREPORT/RTMR failure),
     * VMM errors become plain error returns (-EIO) with no warning.
     */
    public static final OriginPolicy LINUX_MAINLINE = builder("LINUX_MAINLINE")
            .on(Origin.GUEST_BUG, Reaction.WARN_ONCE)
            .on(Origin.TDX_MODULE, Reaction.WARN_ONCE)
            .on(Origin.VMM, Reaction.ERROR_RETURN)
            .build();

    /**
     * The classification of the seed review (Dave Hansen, April 2021): a guest bug warns once; a TDX-module bug
     * warns once, or is fatal when the call is security-sensitive (attestation, measurement, acceptance); a VMM
     * error or malice is never fatal and is rate-limited (kernel defaults: 5 s, burst 10).
     */
    public static final OriginPolicy SEED_REVIEW = builder("SEED_REVIEW")
            .on(Origin.GUEST_BUG, Reaction.WARN_ONCE)
            .on(Origin.TDX_MODULE, Sensitivity.ORDINARY, Reaction.WARN_ONCE)
            .on(Origin.TDX_MODULE, Sensitivity.SECURITY_SENSITIVE, Reaction.FATAL)
            .on(Origin.VMM, Reaction.RATE_LIMITED)
            .build();

    private final String name;
    private final Map<Origin, Map<Sensitivity, Reaction>> table;
    private final long rateLimitIntervalNanos;
    private final int rateLimitBurst;

    private OriginPolicy(Builder b) {
        this.name = b.name;
        Map<Origin, Map<Sensitivity, Reaction>> t = new EnumMap<>(Origin.class);
        b.table.forEach((o, m) -> t.put(o, new EnumMap<>(m)));
        this.table = t;
        this.rateLimitIntervalNanos = b.intervalNanos;
        this.rateLimitBurst = b.burst;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder starting from this policy's table and settings. */
    public Builder toBuilder(String newName) {
        Builder b = new Builder(newName);
        table.forEach((o, m) -> m.forEach((s, r) -> b.on(o, s, r)));
        return b.rateLimit(rateLimitIntervalNanos, rateLimitBurst);
    }

    public String name() {
        return name;
    }

    public Reaction reactionFor(Origin origin, Sensitivity sensitivity) {
        return table.get(origin).get(sensitivity);
    }

    public long rateLimitIntervalNanos() {
        return rateLimitIntervalNanos;
    }

    public int rateLimitBurst() {
        return rateLimitBurst;
    }

    /** One line per cell: {@code VMM/ORDINARY -> RATE_LIMITED}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(" {");
        for (Origin o : Origin.values()) {
            for (Sensitivity s : Sensitivity.values()) {
                sb.append(' ').append(o).append('/').append(s).append("->").append(reactionFor(o, s));
            }
        }
        return sb.append(" }").toString();
    }

    /** Builds a policy; every (origin, sensitivity) cell must be set. */
    public static final class Builder {
        private final String name;
        private final Map<Origin, Map<Sensitivity, Reaction>> table = new EnumMap<>(Origin.class);
        private long intervalNanos = RateLimiter.DEFAULT_INTERVAL_NANOS;
        private int burst = RateLimiter.DEFAULT_BURST;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Sets the reaction for {@code origin} at both sensitivities. */
        public Builder on(Origin origin, Reaction reaction) {
            for (Sensitivity s : Sensitivity.values()) {
                on(origin, s, reaction);
            }
            return this;
        }

        public Builder on(Origin origin, Sensitivity sensitivity, Reaction reaction) {
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(sensitivity, "sensitivity");
            Objects.requireNonNull(reaction, "reaction");
            table.computeIfAbsent(origin, o -> new EnumMap<>(Sensitivity.class)).put(sensitivity, reaction);
            return this;
        }

        /** Rate-limiter settings for {@link Reaction#RATE_LIMITED}: interval ≥ 0 (0 = no limit), burst ≥ 0. */
        public Builder rateLimit(long intervalNanos, int burst) {
            if (intervalNanos < 0 || burst < 0) {
                throw new IllegalArgumentException("interval and burst must be >= 0");
            }
            this.intervalNanos = intervalNanos;
            this.burst = burst;
            return this;
        }

        /**
         * The policy of the cells set so far.
         *
         * @throws IllegalArgumentException if a cell is missing, a VMM cell is FATAL, or a RATE_LIMITED cell is
         *                                  paired with interval 0 (which would log without bound)
         */
        public OriginPolicy build() {
            for (Origin o : Origin.values()) {
                for (Sensitivity s : Sensitivity.values()) {
                    Reaction r = table.getOrDefault(o, Map.of()).get(s);
                    if (r == null) {
                        throw new IllegalArgumentException(name + ": no reaction for " + o + "/" + s);
                    }
                    if (o == Origin.VMM && r == Reaction.FATAL) {
                        throw new IllegalArgumentException(name + ": a VMM failure may never be fatal");
                    }
                    if (r == Reaction.RATE_LIMITED && intervalNanos == 0) {
                        throw new IllegalArgumentException(name + ": RATE_LIMITED with interval 0 never limits");
                    }
                }
            }
            return new OriginPolicy(this);
        }
    }
}
