package io.github.tdx4j.call.trace;

import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxTransport;
import java.util.Objects;

/**
 * A decorator that records every call: registers in and out, the decoded status and, for failures, the origin.
 * Each call goes to a {@link TraceListener} and, when a JFR recording has it enabled, becomes an
 * {@code io.github.tdx4j.Tdcall} JFR event.
 */
public final class TracingTransport implements TdxTransport {
    private final TdxTransport delegate;
    private final TraceListener listener;

    public TracingTransport(TdxTransport delegate, TraceListener listener) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public Registers tdcall(Registers in) {
        TdcallJfrEvent jfr = new TdcallJfrEvent();
        jfr.begin();
        Registers out = delegate.tdcall(in);
        jfr.end();
        TraceEvent event = TdcallLeaf.ofRax(in.rax()).equals(TdcallLeaf.TDG_VP_VMCALL)
                ? new TraceEvent.Tdvmcall(in, out)
                : new TraceEvent.Tdcall(TdcallLeaf.ofRax(in.rax()), in, out);
        if (jfr.shouldCommit()) {
            jfr.kind = event.kind().name();
            jfr.leaf = event.leaf();
            jfr.raxIn = in.rax();
            jfr.rcxIn = in.rcx();
            jfr.rdxIn = in.rdx();
            jfr.r10In = in.r10();
            jfr.r11In = in.r11();
            jfr.r12In = in.r12();
            jfr.raxOut = out.rax();
            jfr.r10Out = out.r10();
            jfr.r11Out = out.r11();
            jfr.status = event.status();
            jfr.origin = event.origin() == null ? null : event.origin().name();
            jfr.commit();
        }
        listener.onEvent(event);
        return out;
    }
}
