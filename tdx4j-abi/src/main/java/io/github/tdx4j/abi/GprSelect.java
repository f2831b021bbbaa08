package io.github.tdx4j.abi;

import java.util.EnumSet;
import java.util.Set;

/**
 * The RCX input of TDG.VP.VMCALL: {@code {GPR_SELECT:16, XMM_SELECT:16, reserved:32}}, the set of registers the
 * TD exposes to (and accepts back from) the VMM.
 *
 * <p>TDX Module ABI v1.5, "TDG.VP.VMCALL Leaf" (RCX: TDVMCALL controls); intel/tdx-module
 * {@code tdvmcall_control_t}. The module rejects bits 0 (RAX), 1 (RCX) and 4 (RSP) of GPR_SELECT, bit 5 (RBP) when
 * the TD forbids RBP changes, and any of bits 63:32, with TDX_OPERAND_INVALID(RCX).
 *
 * @param raw the 64-bit RCX value
 */
public record GprSelect(long raw) {
    /** GPR_SELECT bits the module always rejects: RAX (0), RCX (1) and RSP (4). */
    public static final long ALWAYS_ILLEGAL_GPRS = Gpr.RAX.bit() | Gpr.RCX.bit() | Gpr.RSP.bit();
    /** RCX[63:32]: reserved, must be zero. */
    public static final long RESERVED_MASK = 0xFFFF_FFFF_0000_0000L;

    /**
     * TDVMCALL_EXPOSE_REGS_MASK = RDX | RBX | RSI | RDI | R8..R15 = 0xFFCC, the mask Linux passes on every
     * TDVMCALL (Linux {@code asm/shared/tdx.h}). Built from named bits, not written as a literal.
     */
    public static final GprSelect TDVMCALL_EXPOSE_REGS_MASK = of(EnumSet.of(Gpr.RDX, Gpr.RBX, Gpr.RSI, Gpr.RDI,
            Gpr.R8, Gpr.R9, Gpr.R10, Gpr.R11, Gpr.R12, Gpr.R13, Gpr.R14, Gpr.R15));

    /** The mask selecting exactly {@code gprs}. */
    public static GprSelect of(Set<Gpr> gprs) {
        long raw = 0;
        for (Gpr g : gprs) {
            raw |= g.bit();
        }
        return new GprSelect(raw);
    }

    /** GPR_SELECT, RCX[15:0]. */
    public int gprSelect() {
        return (int) (raw & 0xFFFF);
    }

    /** XMM_SELECT, RCX[31:16]. */
    public int xmmSelect() {
        return (int) ((raw >>> 16) & 0xFFFF);
    }

    public boolean selects(Gpr gpr) {
        return (raw & gpr.bit()) != 0;
    }

    /** The selected registers. */
    public Set<Gpr> gprs() {
        EnumSet<Gpr> out = EnumSet.noneOf(Gpr.class);
        for (Gpr g : Gpr.values()) {
            if (selects(g)) {
                out.add(g);
            }
        }
        return out;
    }

    /**
     * Whether the module accepts this value: no RAX/RCX/RSP bit, no RBP bit when {@code rbpChangesForbidden}, and
     * RCX[63:32] zero.
     */
    public boolean isValid(boolean rbpChangesForbidden) {
        return isValid(raw, rbpChangesForbidden);
    }

    /**
     * The module's rule on a raw RCX, without allocating: the one place it is coded, used by the simulated module,
     * the checking transport and {@link #isValid(boolean)}.
     */
    public static boolean isValid(long rcx, boolean rbpChangesForbidden) {
        long illegal = ALWAYS_ILLEGAL_GPRS | (rbpChangesForbidden ? Gpr.RBP.bit() : 0);
        return (rcx & illegal) == 0 && (rcx & RESERVED_MASK) == 0;
    }

    @Override
    public String toString() {
        return String.format("0x%x", raw) + gprs();
    }
}
