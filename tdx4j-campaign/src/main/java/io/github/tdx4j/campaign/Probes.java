package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.VmcallRequest;
import io.github.tdx4j.call.VmcallResult;
import io.github.tdx4j.sim.vmm.VmcallExit;
import java.util.Set;

/**
 * The two probe operations: a TDVMCALL through the guest's own {@code TdxCalls} whose returned register file is
 * checked ({@link Oracle#CALLER_REGISTERS}), and TDCALLs and a posted interrupt straight at the simulated TDX module,
 * checking the filters a real module enforces ({@link Oracle#SIMULATOR_FILTER}). Expectations come from
 * {@link SpecTables}, never from the call layer's {@code VmcallOutputs} or {@code GprSelect}.
 */
final class Probes {
    /** Values a probe puts in registers: recognisable, never a canary (these may legitimately reach the VMM). */
    private static final long MARK = 0x9B0B_E000_0000_0000L;
    /** What the probe's VMM writes into every register it may not write back. */
    private static final long VMM_MARK = 0x7A3D_0000_0000_0000L;
    /**
     * The mask Linux passes on every TDVMCALL, {@code TDVMCALL_EXPOSE_REGS_MASK} (arch/x86/include/asm/shared/tdx.h):
     * RDX (bit 2), RBX (3), RSI (6), RDI (7), R8..R15 (8..15).
     */
    static final long LINUX_EXPOSE_MASK = (1L << 2) | (1L << 3) | (1L << 6) | (1L << 7) | 0xFF00L;
    /** The sim probe exposes only R10..R14: the status, the sub-function and GetTdVmCallInfo's outputs. */
    private static final long NARROW_MASK = 0x7C00L;

    private final CampaignRun run;
    private final GuestOperations ops;
    /** While a sim probe's TDVMCALL is at the VMM: check the exit and write every register there. */
    private boolean simExit;

    Probes(CampaignRun run, GuestOperations ops) {
        this.run = run;
        this.ops = ops;
    }

    /**
     * One TDVMCALL of a sub-function chosen by the seed, every argument and extended register set, through
     * {@code run.guest.calls()}; then every register it hands back against GHCI: declared outputs are the VMM's
     * values, RBX and R12..R15 otherwise the caller's, RAX zero, RCX the expose mask, everything else zero.
     */
    boolean callerRegisters() {
        TdvmcallSubFunction[] fns = {TdvmcallSubFunction.INSTRUCTION_CPUID, TdvmcallSubFunction.INSTRUCTION_IO,
            TdvmcallSubFunction.INSTRUCTION_RDMSR, TdvmcallSubFunction.GET_TD_VM_CALL_INFO};
        int k = run.rnd.nextInt(fns.length);
        TdvmcallSubFunction fn = fns[k];
        long[] args = switch (k) {
            case 0 -> new long[] {0x4000_0000L, 0};              // CPUID leaf, subleaf
            case 1 -> new long[] {1, 0, 0x80};                    // IN of one byte from port 0x80
            case 2 -> new long[] {0x1B};                          // RDMSR IA32_APICBASE
            default -> new long[] {0};                            // GetTdVmCallInfo leaf 0
        };
        long[] in = new long[16];
        for (int i = 0; i < 16; i++) {
            in[i] = MARK | (long) i << 8 | run.rnd.nextInt(256);
        }
        in[Gpr.R12.number()] = args[0];
        in[Gpr.R13.number()] = args.length > 1 ? args[1] : in[Gpr.R13.number()];
        in[Gpr.R14.number()] = args.length > 2 ? args[2] : in[Gpr.R14.number()];
        VmcallRequest request = VmcallRequest.standard(fn, in[12], in[13], in[14], in[15])
                .withExtended(in[Gpr.RBX.number()], in[Gpr.RDI.number()], in[Gpr.RSI.number()], in[8], in[9],
                        in[Gpr.RDX.number()]);
        VmcallResult r = run.guest.calls().tdvmcall(request);
        if (!(r instanceof VmcallResult.Success)) {
            // The probe is a caller like any other: a VMM error is reported, and the operation fails.
            run.guest.failures().report(TdxFailure.of(Origin.VMM, "tdx.probe.vmm-error",
                    fn + " failed: " + r.status()));
        }
        Registers got = run.bug.handedBack(r.registers(), ops::vmmAnswer);
        Set<Gpr> outputs = SpecTables.vmcallOutputs(fn);
        for (Gpr g : Gpr.values()) {
            if (!Registers.carries(g)) {
                continue;
            }
            long expected;
            if (g == Gpr.RAX || g == Gpr.R10) {
                expected = 0;
            } else if (g == Gpr.RCX) {
                expected = LINUX_EXPOSE_MASK;
            } else if (outputs.contains(g)) {
                expected = ops.vmmAnswer(g);
            } else if (SpecTables.CALLEE_SAVED.contains(g)) {
                expected = in[g.number()];
            } else {
                expected = 0;
            }
            if (got.get(g) != expected) {
                run.violation(Oracle.CALLER_REGISTERS, String.format("after %s TdxCalls handed back %s = 0x%x, GHCI "
                        + "says 0x%x (%s)", fn, g, got.get(g), expected, outputs.contains(g) ? "a declared output"
                        : SpecTables.CALLEE_SAVED.contains(g) ? "callee-saved" : "scrubbed"));
            }
        }
        return r instanceof VmcallResult.Success;
    }

