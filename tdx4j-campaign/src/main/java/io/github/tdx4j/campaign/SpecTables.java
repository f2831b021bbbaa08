package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Sensitivity;
import io.github.tdx4j.call.policy.Reaction;
import java.util.EnumSet;
import java.util.Set;

/**
 * The oracles' expectations, written from the specifications and kept apart from the code under test: an oracle
 * that computed its expectation with the guest's own table ({@code PortSize.assign}, {@code VmcallOutputs},
 * {@code OriginPolicy}, {@code MapGpa.MAX_RETRIES_PER_PAGE}) would share every bug in that table and never fire.
 * Each value here is typed in again from the document it cites, never read from tdx4j-call or tdx4j-guest.
 */
final class SpecTables {
    private SpecTables() {
    }

    // ------------------------------------------------------------------------------------------------ port I/O

    /**
     * RAX after {@code IN AL/AX/EAX} of {@code bytes} bytes that read {@code value}: GHCI 1.5,
     * "TDG.VP.VMCALL&lt;Instruction.IO&gt;" (R12 = size 1, 2 or 4; R11 = the value read) and Intel SDM Vol. 1,
     * "General-Purpose Registers in 64-Bit Mode": an 8- or 16-bit destination keeps RAX's other bits, a 32-bit one
     * zero-extends into RAX[63:32].
     */
    static long portInRax(int bytes, long rax, long value) {
        return switch (bytes) {
            case 1 -> (rax & 0xFFFF_FFFF_FFFF_FF00L) | (value & 0x0000_0000_0000_00FFL);
            case 2 -> (rax & 0xFFFF_FFFF_FFFF_0000L) | (value & 0x0000_0000_0000_FFFFL);
            case 4 -> value & 0x0000_0000_FFFF_FFFFL;
            default -> throw new IllegalArgumentException("port I/O size is 1, 2 or 4: " + bytes);
        };
    }

    /** The value OUT of {@code bytes} bytes sends in R15: the low {@code bytes} bytes of RAX, nothing above. */
    static long portOutValue(int bytes, long rax) {
        return switch (bytes) {
            case 1 -> rax & 0xFFL;
            case 2 -> rax & 0xFFFFL;
            case 4 -> rax & 0xFFFF_FFFFL;
            default -> throw new IllegalArgumentException("port I/O size is 1, 2 or 4: " + bytes);
        };
    }

    /** The highest port number: I/O ports are 16-bit (SDM Vol. 1, "I/O Port Addressing"). */
    static final int MAX_PORT = 0xFFFF;

    // ------------------------------------------------------------------------------------------------ TDVMCALL

    /**
     * The output registers of a standard TDVMCALL, besides the R10 status: GHCI 1.5, the "Output Operands" table of
     * each TDG.VP.VMCALL&lt;...&gt; section. Instruction.CPUID: R12..R15; Instruction.IO, Instruction.RDMSR,
     * #VE.RequestMMIO and MapGPA: R11; GetTdVmCallInfo: R11..R14; every other sub-function: none.
     */
    static Set<Gpr> vmcallOutputs(TdvmcallSubFunction fn) {
        if (fn.equals(TdvmcallSubFunction.INSTRUCTION_CPUID)) {
            return EnumSet.of(Gpr.R12, Gpr.R13, Gpr.R14, Gpr.R15);
        }
        if (fn.equals(TdvmcallSubFunction.INSTRUCTION_IO) || fn.equals(TdvmcallSubFunction.INSTRUCTION_RDMSR)
                || fn.equals(TdvmcallSubFunction.VE_REQUEST_MMIO) || fn.equals(TdvmcallSubFunction.MAP_GPA)) {
            return EnumSet.of(Gpr.R11);
        }
        if (fn.equals(TdvmcallSubFunction.GET_TD_VM_CALL_INFO)) {
            return EnumSet.of(Gpr.R11, Gpr.R12, Gpr.R13, Gpr.R14);
        }
        return EnumSet.noneOf(Gpr.class);
    }

