package io.github.tdx4j.guest;

import io.github.tdx4j.call.policy.LogSink;
import io.github.tdx4j.call.policy.OriginPolicy;
import io.github.tdx4j.call.trace.TraceListener;
import io.github.tdx4j.guest.attest.QuoteOptions;
import io.github.tdx4j.guest.ve.GuestTraceListener;
import java.util.Objects;

/**
 * How {@link TdxGuest#boot} sets the guest services up.
 *
 * @param policy    the origin policy; {@link OriginPolicy#LINUX_MAINLINE} by default
 * @param log       where failure warnings go
 * @param trace     receives every TDCALL, TDVMCALL and #VE; {@link TraceListener#NONE} for none
 * @param checking  whether calls pass through {@link io.github.tdx4j.call.trace.CheckingTransport}, which rejects
 *                  spec violations of the guest before they reach the TDX module (on by default)
 * @param poolBase  first GPA of the private memory the services allocate pages from (quote buffer, report
 *                  scratch page); the caller accepts it before using those services
 * @param poolBytes size of that pool
 * @param quote     GetQuote waiting rules
 */
public record GuestConfig(OriginPolicy policy, LogSink log, GuestTraceListener trace, boolean checking,
                          long poolBase, long poolBytes, QuoteOptions quote) {
    public GuestConfig {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(quote, "quote");
    }

    /** LINUX_MAINLINE, the system logger, no trace, checking on, Linux's GetQuote timing. */
    public static GuestConfig defaults(long poolBase, long poolBytes) {
        return new GuestConfig(OriginPolicy.LINUX_MAINLINE, LogSink.SYSTEM_LOGGER, GuestTraceListener.of(
                TraceListener.NONE), true, poolBase, poolBytes, QuoteOptions.LINUX);
    }

    public GuestConfig withPolicy(OriginPolicy p) {
        return new GuestConfig(p, log, trace, checking, poolBase, poolBytes, quote);
    }

    public GuestConfig withLog(LogSink l) {
        return new GuestConfig(policy, l, trace, checking, poolBase, poolBytes, quote);
    }

    public GuestConfig withTrace(TraceListener t) {
        return new GuestConfig(policy, log, GuestTraceListener.of(t), checking, poolBase, poolBytes, quote);
    }

    public GuestConfig withChecking(boolean c) {
        return new GuestConfig(policy, log, trace, c, poolBase, poolBytes, quote);
    }

    public GuestConfig withQuote(QuoteOptions q) {
        return new GuestConfig(policy, log, trace, checking, poolBase, poolBytes, q);
    }
}
