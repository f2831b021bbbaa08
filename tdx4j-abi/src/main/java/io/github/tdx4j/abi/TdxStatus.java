package io.github.tdx4j.abi;

import java.util.Optional;

/**
 * A TDX-module completion status: the RAX output of TDCALL.
 *
 * <p>TDX Module ABI v1.5, "Function Completion Status Codes"; bit fields as in intel/tdx-module
 * {@code include/tdx_api_defs.h} ({@code api_error_code_t}), names and values as in its
 * {@code tdx_error_codes_defs.h} and Linux {@code arch/x86/include/asm/shared/tdx_errno.h}.
 *
 * <pre>
 *  63     62               61     60          59:48     47:40   39:32        31:0
 *  ERROR  NON_RECOVERABLE  FATAL  HOST_HINT   reserved  CLASS   DETAILS_L1   OPERAND ID / DETAILS_L2
 * </pre>
 *
 * <p>The status <em>code</em> is bits 63:32; the low 32 bits carry an operand id (which register was wrong) or a
 * detail such as the EPT level. Bit 63 alone decides {@link #isError()}: codes without it, such as
 * {@link #PAGE_ALREADY_ACCEPTED}, are warnings and the call's outputs are valid. An open value type: any 64-bit
 * value decodes; an unnamed code prints as {@code TDX_STATUS(0x…)}.
 *
 * @param raw the 64-bit RAX value returned by TDCALL
 */
public record TdxStatus(long raw) {
    private static final CodeNames NAMES = new CodeNames("TDX_STATUS");

    /** RAX[63:32]: the status code without operand id or details. */
    public static final long CODE_MASK = 0xFFFF_FFFF_0000_0000L;