    /**
     * Registers the caller of {@code __tdx_hypercall} gets back unchanged when they are not outputs: the x86-64 SysV
     * callee-saved registers Linux restores from the stack (arch/x86/coco/tdx/tdcall.S, {@code TDX_MODULE_CALL}).
     */
    static final Set<Gpr> CALLEE_SAVED = EnumSet.of(Gpr.RBX, Gpr.R12, Gpr.R13, Gpr.R14, Gpr.R15);

    /**
     * The registers a TDVMCALL may expose (TDX Module ABI v1.5, "TDG.VP.VMCALL Leaf"): every GPR but RAX, RCX and
     * RSP, whose GPR_SELECT bits 0, 1 and 4 the module refuses with TDX_OPERAND_INVALID(RCX).
     */
    static final long REFUSED_GPR_SELECT_BITS = (1L << 0) | (1L << 1) | (1L << 4);

    /**
     * Vectors a VMM may not post to a TD: 0..30, the exception vectors (Intel TDX guest hardening,
     * security-spec.rst, "Interrupt handling"; the simulator documents the same bound).
     */
    static final int MAX_UNPOSTABLE_VECTOR = 30;

    // ------------------------------------------------------------------------------------------------ MapGPA

    /**
     * Linux {@code tdx_map_gpa}, {@code max_retries_per_page = 3}: after this many RETRY answers in a row that
     * resume where the call started, the conversion fails.
     */
    static final int MAPGPA_NO_PROGRESS_RETRIES = 3;

    // ------------------------------------------------------------------------------------------------ attestation

    /** TDX Module ABI v1.5, "TDG.MR.RTMR.EXTEND Leaf": RTMR indexes 0..3. */
    static final int RTMR_COUNT = 4;

    // ------------------------------------------------------------------------------------------------ policies

    /** Linux lib/ratelimit.c defaults, DEFAULT_RATELIMIT_INTERVAL (5 s) and DEFAULT_RATELIMIT_BURST (10). */
    static final long RATE_LIMIT_INTERVAL_NANOS = 5_000_000_000L;
    static final int RATE_LIMIT_BURST = 10;

    /** The two presets a campaign run alternates between, with their reactions typed in from the README. */
    enum Preset {
        /**
         * Today's Linux guest: guest bugs and TDX-module errors warn once (the tdx-guest driver's WARN_ONCE), VMM
         * errors are plain error returns (-EIO) with no log line.
         */
        LINUX_MAINLINE,
        /**
         * The seed review (Dave Hansen, April 2021): a guest bug warns once; a TDX-module bug warns once, or is fatal
         * when the call is security-sensitive; a VMM error is rate-limited, never fatal.
         */
        SEED_REVIEW;

        Reaction reaction(Origin origin, Sensitivity sensitivity) {
            return switch (this) {
                case LINUX_MAINLINE -> switch (origin) {
                    case GUEST_BUG, TDX_MODULE -> Reaction.WARN_ONCE;
                    case VMM -> Reaction.ERROR_RETURN;
                };
                case SEED_REVIEW -> switch (origin) {
                    case GUEST_BUG -> Reaction.WARN_ONCE;
                    case TDX_MODULE -> sensitivity == Sensitivity.SECURITY_SENSITIVE ? Reaction.FATAL
                            : Reaction.WARN_ONCE;
                    case VMM -> Reaction.RATE_LIMITED;
                };
            };
        }

        /** Whether some failure of {@code origin} may write a log line other than the fatal one. */
        boolean mayLog(Origin origin) {
            for (Sensitivity s : Sensitivity.values()) {
                Reaction r = reaction(origin, s);
                if (r == Reaction.WARN_ONCE || r == Reaction.RATE_LIMITED) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Failure sites that stop the TD whatever the policy, as Linux panics there: an EPT violation on private memory,
     * a bad GPA width or SEPT #VE setting at boot, failed acceptance of boot memory ({@code tdx_early_init},
     * {@code handle_mmio}, {@code tdx_accept_memory} in arch/x86/coco/tdx/tdx.c).
     */
    static boolean fatalByDesign(String site, String operation) {
        return site.equals("tdx.ve.mmio.private-gpa") || site.startsWith("tdx.init.")
                || site.equals("tdx.accept.failed") && operation.equals("boot");
    }
}
