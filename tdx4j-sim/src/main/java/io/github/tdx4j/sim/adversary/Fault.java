package io.github.tdx4j.sim.adversary;

/**
 * One decision an adversary can take at an input site: answer honestly, or one concrete fault of a
 * {@link FaultClass}. Malformed values (undefined statuses, lengths beyond the buffer) and well-formed but chosen
 * ones (a forced SUCCESS, a forged hypervisor signature, a quote completing exactly at the deadline) both appear,
 * plus timing (interrupts now or later, quotes never or late). A closed set we produce.
 *
 * <p>{@link #needsValue()} faults read eight more tape bytes as their value.
 */
public enum Fault {
    /** Leave the honest answer unchanged. */
    HONEST(null, false),

    // ---- B: R10 ----
    /** R10 := TDVMCALL_STATUS_SUCCESS, whatever the honest VMM answered. */
    STATUS_SUCCESS(FaultClass.B, false),
    /** R10 := TDVMCALL_STATUS_RETRY (1). */
    STATUS_RETRY(FaultClass.B, false),
    /** R10 := 2, a value the GHCI does not define. */
    STATUS_TWO(FaultClass.B, false),
    /** R10 := TDVMCALL_STATUS_INVALID_OPERAND. */
    STATUS_INVALID_OPERAND(FaultClass.B, false),
    /** R10 := TDVMCALL_STATUS_GPA_INUSE. */
    STATUS_GPA_INUSE(FaultClass.B, false),
    /** R10 := TDVMCALL_STATUS_ALIGN_ERROR. */
    STATUS_ALIGN_ERROR(FaultClass.B, false),
    /** R10 := TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED. */
    STATUS_SUBFUNC_UNSUPPORTED(FaultClass.B, false),
    /** R10 := 0x7FFF_FFFF_FFFF_FFFF (error bit clear, not success). */
    STATUS_MAX_POSITIVE(FaultClass.B, false),
    /** R10 := a random value other than 0 and 1. */
    STATUS_RANDOM(FaultClass.B, true),

    // ---- C: MapGPA RETRY with a chosen R11 ----
    /** RETRY, R11 = the start GPA of the call: no progress. */
    RETRY_NO_PROGRESS(FaultClass.C, false),
    /** RETRY, R11 = start + 4 KiB: the slowest legal progress. */
    RETRY_NEXT_PAGE(FaultClass.C, false),
    /** RETRY, R11 = start − 4 KiB: outside the range. */
    RETRY_BELOW_START(FaultClass.C, false),
    /** RETRY, R11 = end: outside the range. */
    RETRY_AT_END(FaultClass.C, false),
    /** RETRY, R11 = start + 2 KiB: not page-aligned. */
    RETRY_UNALIGNED(FaultClass.C, false),
    /** RETRY, R11 random. */
    RETRY_RANDOM(FaultClass.C, true),

    // ---- D: output and other registers ----
    /** Every register the sub-function does not define as output, R10 aside, := random. */
    GARBAGE_REGISTERS(FaultClass.D, true),
    /** The output value := all ones. */
    VALUE_ALL_ONES(FaultClass.D, false),
    /** The output value keeps its low byte and gets random bits above it (wider than the access). */
    VALUE_WIDE(FaultClass.D, true),
    /** The output value := random. */
    VALUE_RANDOM(FaultClass.D, true),
    /** The output value := 0. */
    VALUE_ZERO(FaultClass.D, false),
    /** The output value with bit 63 set. */
    VALUE_SIGN(FaultClass.D, false),

    // ---- E: GetQuote out_len ----
    /** out_len := 0 with the status left as is. */
    OUT_LEN_ZERO(FaultClass.E, false),
    /** out_len := 1. */
    OUT_LEN_ONE(FaultClass.E, false),
    /** out_len := buffer size − 24, the largest legal value. */
    OUT_LEN_ROOM(FaultClass.E, false),
    /** out_len := buffer size − 23, one beyond. */
    OUT_LEN_ROOM_PLUS_ONE(FaultClass.E, false),
    /** out_len := 0xFFFFFFFF. */
    OUT_LEN_ALL_ONES(FaultClass.E, false),
    /** out_len := random 32 bits. */
    OUT_LEN_RANDOM(FaultClass.E, true),

    // ---- F: CPUID 0x40000000.. ----
    /** Hypervisor signature "Microsoft Hv". */
    CPUID_FORGED_HYPERV(FaultClass.F, false),
    /** Hypervisor signature "XenVMMXenVMM". */
    CPUID_FORGED_XEN(FaultClass.F, false),
    /** EAX (max hypervisor leaf) := 0xFFFFFFFF, upper halves of all four outputs random. */
    CPUID_MAX_LEAF(FaultClass.F, true),