    /** TDX_SUCCESS. */
    public static final TdxStatus SUCCESS = define(0x0000_0000_0000_0000L, "TDX_SUCCESS");
    /** TDX_NON_RECOVERABLE_VCPU: the vCPU cannot continue. */
    public static final TdxStatus NON_RECOVERABLE_VCPU = define(0x4000_0001_0000_0000L, "TDX_NON_RECOVERABLE_VCPU");
    /** TDX_NON_RECOVERABLE_TD: the TD cannot continue (value as in Linux asm/shared/tdx_errno.h). */
    public static final TdxStatus NON_RECOVERABLE_TD = define(0x4000_0002_0000_0000L, "TDX_NON_RECOVERABLE_TD");
    /** TDX_INTERRUPTED_RESUMABLE: an interrupt arrived; re-issue the same call to resume. */
    public static final TdxStatus INTERRUPTED_RESUMABLE = define(0x8000_0003_0000_0000L, "TDX_INTERRUPTED_RESUMABLE");
    /** TDX_INTERRUPTED_RESTARTABLE: an interrupt arrived; the call may be restarted from the beginning. */
    public static final TdxStatus INTERRUPTED_RESTARTABLE = define(0x8000_0004_0000_0000L, "TDX_INTERRUPTED_RESTARTABLE");
    /** TDX_NON_RECOVERABLE_TD_CORRUPTED_MD: TD metadata corrupted (async TD exit, e.g. SEAMDB failure). */
    public static final TdxStatus NON_RECOVERABLE_TD_CORRUPTED_MD = define(0x6000_000A_0000_0000L, "TDX_NON_RECOVERABLE_TD_CORRUPTED_MD");
    /** TDX_OPERAND_INVALID: the operand named by the low 32 bits is invalid. */
    public static final TdxStatus OPERAND_INVALID = define(0xC000_0100_0000_0000L, "TDX_OPERAND_INVALID");
    /** TDX_OPERAND_ADDR_RANGE_ERROR. */
    public static final TdxStatus OPERAND_ADDR_RANGE_ERROR = define(0xC000_0101_0000_0000L, "TDX_OPERAND_ADDR_RANGE_ERROR");
    /** TDX_OPERAND_BUSY: a resource lock was contended; retry. */
    public static final TdxStatus OPERAND_BUSY = define(0x8000_0200_0000_0000L, "TDX_OPERAND_BUSY");
    /** TDX_PREVIOUS_TLB_EPOCH_BUSY. */
    public static final TdxStatus PREVIOUS_TLB_EPOCH_BUSY = define(0x8000_0201_0000_0000L, "TDX_PREVIOUS_TLB_EPOCH_BUSY");
    /** TDX_SYS_BUSY. */
    public static final TdxStatus SYS_BUSY = define(0x8000_0202_0000_0000L, "TDX_SYS_BUSY");
    /** TDX_RND_NO_ENTROPY: RDRAND/RDSEED failed. */
    public static final TdxStatus RND_NO_ENTROPY = define(0x8000_0203_0000_0000L, "TDX_RND_NO_ENTROPY");
    /** TDX_OPERAND_BUSY_HOST_PRIORITY: reported to the TD as TDX_OPERAND_BUSY. */
    public static final TdxStatus OPERAND_BUSY_HOST_PRIORITY = define(0x8000_0204_0000_0000L, "TDX_OPERAND_BUSY_HOST_PRIORITY");
    /** TDX_PAGE_METADATA_INCORRECT. */
    public static final TdxStatus PAGE_METADATA_INCORRECT = define(0xC000_0300_0000_0000L, "TDX_PAGE_METADATA_INCORRECT");
    /** TDX_NO_VALID_VE_INFO: TDG.VP.VEINFO.GET with no #VE information pending. */
    public static final TdxStatus NO_VALID_VE_INFO = define(0xC000_0704_0000_0000L, "TDX_NO_VALID_VE_INFO");
    /** TDX_EPT_WALK_FAILED. */
    public static final TdxStatus EPT_WALK_FAILED = define(0xC000_0B00_0000_0000L, "TDX_EPT_WALK_FAILED");
    /** TDX_EPT_ENTRY_STATE_INCORRECT. */
    public static final TdxStatus EPT_ENTRY_STATE_INCORRECT = define(0xC000_0B0D_0000_0000L, "TDX_EPT_ENTRY_STATE_INCORRECT");
    /** TDX_PAGE_ALREADY_ACCEPTED: a warning (bit 63 clear); the low bits carry the EPT level already mapped. */
    public static final TdxStatus PAGE_ALREADY_ACCEPTED = define(0x0000_0B0A_0000_0000L, "TDX_PAGE_ALREADY_ACCEPTED");
    /** TDX_PAGE_SIZE_MISMATCH: the page is mapped at another size; the low bits carry the EPT level. */
    public static final TdxStatus PAGE_SIZE_MISMATCH = define(0xC000_0B0B_0000_0000L, "TDX_PAGE_SIZE_MISMATCH");
    /** TDX_METADATA_FIELD_ID_INCORRECT: TDG.VM.RD/WR with an unknown field id. */
    public static final TdxStatus METADATA_FIELD_ID_INCORRECT = define(0xC000_0C00_0000_0000L, "TDX_METADATA_FIELD_ID_INCORRECT");
    /** TDX_METADATA_FIELD_NOT_WRITABLE: TDG.VM.WR to a field (or bits) the TD may not write. */
    public static final TdxStatus METADATA_FIELD_NOT_WRITABLE = define(0xC000_0C01_0000_0000L, "TDX_METADATA_FIELD_NOT_WRITABLE");
    /** TDX_METADATA_FIELD_NOT_READABLE. */
    public static final TdxStatus METADATA_FIELD_NOT_READABLE = define(0xC000_0C02_0000_0000L, "TDX_METADATA_FIELD_NOT_READABLE");
    /** TDX_METADATA_FIELD_VALUE_NOT_VALID: TDG.VM.WR changed bits that must keep their value. */
    public static final TdxStatus METADATA_FIELD_VALUE_NOT_VALID = define(0xC000_0C03_0000_0000L, "TDX_METADATA_FIELD_VALUE_NOT_VALID");
    /** TDX_INVALID_REPORTMACSTRUCT: TDG.MR.VERIFYREPORT found a bad MAC or a foreign report. */
    public static final TdxStatus INVALID_REPORTMACSTRUCT = define(0xC000_1001_0000_0000L, "TDX_INVALID_REPORTMACSTRUCT");
    /** TDX_SW_ERROR: software-defined (Linux), class 0xFF. */
    public static final TdxStatus SW_ERROR = define(0x8000_FF00_0000_0000L, "TDX_SW_ERROR");
    /** TDX_SEAMCALL_VMFAILINVALID: software-defined (Linux). */
    public static final TdxStatus SEAMCALL_VMFAILINVALID = define(0x8000_FF00_FFFF_0000L, "TDX_SEAMCALL_VMFAILINVALID");
    /** TDX_SEAMCALL_GP: software-defined (Linux), #GP on the instruction. */
    public static final TdxStatus SEAMCALL_GP = define(0x8000_FF00_0000_000DL, "TDX_SEAMCALL_GP");
    /** TDX_SEAMCALL_UD: software-defined (Linux), #UD on the instruction. */
    public static final TdxStatus SEAMCALL_UD = define(0x8000_FF00_0000_0006L, "TDX_SEAMCALL_UD");

