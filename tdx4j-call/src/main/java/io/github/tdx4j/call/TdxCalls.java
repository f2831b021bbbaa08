package io.github.tdx4j.call;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.GprSelect;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdcallRax;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdxStatus;
import java.util.Objects;
import java.util.Set;

/**
 * The TDCALL and TDVMCALL helpers: {@code __tdcall()} and {@code __tdvmcall()} of the seed, as Linux has them
 * today ({@code __tdcall_ret}, {@code tdcall()}, {@code __tdx_hypercall}).
 *
 * <p>Two kinds of failure, never mixed:
 * <ul>
 *   <li>A TDX-module leaf reports its status in RAX. {@link #tdcall} returns it as a value; {@link #tdcallOrPanic}
 *       is for leaves that "have no legitimate reason to fail" (TDG.VP.INFO, TDG.VP.VEINFO.GET) and turns an error
 *       into a {@link TdxModuleFault}.</li>
 *   <li>TDG.VP.VMCALL has two statuses. RAX != 0 means the TDX module failed the TDVMCALL <em>mechanism</em>:
 *       always a {@link TdxModuleFault}, never a value. R10 is the VMM's answer: always a {@link VmcallResult}
 *       value, which the caller must handle.</li>
 * </ul>
 *
 * <p>Thread-safe if the transport is. Allocation: three {@link Registers} per call (the input, the transport's
 * output, and the copy the caller sees: the module leaf's outputs or the scrubbed TDVMCALL registers) plus the
 * result record.
 */
public final class TdxCalls {
    private final TdxTransport transport;

    public TdxCalls(TdxTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    public TdxTransport transport() {
        return transport;
    }

    /**
     * TDCALL to a TDX-module leaf at version 0 with inputs RCX, RDX, R8–R11 (pass 0 for the ones the leaf does not
     * use). TDX Module ABI v1.5, "TDCALL Instruction (Common)".
     *
     * @throws GuestBugException if {@code leaf} is TDG.VP.VMCALL, which goes through {@link #tdvmcall}
     */
    public ModuleCallResult tdcall(TdcallLeaf leaf, long rcx, long rdx, long r8, long r9, long r10, long r11) {
        return tdcall(leaf, 0, rcx, rdx, r8, r9, r10, r11);
    }

    /** As {@link #tdcall(TdcallLeaf, long, long, long, long, long, long)} at leaf {@code version} (RAX[23:16]). */
    public ModuleCallResult tdcall(TdcallLeaf leaf, int version, long rcx, long rdx, long r8, long r9, long r10,
                                   long r11) {
        if (leaf.equals(TdcallLeaf.TDG_VP_VMCALL)) {
            throw new GuestBugException("tdx.tdcall", "TDG.VP.VMCALL goes through tdvmcall(), not tdcall()");
        }
        Registers in = new Registers(TdcallRax.of(leaf, version).raw(), rcx, rdx, 0, 0, 0, r8, r9, r10, r11,
                0, 0, 0, 0);
        Registers out = transport.tdcall(in);
        // Like __tdcall_ret: RCX, RDX and R8-R11 come back even on failure; nothing else is an output of a
        // module leaf, so nothing else is passed on.
        Registers kept = new Registers(0, out.rcx(), out.rdx(), 0, 0, 0, out.r8(), out.r9(), out.r10(), out.r11(),
                0, 0, 0, 0);
        return new ModuleCallResult(leaf, new TdxStatus(out.rax()), kept);
    }

    /**
     * TDCALL to a leaf that has no legitimate reason to fail; Linux {@code tdcall()}.
     *
     * @throws TdxModuleFault if the status has the error bit: the kernel panics here, "Buggy TDX module!"
     */
    public ModuleCallResult tdcallOrPanic(TdcallLeaf leaf, long rcx, long rdx, long r8, long r9, long r10,
                                          long r11) {
        ModuleCallResult r = tdcall(leaf, rcx, rdx, r8, r9, r10, r11);
        if (r.isError()) {
            throw new TdxModuleFault(leaf, r.status().raw(),
                    new Registers(leaf.rax(), rcx, rdx, 0, 0, 0, r8, r9, r10, r11, 0, 0, 0, 0));
        }
        return r;
    }

    /**
     * TDCALL(TDG.VP.VMCALL): a TDVMCALL to the VMM. GHCI 1.5, "TDG.VP.VMCALL Interface".
     *
     * <p>RCX = {@link GprSelect#TDVMCALL_EXPOSE_REGS_MASK} (RDX, RBX, RSI, RDI, R8–R15). After the call the
     * register file is scrubbed as Linux does since CVE-2023-52874, so no VMM-controlled value survives where the
     * caller does not expect one: R8–R11, RDI, RSI and RDX are zeroed, RBX and R12–R15 are restored, except the
     * registers {@link VmcallRequest#outputs()} declares. R10 is read once and becomes the result's status.
     *
     * @throws TdxModuleFault if RAX != 0: the TDX module failed the mechanism ("TDVMCALL failed. TDX module bug?")
     */
    public VmcallResult tdvmcall(VmcallRequest request) {
        Registers in = new Registers(TdcallLeaf.TDG_VP_VMCALL.rax(), GprSelect.TDVMCALL_EXPOSE_REGS_MASK.raw(),
                request.rdx(), request.rbx(), request.rsi(), request.rdi(), request.r8(), request.r9(),
                request.r10(), request.r11(), request.r12(), request.r13(), request.r14(), request.r15());
        Registers out = transport.tdcall(in);
        if (out.rax() != 0) {
            throw new TdxModuleFault(TdcallLeaf.TDG_VP_VMCALL, out.rax(), in);
        }
        TdvmcallStatus status = new TdvmcallStatus(out.r10());
        Registers scrubbed = callerView(in, out, request.outputs());
        if (status.isSuccess()) {
            return new VmcallResult.Success(scrubbed);
        }
        if (status.isRetry()) {
            return new VmcallResult.Retry(scrubbed);
        }
        return new VmcallResult.VmmError(status, scrubbed);
    }

    /**
     * The caller-visible register file after a TDVMCALL, given the registers passed in, the registers the transport
     * returned and the registers the request declared as outputs: declared outputs from the VMM; RBX and R12–R15 as
     * passed (the callee-saved registers Linux restores from the stack); RDX, RSI, RDI, R8–R11 zero; RAX zero
     * ({@link #tdvmcall} checked it); RCX as passed (the TDX module restores it). R10, the status, is reported apart
     * and reads as zero here. Public so that a trace viewer can show which VMM-written values the guest never saw.
     */
    public static Registers callerView(Registers in, Registers out, Set<Gpr> outputs) {
        var o = Objects.requireNonNull(outputs, "outputs");
        return new Registers(0, in.rcx(),
                o.contains(Gpr.RDX) ? out.rdx() : 0,
                o.contains(Gpr.RBX) ? out.rbx() : in.rbx(),
                o.contains(Gpr.RSI) ? out.rsi() : 0,
                o.contains(Gpr.RDI) ? out.rdi() : 0,
                o.contains(Gpr.R8) ? out.r8() : 0,
                o.contains(Gpr.R9) ? out.r9() : 0,
                0,
                o.contains(Gpr.R11) ? out.r11() : 0,
                o.contains(Gpr.R12) ? out.r12() : in.r12(),
                o.contains(Gpr.R13) ? out.r13() : in.r13(),
                o.contains(Gpr.R14) ? out.r14() : in.r14(),
                o.contains(Gpr.R15) ? out.r15() : in.r15());
    }
}
