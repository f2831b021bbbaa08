package io.github.tdx4j.call.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Sensitivity;
import org.junit.jupiter.api.Test;

/**
 * The rules {@link OriginPolicy.Builder} enforces, each tested at its edge: rate-limit settings of exactly 0 are
 * allowed and -1 is not; a VMM failure may never be FATAL while a module failure may.
 */
final class OriginPolicyBuilderBoundsTest {
    @Test
    void rateLimitAcceptsZeroIntervalAndZeroBurst() {
        OriginPolicy p = OriginPolicy.builder("zero").on(Origin.GUEST_BUG, Reaction.WARN_ONCE)
                .on(Origin.TDX_MODULE, Reaction.WARN_ONCE).on(Origin.VMM, Reaction.ERROR_RETURN)
                .rateLimit(0, 0).build();
        assertEquals(Reaction.ERROR_RETURN, p.reactionFor(Origin.VMM, Sensitivity.ORDINARY));
    }

    @Test
    void rateLimitRejectsANegativeIntervalOrBurst() {
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.builder("neg").rateLimit(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.builder("neg").rateLimit(0, -1));
    }

    @Test
    void aVmmFailureMayNeverBeFatal() {
        OriginPolicy.Builder b = OriginPolicy.builder("bad").on(Origin.GUEST_BUG, Reaction.WARN_ONCE)
                .on(Origin.TDX_MODULE, Reaction.WARN_ONCE)
                .on(Origin.VMM, Sensitivity.ORDINARY, Reaction.ERROR_RETURN)
                .on(Origin.VMM, Sensitivity.SECURITY_SENSITIVE, Reaction.FATAL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertEquals("bad: a VMM failure may never be fatal", e.getMessage());
    }

    @Test
    void aModuleFailureMayBeFatalWhenSecuritySensitive() {
        OriginPolicy p = OriginPolicy.builder("strict").on(Origin.GUEST_BUG, Reaction.FATAL)
                .on(Origin.TDX_MODULE, Reaction.FATAL).on(Origin.VMM, Reaction.ERROR_RETURN).build();
        assertEquals(Reaction.FATAL, p.reactionFor(Origin.TDX_MODULE, Sensitivity.SECURITY_SENSITIVE));
        assertEquals(Reaction.FATAL, p.reactionFor(Origin.GUEST_BUG, Sensitivity.ORDINARY));
    }
}
