package io.github.tdx4j.call.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Sensitivity;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxPolicyPanic;
import java.lang.System.Logger.Level;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OriginPolicyTest {
    private static final long S = 1_000_000_000L;

    private final ManualClock clock = new ManualClock(0);
    private final CapturingSink sink = new CapturingSink();

    @Test
    @DisplayName("LINUX_MAINLINE: guest bug WARN_ONCE, TDX module WARN_ONCE, VMM plain error return")
    void linuxMainline() {
        OriginPolicy p = OriginPolicy.LINUX_MAINLINE;
        for (Sensitivity s : Sensitivity.values()) {
            assertThat(p.reactionFor(Origin.GUEST_BUG, s)).isEqualTo(Reaction.WARN_ONCE);
            assertThat(p.reactionFor(Origin.TDX_MODULE, s)).isEqualTo(Reaction.WARN_ONCE);
            assertThat(p.reactionFor(Origin.VMM, s)).isEqualTo(Reaction.ERROR_RETURN);
        }
    }

    @Test
    @DisplayName("SEED_REVIEW: guest bug warn once; module bug warn once or fatal when security-sensitive; VMM rate-limited")
    void seedReview() {
        OriginPolicy p = OriginPolicy.SEED_REVIEW;
        assertThat(p.reactionFor(Origin.GUEST_BUG, Sensitivity.ORDINARY)).isEqualTo(Reaction.WARN_ONCE);
        assertThat(p.reactionFor(Origin.GUEST_BUG, Sensitivity.SECURITY_SENSITIVE)).isEqualTo(Reaction.WARN_ONCE);
        assertThat(p.reactionFor(Origin.TDX_MODULE, Sensitivity.ORDINARY)).isEqualTo(Reaction.WARN_ONCE);
        assertThat(p.reactionFor(Origin.TDX_MODULE, Sensitivity.SECURITY_SENSITIVE)).isEqualTo(Reaction.FATAL);
        assertThat(p.reactionFor(Origin.VMM, Sensitivity.ORDINARY)).isEqualTo(Reaction.RATE_LIMITED);
        assertThat(p.reactionFor(Origin.VMM, Sensitivity.SECURITY_SENSITIVE)).isEqualTo(Reaction.RATE_LIMITED);
        assertThat(p.rateLimitIntervalNanos()).isEqualTo(5 * S);
        assertThat(p.rateLimitBurst()).isEqualTo(10);
    }

    @ParameterizedTest
    @EnumSource(Sensitivity.class)
    @DisplayName("The seed's rule holds for every policy: a VMM failure may never be fatal")
    void vmmNeverFatal(Sensitivity s) {
        assertThatThrownBy(() -> OriginPolicy.LINUX_MAINLINE.toBuilder("mine").on(Origin.VMM, s, Reaction.FATAL).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never be fatal");
    }

    @Test
    @DisplayName("A user-built table must set every cell, and RATE_LIMITED needs a non-zero interval")
    void builderChecks() {
        assertThatThrownBy(() -> OriginPolicy.builder("partial").on(Origin.VMM, Reaction.ERROR_RETURN).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no reaction");
        assertThatThrownBy(() -> OriginPolicy.SEED_REVIEW.toBuilder("x").rateLimit(0, 10).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval 0");
        OriginPolicy own = OriginPolicy.builder("quiet").on(Origin.GUEST_BUG, Reaction.ERROR_RETURN)
                .on(Origin.TDX_MODULE, Reaction.FATAL).on(Origin.VMM, Reaction.RATE_LIMITED)
                .rateLimit(S, 2).build();
        assertThat(own.reactionFor(Origin.TDX_MODULE, Sensitivity.ORDINARY)).isEqualTo(Reaction.FATAL);
        assertThat(own.toString()).contains("VMM/ORDINARY->RATE_LIMITED");
    }

    @Test
    @DisplayName("WARN_ONCE logs the first failure of a site only, and still returns the error")
    void warnOnce() {
        FailureHandler h = new FailureHandler(OriginPolicy.LINUX_MAINLINE, clock, sink);
        TdxFailure f = TdxFailure.of(Origin.GUEST_BUG, "tdx.mmio.user-mode", "MMIO from user mode at RIP 0x1000");
        for (int i = 0; i < 100; i++) {
            assertThat(h.report(f)).isEqualTo(Reaction.WARN_ONCE);
        }
        assertThat(sink.lines).containsExactly("tdx4j: [GUEST_BUG] tdx.mmio.user-mode: MMIO from user mode at RIP 0x1000");
        assertThat(sink.levels).containsExactly(Level.WARNING);
        h.report(TdxFailure.of(Origin.GUEST_BUG, "tdx.mmio.decode", "undecodable"));
        assertThat(sink.lines).hasSize(2);
        assertThat(h.count(Origin.GUEST_BUG)).isEqualTo(101);
        assertThat(h.logLines()).isEqualTo(2);
    }

    @Test
    @DisplayName("RATE_LIMITED: 1000 VMM failures in one window log burst lines; the next window says how many were suppressed")
    void rateLimited() {
        FailureHandler h = new FailureHandler(OriginPolicy.SEED_REVIEW, clock, sink);
        TdxFailure f = TdxFailure.of(Origin.VMM, "tdx.mapgpa.retry-address", "R11 outside the range");
        for (int i = 0; i < 1000; i++) {
            assertThat(h.report(f)).isEqualTo(Reaction.RATE_LIMITED);
        }
        assertThat(sink.lines).hasSize(10);
        clock.now += 5 * S + 1;
        h.report(f);
        assertThat(sink.lines).hasSize(12);
        assertThat(sink.lines.get(10)).isEqualTo("tdx.mapgpa.retry-address: 990 callbacks suppressed");
        assertThat(h.logLines()).isEqualTo(12);
    }

    @Test
    @DisplayName("ERROR_RETURN logs nothing")
    void errorReturn() {
        FailureHandler h = new FailureHandler(OriginPolicy.LINUX_MAINLINE, clock, sink);
        assertThat(h.report(TdxFailure.of(Origin.VMM, "tdx.io", "INVALID_OPERAND"))).isEqualTo(Reaction.ERROR_RETURN);
        assertThat(sink.lines).isEmpty();
        assertThat(h.count(Origin.VMM)).isEqualTo(1);
    }

    @Test
    @DisplayName("FATAL throws TdxPolicyPanic carrying the failure and its origin, after one ERROR line")
    void fatal() {
        FailureHandler h = new FailureHandler(OriginPolicy.SEED_REVIEW, clock, sink);
        TdxFailure f = TdxFailure.sensitive(Origin.TDX_MODULE, "tdx.report", "TDG.MR.REPORT failed");
        assertThatThrownBy(() -> h.report(f)).isInstanceOfSatisfying(TdxPolicyPanic.class, e -> {
            assertThat(e.failure()).isEqualTo(f);
            assertThat(e.origin()).isEqualTo(Origin.TDX_MODULE);
        });
        assertThat(sink.levels).containsExactly(Level.ERROR);
    }

    @Test
    @DisplayName("Fatal by design (e.g. EPT violation on private memory) is fatal under every policy")
    void fatalByDesign() {
        FailureHandler h = new FailureHandler(OriginPolicy.LINUX_MAINLINE, clock, sink);
        TdxPolicyPanic e = h.fatal(TdxFailure.of(Origin.TDX_MODULE, "tdx.ve.private-ept",
                "Unexpected EPT-violation on private memory."));
        assertThat(e.origin()).isEqualTo(Origin.TDX_MODULE);
        assertThat(sink.lines).hasSize(1);
    }
}
