package io.github.tdx4j.call.trace;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.GprSelect;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdcallRax;
import io.github.tdx4j.call.GuestBugException;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxTransport;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A decorator that rejects calls breaking a spec precondition before they reach the TDX module, with a
 * {@link GuestBugException} (origin GUEST_BUG) naming the rule. The TDX module would reject most of them too, but
 * with a status the caller might misread as a module failure; this decorator makes the guest's mistake explicit.
 *
 * <p>Checked (TDX Module ABI v1.5, "TDCALL Instruction (Common)" and each leaf's "Input Operands" table):
 * <ul>
 *   <li>RAX[63:24] must be zero; the leaf must be one the ABI defines; only TDG.VM.RD may have a version above 0;</li>
 *   <li>TDG.VP.VMCALL: RCX must not select RAX (bit 0), RCX (bit 1) or RSP (bit 4), and RCX[63:32] must be 0;</li>
 *   <li>other leaves: every register that is not one of the leaf's inputs must be zero.</li>
 * </ul>
 */
public final class CheckingTransport implements TdxTransport {

    /** Input registers of each module leaf (besides RAX). A table as code; the source is each leaf's ABI section. */
    private static final Map<TdcallLeaf, Set<Gpr>> INPUTS = Map.ofEntries(
            Map.entry(TdcallLeaf.TDG_VP_INFO, EnumSet.noneOf(Gpr.class)),
            Map.entry(TdcallLeaf.TDG_MR_RTMR_EXTEND, EnumSet.of(Gpr.RCX, Gpr.RDX)),
            Map.entry(TdcallLeaf.TDG_VP_VEINFO_GET, EnumSet.noneOf(Gpr.class)),
            Map.entry(TdcallLeaf.TDG_MR_REPORT, EnumSet.of(Gpr.RCX, Gpr.RDX, Gpr.R8)),
            Map.entry(TdcallLeaf.TDG_VP_CPUIDVE_SET, EnumSet.of(Gpr.RCX)),
            Map.entry(TdcallLeaf.TDG_MEM_PAGE_ACCEPT, EnumSet.of(Gpr.RCX)),
            Map.entry(TdcallLeaf.TDG_VM_RD, EnumSet.of(Gpr.RDX)),
            Map.entry(TdcallLeaf.TDG_VM_WR, EnumSet.of(Gpr.RDX, Gpr.R8, Gpr.R9)),
            Map.entry(TdcallLeaf.TDG_VP_RD, EnumSet.of(Gpr.RDX)),
            Map.entry(TdcallLeaf.TDG_VP_WR, EnumSet.of(Gpr.RDX, Gpr.R8, Gpr.R9)),
            Map.entry(TdcallLeaf.TDG_SYS_RD, EnumSet.of(Gpr.RDX)),
            Map.entry(TdcallLeaf.TDG_SYS_RDALL, EnumSet.of(Gpr.RDX, Gpr.R8)),
            Map.entry(TdcallLeaf.TDG_SERVTD_RD, EnumSet.of(Gpr.RCX, Gpr.RDX)),
            Map.entry(TdcallLeaf.TDG_SERVTD_WR, EnumSet.of(Gpr.RCX, Gpr.RDX, Gpr.R8, Gpr.R9)),
            Map.entry(TdcallLeaf.TDG_MR_VERIFYREPORT, EnumSet.of(Gpr.RCX)),
            Map.entry(TdcallLeaf.TDG_MEM_PAGE_ATTR_RD, EnumSet.of(Gpr.RCX)),
            Map.entry(TdcallLeaf.TDG_MEM_PAGE_ATTR_WR, EnumSet.of(Gpr.RCX, Gpr.RDX, Gpr.R8)),
            Map.entry(TdcallLeaf.TDG_VP_ENTER, EnumSet.of(Gpr.RCX, Gpr.RDX)),
            Map.entry(TdcallLeaf.TDG_VP_INVEPT, EnumSet.of(Gpr.RCX)),
            Map.entry(TdcallLeaf.TDG_VP_INVVPID, EnumSet.of(Gpr.RCX, Gpr.RDX)));

    private final TdxTransport delegate;
    private final AtomicLong rejected = new AtomicLong();

    public CheckingTransport(TdxTransport delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The input registers the ABI defines for {@code leaf}, or null for TDG.VP.VMCALL and unknown leaves. */
    public static Set<Gpr> inputsOf(TdcallLeaf leaf) {
        Set<Gpr> s = INPUTS.get(leaf);
        return s == null ? null : Set.copyOf(s);
    }

    @Override
    public Registers tdcall(Registers in) {
        check(in);
        return delegate.tdcall(in);
    }

    /** Calls rejected so far. */
    public long rejected() {
        return rejected.get();
    }

    private void check(Registers in) {
        TdcallRax rax = new TdcallRax(in.rax());
        TdcallLeaf leaf = rax.leaf();
        if (rax.hasReservedBits()) {
            reject("tdx.check.rax-reserved", "RAX[63:24] must be 0: RAX=0x" + Long.toHexString(in.rax()));
        }
        if (!leaf.isKnown()) {
            reject("tdx.check.unknown-leaf", "no TDCALL leaf " + leaf + " in the TDX Module ABI");
        }
        if (rax.version() != 0 && !leaf.equals(TdcallLeaf.TDG_VM_RD)) {
            reject("tdx.check.leaf-version", leaf + " has no version " + rax.version());
        }
        if (leaf.equals(TdcallLeaf.TDG_VP_VMCALL)) {
            GprSelect mask = new GprSelect(in.rcx());
            // Whether the TD forbids RBP changes is the module's to know (CONFIG_FLAGS.NO_RBP_MOD); the module
            // itself rejects an RBP bit then.
            if (!mask.isValid(false)) {
                reject("tdx.check.vmcall-mask", "TDG.VP.VMCALL RCX must not expose RAX, RCX or RSP (bits 0, 1, 4) "
                        + "and RCX[63:32] must be 0: " + mask);
            }
            return;
        }
        Set<Gpr> inputs = INPUTS.get(leaf);
        if (inputs == null) {
            return;
        }
        for (Gpr g : Gpr.values()) {
            if (g != Gpr.RAX && Registers.carries(g) && !inputs.contains(g) && in.get(g) != 0) {
                reject("tdx.check.unused-register", leaf + " does not take " + g + " (must be 0): " + g + "=0x"
                        + Long.toHexString(in.get(g)));
            }
        }
    }

    private void reject(String site, String detail) {
        rejected.incrementAndGet();
        throw new GuestBugException(site, detail);
    }
}
