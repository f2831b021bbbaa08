package io.github.tdx4j.call.trace;

import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.abi.VeExitReason;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.StatusOrigin;

/**
 * One entry of a call trace: a TDCALL to a module leaf, a TDVMCALL, or a #VE taken by the guest.
 * {@link #origin()} is null when nothing failed.
 */
public sealed interface TraceEvent permits TraceEvent.Tdcall, TraceEvent.Tdvmcall, TraceEvent.Ve {

    /** The kinds, as printed: TDCALL, TDVMCALL, VE. */
    enum Kind { TDCALL, TDVMCALL, VE }

    Kind kind();

    /** The spec name of the leaf, sub-function or exit reason. */
    String leaf();

    /** The decoded status. */
    String status();

    /** Whose fault the failure is, or null if the call succeeded. */
    Origin origin();

    /** One readable line. */
    String describe();

    /**
     * A TDCALL to a TDX-module leaf. Origin of an error status: {@link Origin#GUEST_BUG} for
     * TDX_OPERAND_INVALID (the module says the guest passed a bad operand), {@link Origin#TDX_MODULE} otherwise;
     * null for success and for warnings (bit 63 clear).
     */
    record Tdcall(TdcallLeaf tdcallLeaf, Registers in, Registers out) implements TraceEvent {
        @Override
        public Kind kind() {
            return Kind.TDCALL;
        }

        @Override
        public String leaf() {
            return tdcallLeaf.toString();
        }

        public TdxStatus tdxStatus() {
            return new TdxStatus(out.rax());
        }

        @Override
        public String status() {
            return tdxStatus().toString();
        }

        @Override
        public Origin origin() {
            return StatusOrigin.ofTdcall(tdxStatus()).orElse(null);
        }

        @Override
        public String describe() {
            return String.format("TDCALL   %-22s RCX=%#x RDX=%#x R8=%#x -> %s%s", leaf(), in.rcx(), in.rdx(), in.r8(),
                    status(), origin() == null ? "" : " [" + origin() + "]");
        }
    }

    /**
     * A TDCALL(TDG.VP.VMCALL). Origin: {@link Origin#TDX_MODULE} if RAX != 0 (the mechanism failed),
     * {@link Origin#VMM} if R10 is anything but SUCCESS or RETRY, null otherwise.
     */
    record Tdvmcall(Registers in, Registers out) implements TraceEvent {
        @Override
        public Kind kind() {
            return Kind.TDVMCALL;
        }

        @Override
        public String leaf() {
            return in.r10() == 0 ? new TdvmcallSubFunction(in.r11()).toString()
                    : "vendor 0x" + Long.toHexString(in.r10());
        }

        public TdvmcallStatus vmmStatus() {
            return new TdvmcallStatus(out.r10());
        }

        @Override
        public String status() {
            return out.rax() != 0 ? new TdxStatus(out.rax()).toString() : vmmStatus().toString();
        }

        @Override
        public Origin origin() {
            return StatusOrigin.ofTdvmcall(new TdxStatus(out.rax()), vmmStatus()).orElse(null);
        }

        @Override
        public String describe() {
            return String.format("TDVMCALL %-22s R12=%#x R13=%#x R14=%#x R15=%#x -> %s R11=%#x%s", leaf(),
                    in.r12(), in.r13(), in.r14(), in.r15(), status(), out.r11(),
                    origin() == null ? "" : " [" + origin() + "]");
        }
    }

    /**
     * A virtualization exception taken by the guest and its outcome.
     *
     * @param exitReason the #VE exit reason
     * @param rip        RIP of the faulting instruction
     * @param outcome    {@code handled}, {@code fault} or {@code fatal}, with detail
     * @param origin     whose fault a non-handled outcome is; null when handled
     */
    record Ve(VeExitReason exitReason, long rip, String outcome, Origin origin) implements TraceEvent {
        @Override
        public Kind kind() {
            return Kind.VE;
        }

        @Override
        public String leaf() {
            return exitReason.toString();
        }

        @Override
        public String status() {
            return outcome;
        }

        @Override
        public String describe() {
            return String.format("#VE      %-22s RIP=%#x -> %s%s", leaf(), rip, outcome,
                    origin == null ? "" : " [" + origin + "]");
        }
    }
}
