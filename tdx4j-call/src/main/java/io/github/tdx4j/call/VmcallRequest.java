package io.github.tdx4j.call;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxIdentity;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One TDVMCALL: what goes into R10–R15 (and, for the few sub-functions that use them, RBX, RDI, RSI, R8, R9,
 * RDX), and which registers are to come back.
 *
 * <p>GHCI 1.5, "TDG.VP.VMCALL Interface": R10 = 0 selects the standard (GHCI) TDVMCALLs with the sub-function in
 * R11; R10 != 0 is a vendor-specific call (KVM hypercalls: R10 = hypercall number, R11..R14 = arguments).
 * {@link #outputs()} lists the registers the caller will read; all others are scrubbed after the call.
 *
 * @param r10     0 for standard, else the vendor call number
 * @param r11     the sub-function (standard) or first vendor argument
 * @param r12     argument
 * @param r13     argument
 * @param r14     argument
 * @param r15     argument
 * @param rbx     extended argument (ReportFatalError message bytes); 0 otherwise
 * @param rdi     extended argument; 0 otherwise
 * @param rsi     extended argument; 0 otherwise
 * @param r8      extended argument; 0 otherwise
 * @param r9      extended argument; 0 otherwise
 * @param rdx     extended argument; 0 otherwise
 * @param outputs the registers the sub-function defines as outputs
 */
public record VmcallRequest(long r10, long r11, long r12, long r13, long r14, long r15,
                            long rbx, long rdi, long rsi, long r8, long r9, long rdx, Set<Gpr> outputs) {

    /** The registers a TDVMCALL may return: the ones Linux exposes, minus R10 (the status, reported apart). */
    private static final Set<Gpr> RETURNABLE = EnumSet.of(Gpr.RDX, Gpr.RBX, Gpr.RSI, Gpr.RDI,
            Gpr.R8, Gpr.R9, Gpr.R11, Gpr.R12, Gpr.R13, Gpr.R14, Gpr.R15);

    public VmcallRequest {
        Objects.requireNonNull(outputs, "outputs");
        for (Gpr g : outputs) {
            if (!RETURNABLE.contains(g)) {
                throw new IllegalArgumentException(g + " cannot be a TDVMCALL output");
            }
        }
        outputs = Set.copyOf(outputs);
    }

    /** A standard TDVMCALL: R10 = 0, R11 = {@code fn}, outputs as the GHCI defines for {@code fn}. */
    public static VmcallRequest standard(TdvmcallSubFunction fn, long r12, long r13, long r14, long r15) {
        return new VmcallRequest(TdxIdentity.TDX_HYPERCALL_STANDARD, fn.raw(), r12, r13, r14, r15,
                0, 0, 0, 0, 0, 0, VmcallOutputs.of(fn));
    }

    /** A vendor-specific TDVMCALL: R10 = {@code nr} (non-zero), R11..R14 = arguments; R10 carries the result. */
    public static VmcallRequest vendor(long nr, long r11, long r12, long r13, long r14) {
        if (nr == TdxIdentity.TDX_HYPERCALL_STANDARD) {
            throw new IllegalArgumentException("a vendor TDVMCALL needs R10 != 0");
        }
        return new VmcallRequest(nr, r11, r12, r13, r14, 0, 0, 0, 0, 0, 0, 0, Set.of());
    }

    /** This request with the extended argument registers set (ReportFatalError packs its message there). */
    public VmcallRequest withExtended(long rbx, long rdi, long rsi, long r8, long r9, long rdx) {
        return new VmcallRequest(r10, r11, r12, r13, r14, r15, rbx, rdi, rsi, r8, r9, rdx, outputs);
    }

    /** This request with a different output set. */
    public VmcallRequest withOutputs(Set<Gpr> outputs) {
        return new VmcallRequest(r10, r11, r12, r13, r14, r15, rbx, rdi, rsi, r8, r9, rdx, outputs);
    }

    public boolean isStandard() {
        return r10 == TdxIdentity.TDX_HYPERCALL_STANDARD;
    }

    /** R11 as a sub-function, for standard calls. */
    public TdvmcallSubFunction subFunction() {
        return new TdvmcallSubFunction(r11);
    }

    /** A name for logs: the sub-function, or {@code vendor 0x…}. */
    public String describe() {
        return isStandard() ? subFunction().toString() : "vendor 0x" + Long.toHexString(r10);
    }
}