    /**
     * The simulated module's filters, each seen from outside: a TDG.VP.VMCALL exposing RSP is refused without a TD
     * exit; with a narrow mask the VMM sees zero in every register not exposed and nothing it writes there comes
     * back; a vector 0..30 the host posts is never pending.
     */
    boolean simulatorFilters() {
        TdxTransport module = run.bug.module(run.td.transport());
        long fn = TdvmcallSubFunction.GET_TD_VM_CALL_INFO.raw();
        long exits = run.exits;
        Registers rsp = new Registers(0, LINUX_EXPOSE_MASK | (1L << Gpr.RSP.number()), 0, 0, 0, 0, 0, 0, 0, fn,
                0, 0, 0, 0);
        Registers refused = module.tdcall(rsp);
        if (refused.rax() == 0 || run.exits != exits) {
            run.violation(Oracle.SIMULATOR_FILTER, String.format("TDG.VP.VMCALL with RCX bit 4 (RSP) set returned "
                    + "RAX=0x%x after %d TD exits; the module refuses it with TDX_OPERAND_INVALID", refused.rax(),
                    run.exits - exits));
        }
        long[] in = new long[16];
        for (int i = 0; i < 16; i++) {
            in[i] = MARK | (long) i << 8;
        }
        in[Gpr.R10.number()] = 0;
        in[Gpr.R11.number()] = fn;
        in[Gpr.R12.number()] = 0;
        Registers narrow = new Registers(0, NARROW_MASK, in[2], in[3], in[6], in[7], in[8], in[9], in[10], in[11],
                in[12], in[13], in[14], in[15]);
        simExit = true;
        Registers out;
        try {
            out = module.tdcall(narrow);
        } finally {
            simExit = false;
        }
        for (Gpr g : Gpr.values()) {
            if (!Registers.carries(g) || g == Gpr.RAX || g == Gpr.RCX || ((NARROW_MASK >>> g.number()) & 1) != 0) {
                continue;
            }
            if (out.get(g) != narrow.get(g)) {
                run.violation(Oracle.SIMULATOR_FILTER, String.format("%s, not exposed, came back 0x%x from the VMM "
                        + "(was 0x%x)", g, out.get(g), narrow.get(g)));
            }
        }
        if (out.rax() != 0 || out.rcx() != NARROW_MASK) {
            run.violation(Oracle.SIMULATOR_FILTER, String.format("after TDG.VP.VMCALL RAX=0x%x RCX=0x%x; the module "
                    + "returns TDX_SUCCESS and the guest's control", out.rax(), out.rcx()));
        }
        int vector = run.rnd.nextInt(SpecTables.MAX_UNPOSTABLE_VECTOR + 1);
        boolean pendingBefore = run.td.host().hasPendingInterrupt(0);
        run.td.host().injectInterrupt(0, vector);
        if (!pendingBefore && run.td.host().hasPendingInterrupt(0)) {
            run.violation(Oracle.SIMULATOR_FILTER, "the host posted vector " + vector + " and it is pending");
        }
        return true;
    }

    boolean inSimProbe() {
        return simExit;
    }

    /**
     * Called at every TD exit: during the sim probe, every register the guest did not expose must read zero at the
     * VMM; then the probe plays a VMM that writes every register, to see what the module lets back.
     */
    void onExit(VmcallExit exit) {
        if (!simExit) {
            return;
        }
        for (int i = 0; i < 16; i++) {
            // RAX carries the exit reason and RCX the control to the VMM by design.
            if (i != Gpr.RAX.number() && i != Gpr.RCX.number() && ((NARROW_MASK >>> i) & 1) == 0
                    && exit.get(i) != 0) {
                run.violation(Oracle.SIMULATOR_FILTER, String.format("the VMM saw %s = 0x%x, which the guest did not "
                        + "expose", Gpr.ofNumber(i), exit.get(i)));
            }
        }
        for (Gpr g : Gpr.values()) {
            if (g != Gpr.R10 && g != Gpr.R11) {
                exit.set(g, VMM_MARK | g.number());
            }
        }
    }
}
