package io.github.tdx4j.trace.internal;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.VmcallOutputs;
import io.github.tdx4j.call.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The registers of a traced TDVMCALL that the call layer scrubbed: values the VMM wrote into registers that are not
 * the sub-function's declared outputs ({@link VmcallOutputs}), which the guest never saw. The trace keeps the
 * registers as the TDX module returned them; {@link TdxCalls#callerView} is the call layer's own rule for what the
 * caller sees, so the two cannot disagree.
 */
public final class ScrubbedRegisters {
    /** The registers a VMM can write through TDG.VP.VMCALL, R10 (the status, always seen) aside. */
    private static final List<Gpr> VMM_WRITABLE = List.of(Gpr.RDX, Gpr.RBX, Gpr.RSI, Gpr.RDI, Gpr.R8, Gpr.R9,
            Gpr.R11, Gpr.R12, Gpr.R13, Gpr.R14, Gpr.R15);

    private ScrubbedRegisters() {
    }

    /** The outputs the call layer declared for {@code v}: the GHCI table for a standard call, none for a vendor call. */
    public static Set<Gpr> outputs(TraceEvent.Tdvmcall v) {
        return v.in().r10() == 0 ? VmcallOutputs.of(new TdvmcallSubFunction(v.in().r11())) : Set.of();
    }

    /** What the guest saw of {@code v}'s registers. */
    public static Registers seen(TraceEvent.Tdvmcall v) {
        return TdxCalls.callerView(v.in(), v.out(), outputs(v));
    }

    /**
     * The registers the VMM changed (returned value != value passed in) whose value the guest did not see (the call
     * layer replaced it). Empty when the module failed the call (RAX != 0: no register came from the VMM).
     */
    public static List<Gpr> of(TraceEvent.Tdvmcall v) {
        if (v.out().rax() != 0) {
            return List.of();
        }
        Registers seen = seen(v);
        List<Gpr> l = new ArrayList<>();
        for (Gpr g : VMM_WRITABLE) {
            long out = v.out().get(g);
            if (out != v.in().get(g) && out != seen.get(g)) {
                l.add(g);
            }
        }
        return l;
    }
}
