package io.github.tdx4j.guest.contract;

import io.github.tdx4j.call.policy.OriginPolicy;
import io.github.tdx4j.guest.attest.QuoteOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * What a contract test needs of the platform besides the defaults: TD attributes, host behaviour, guest options.
 * A backend that cannot provide a setting says so through {@link ContractTd#supports}, and the test is not run
 * against it (the honest simulator provides all).
 */
final class Scenario {
    boolean septVeDisable = true;
    boolean debug;
    long quoteLatencyNanos = 20_000_000L;
    boolean quoteServiceAvailable = true;
    boolean hugeHostPages;
    QuoteOptions quote = QuoteOptions.LINUX;
    OriginPolicy policy = OriginPolicy.LINUX_MAINLINE;
    /** Tampers by TDVMCALL sub-function (R11). */
    final Map<Long, VmmTamper> tampers = new HashMap<>();

    static Scenario honest() {
        return new Scenario();
    }

    Scenario noSeptVeDisable() {
        septVeDisable = false;
        return this;
    }

    Scenario debugTd() {
        debug = true;
        return this;
    }

    Scenario quoteLatency(long nanos) {
        quoteLatencyNanos = nanos;
        return this;
    }

    Scenario noQuoteService() {
        quoteServiceAvailable = false;
        return this;
    }

    Scenario hostMaps2M() {
        hugeHostPages = true;
        return this;
    }

    Scenario quote(QuoteOptions q) {
        quote = q;
        return this;
    }

    Scenario policy(OriginPolicy p) {
        policy = p;
        return this;
    }

    Scenario tamper(long subFunction, VmmTamper t) {
        tampers.merge(subFunction, t, (a, b) -> (regs, host) -> {
            a.after(regs, host);
            b.after(regs, host);
        });
        return this;
    }

    boolean needsTampering() {
        return !tampers.isEmpty();
    }
}