    // ---- G: GetQuote buffer and timing ----
    /** Status word := GET_QUOTE_ERROR at completion. */
    QUOTE_ERROR(FaultClass.G, false),
    /** Status word := GET_QUOTE_SERVICE_UNAVAILABLE at completion. */
    QUOTE_UNAVAILABLE(FaultClass.G, false),
    /** Status word stays GET_QUOTE_IN_FLIGHT at completion. */
    QUOTE_STUCK_IN_FLIGHT(FaultClass.G, false),
    /** Status word := a random value other than SUCCESS. */
    QUOTE_STATUS_RANDOM(FaultClass.G, true),
    /** The request never completes. */
    QUOTE_NEVER(FaultClass.G, false),
    /** The request completes exactly 30 s (Linux's timeout) after it was made. */
    QUOTE_AT_DEADLINE(FaultClass.G, false),
    /** The request completes 1 ns after 30 s. */
    QUOTE_LATE(FaultClass.G, false),
    /** The request completes at once. */
    QUOTE_IMMEDIATE(FaultClass.G, false),

    // ---- H: MapGPA conversions ----
    /** SUCCESS without converting anything. */
    MAPGPA_LIE_SUCCESS(FaultClass.H, false),
    /** Converts the whole range, then answers INVALID_OPERAND. */
    MAPGPA_FAIL_AFTER_CONVERT(FaultClass.H, false),
    /** Converts the first page only, then answers INVALID_OPERAND with R11 at the second page. */
    MAPGPA_PARTIAL_THEN_FAIL(FaultClass.H, false),

    // ---- I: interrupts and EPT events ----
    /** Injects the registered notify vector (or 0xF3) though nothing completed. */
    IRQ_NOTIFY(FaultClass.I, false),
    /** Injects vector 0x80 (Heckler, CVE-2024-25744). */
    IRQ_0X80(FaultClass.I, false),
    /** Tries to inject a vector 0..30, which the TDX module does not let a VMM post. */
    IRQ_LOW_VECTOR(FaultClass.I, true),
    /** Injects a random vector 32..255. */
    IRQ_RANDOM(FaultClass.I, true),
    /** Injects 64 random vectors 32..255 at once. */
    IRQ_STORM(FaultClass.I, true),
    /** Schedules a random vector 32..255 up to ~268 ms later. */
    IRQ_DELAYED(FaultClass.I, true),
    /** Refuses to map a private page the guest needs (TDH.MEM.PAGE.AUG not done): the TD cannot continue. */
    EPT_REFUSE(FaultClass.I, false),

    // ---- B: ReportFatalError answered ----
    /** Answers ReportFatalError with SUCCESS and does not stop the TD. */
    FATAL_IGNORED(FaultClass.B, false),

    // ---- A: the TDX module ----
    /** TDCALL(TDG.VP.VMCALL) returns RAX = TDX_OPERAND_INVALID without running the call. */
    MODULE_VMCALL_FAILED(FaultClass.A, false),
    /** TDG.VP.INFO reports GPAW 0. */
    MODULE_GPAW_0(FaultClass.A, false),
    /** TDG.VP.INFO reports GPAW 53. */
    MODULE_GPAW_53(FaultClass.A, false),
    /** TDG.VP.INFO reports GPAW 63. */
    MODULE_GPAW_63(FaultClass.A, false),
    /** TDG.VP.VEINFO.GET returns TDX_NO_VALID_VE_INFO. */
    MODULE_NO_VALID_VE_INFO(FaultClass.A, false),
    /** TDG.VP.VEINFO.GET reports instruction length 0. */
    MODULE_VE_LENGTH_ZERO(FaultClass.A, false),
    /** The leaf returns TDX_OPERAND_BUSY (allowed where the spec has contention). */
    MODULE_OPERAND_BUSY(FaultClass.A, false),
    /** The leaf returns TDX_INTERRUPTED_RESUMABLE (allowed for interruptible leaves such as PAGE.ACCEPT). */
    MODULE_INTERRUPTED_RESUMABLE(FaultClass.A, false),
    /** The leaf returns TDX_OPERAND_INVALID. */
    MODULE_OPERAND_INVALID(FaultClass.A, false),
    /** The leaf returns a random error status (bit 63 set). */
    MODULE_ERROR_RANDOM(FaultClass.A, true),
    /**
     * The leaf returns an error status without details: bit 63 set, a random class and code in bits 47:32, bits 31:0
     * zero (Intel TDX Module ABI Specification v1.5, "Function Completion Status Codes": bits 31:0 hold the operand
     * ID or other details, and a status without them leaves them 0). A caller that tests only RAX[31:0] takes it
     * for TDX_SUCCESS.
     */
    MODULE_ERROR_NO_DETAILS(FaultClass.A, true);

    private final FaultClass faultClass;
    private final boolean needsValue;

    Fault(FaultClass faultClass, boolean needsValue) {
        this.faultClass = faultClass;
        this.needsValue = needsValue;
    }

    /** The class this fault belongs to; null for {@link #HONEST}. */
    public FaultClass faultClass() {
        return faultClass;
    }

    /** Whether the fault reads a 64-bit value from the tape. */
    public boolean needsValue() {
        return needsValue;
    }
}
