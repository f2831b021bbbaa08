package io.github.tdx4j.call;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A test transport that answers each TDCALL with the next scripted responder and records every call. A call with
 * no responder left fails the test: every call a test provokes must be one it expected.
 */
final class ScriptedTransport implements TdxTransport {
    private final Deque<UnaryOperator<Registers>> script = new ArrayDeque<>();
    final List<Registers> calls = new ArrayList<>();

    /** The next call is answered by {@code responder}, which maps the input registers to the output registers. */
    ScriptedTransport then(UnaryOperator<Registers> responder) {
        script.add(responder);
        return this;
    }

    @Override
    public Registers tdcall(Registers in) {
        calls.add(in);
        UnaryOperator<Registers> next = script.poll();
        if (next == null) {
            throw new AssertionError("unexpected TDCALL " + in);
        }
        return next.apply(in);
    }
}
