package io.github.tdx4j.sim;

import java.util.Objects;

/**
 * The simulated TD has stopped and can run no further: ReportFatalError, a double fault, an EPT violation the host
 * cannot resolve, a #VE with no handler. The analogue of the VM terminating; thrown by every entry point of a
 * stopped TD, including the one that stopped it.
 *
 * <p>An {@link Error} for the same reason as {@link io.github.tdx4j.call.TdxPanic}: ordinary
 * {@code catch (Exception e)} blocks in guest code must not swallow the end of the TD. It unwinds to whoever runs
 * the TD, which reads {@link #reason()}.
 */
public final class TdStopped extends Error {
    private static final long serialVersionUID = 1L;

    private final transient StopReason reason;

    public TdStopped(StopReason reason) {
        super(Objects.requireNonNull(reason, "reason").toString());
        this.reason = reason;
    }

    public StopReason reason() {
        return reason;
    }
}