    private static TdxStatus define(long raw, String name) {
        NAMES.define(raw, name);
        return new TdxStatus(raw);
    }

    /** Bit 63: the call failed and its outputs are not valid. The only bit that decides success. */
    public boolean isError() {
        return raw < 0;
    }

    /** Whether RAX is exactly zero. */
    public boolean isSuccess() {
        return raw == 0;
    }

    /** Bit 62: NON_RECOVERABLE. */
    public boolean isNonRecoverable() {
        return (raw & (1L << 62)) != 0;
    }

    /** Bit 61: FATAL. */
    public boolean isFatal() {
        return (raw & (1L << 61)) != 0;
    }

    /** Bit 60: the host recoverability hint. */
    public boolean hostRecoverabilityHint() {
        return (raw & (1L << 60)) != 0;
    }

    /** Bits 47:40: the status class (0xFF is reserved for software-defined codes). */
    public int statusClass() {
        return (int) ((raw >>> 40) & 0xFF);
    }

    /** Bits 39:32: DETAILS_L1. */
    public int detailsL1() {
        return (int) ((raw >>> 32) & 0xFF);
    }

    /** Bits 31:0: the operand id, or DETAILS_L2 such as an EPT level. */
    public int operandId() {
        return (int) raw;
    }

    /** This status with bits 31:0 cleared: the code the named constants compare against. */
    public TdxStatus code() {
        return new TdxStatus(raw & CODE_MASK);
    }

    /** Whether this status has the same code (bits 63:32) as {@code other}, whatever the operand id. */
    public boolean is(TdxStatus other) {
        return (raw & CODE_MASK) == (other.raw & CODE_MASK);
    }

    /** This code with {@code operand} in bits 31:0, as the module's {@code api_error_with_operand_id}. */
    public TdxStatus withOperand(OperandId operand) {
        return withDetails(operand.id());
    }

    /** This code with {@code details} in bits 31:0 (an EPT level, for example). */
    public TdxStatus withDetails(int details) {
        return new TdxStatus((raw & CODE_MASK) | (details & 0xFFFF_FFFFL));
    }

    /** The spec name of the code (bits 63:32), if the tables name it. */
    public Optional<String> specName() {
        return NAMES.name(raw & CODE_MASK);
    }

    /** The number of named codes, for tests that sweep the table. */
    static int namedCount() {
        return NAMES.size();
    }

    /** {@code TDX_OPERAND_INVALID(RCX) 0xc000010000000001}: name, operand and the raw value. */
    @Override
    public String toString() {
        String hex = "0x" + String.format("%016x", raw);
        if (raw == 0) {
            return "TDX_SUCCESS";
        }
        String name = NAMES.describe(raw & CODE_MASK);
        int low = operandId();
        String detail = low == 0 ? "" : "(" + (statusClass() == 0x0B ? "level " + low : OperandId.of(low)) + ")";
        return name + detail + " " + hex;
    }
}
