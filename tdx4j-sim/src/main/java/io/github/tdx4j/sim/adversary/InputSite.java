package io.github.tdx4j.sim.adversary;

import static io.github.tdx4j.sim.adversary.Fault.*;

import io.github.tdx4j.call.Origin;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every host-to-guest input point of the simulated platform, declared once. The {@link AdversarialVmm} and the
 * {@link FaultyModule} consult a site (read one decision from the {@link FaultTape}) exactly where the value enters
 * the guest, so this registry <em>is</em> the list of input sites: nothing decides a host-to-guest value without
 * naming its constant, and a full honest run touches every one (checked by a test).
 *
 * <p>Each site has the seam it belongs to ({@link Origin#VMM} or {@link Origin#TDX_MODULE}: every failure keeps its
 * origin) and its fault menu: the tape byte {@code b} selects {@code menu[(b − 1) % menu.length]}, 0 or an
 * exhausted tape selects {@link Fault#HONEST}. Menus of the module seam repeat HONEST so that random tapes mostly
 * exercise the VMM.
 */
public enum InputSite {
    EXIT_REGISTERS(Origin.VMM, "every TDVMCALL: registers outside the sub-function's outputs",
            HONEST, HONEST, GARBAGE_REGISTERS),
    CPUID_STATUS(Origin.VMM, "Instruction.CPUID: R10", statusMenu()),
    CPUID_OUTPUT(Origin.VMM, "Instruction.CPUID: R12..R15 = EAX..EDX",
            VALUE_ALL_ONES, VALUE_WIDE, VALUE_RANDOM, VALUE_ZERO, VALUE_SIGN, CPUID_FORGED_HYPERV, CPUID_FORGED_XEN,
            CPUID_MAX_LEAF),
    HLT_STATUS(Origin.VMM, "Instruction.HLT: R10", statusMenu()),
    IO_STATUS(Origin.VMM, "Instruction.IO: R10", statusMenu()),
    IO_IN_VALUE(Origin.VMM, "Instruction.IO IN: R11", valueMenu()),
    RDMSR_STATUS(Origin.VMM, "Instruction.RDMSR: R10", statusMenu()),
    RDMSR_VALUE(Origin.VMM, "Instruction.RDMSR: R11 = EDX:EAX", valueMenu()),
    WRMSR_STATUS(Origin.VMM, "Instruction.WRMSR: R10", statusMenu()),
    MMIO_STATUS(Origin.VMM, "#VE.RequestMMIO: R10", statusMenu()),
    MMIO_READ_VALUE(Origin.VMM, "#VE.RequestMMIO read: R11", valueMenu()),
    MAPGPA_CONVERSION(Origin.VMM, "MapGPA: what the host converts",
            HONEST, MAPGPA_LIE_SUCCESS, MAPGPA_FAIL_AFTER_CONVERT, MAPGPA_PARTIAL_THEN_FAIL),
    MAPGPA_STATUS(Origin.VMM, "MapGPA: R10 and the RETRY resume address R11",
            STATUS_SUCCESS, STATUS_RETRY, STATUS_TWO, STATUS_INVALID_OPERAND, STATUS_GPA_INUSE, STATUS_ALIGN_ERROR,
            STATUS_SUBFUNC_UNSUPPORTED, STATUS_MAX_POSITIVE, STATUS_RANDOM, RETRY_NO_PROGRESS, RETRY_NEXT_PAGE,
            RETRY_BELOW_START, RETRY_AT_END, RETRY_UNALIGNED, RETRY_RANDOM),
    GETQUOTE_STATUS(Origin.VMM, "GetQuote: R10", statusMenu()),
    GETQUOTE_COMPLETION_TIME(Origin.VMM, "GetQuote: when the request completes",
            QUOTE_NEVER, QUOTE_AT_DEADLINE, QUOTE_LATE, QUOTE_IMMEDIATE),
    GETQUOTE_BUFFER_STATUS(Origin.VMM, "GetQuote: the shared header's status word at completion",
            STATUS_SUCCESS, QUOTE_ERROR, QUOTE_UNAVAILABLE, QUOTE_STUCK_IN_FLIGHT, QUOTE_STATUS_RANDOM),
    GETQUOTE_OUT_LEN(Origin.VMM, "GetQuote: the shared header's out_len at completion",
            OUT_LEN_ZERO, OUT_LEN_ONE, OUT_LEN_ROOM, OUT_LEN_ROOM_PLUS_ONE, OUT_LEN_ALL_ONES, OUT_LEN_RANDOM),
    NOTIFY_STATUS(Origin.VMM, "SetupEventNotifyInterrupt: R10", statusMenu()),
    FATAL_ERROR_RESPONSE(Origin.VMM, "ReportFatalError: whether the host stops the TD", FATAL_IGNORED),
    INTERRUPT(Origin.VMM, "after every TDVMCALL: an interrupt, its vector and its timing",
            HONEST, HONEST, IRQ_NOTIFY, IRQ_0X80, IRQ_LOW_VECTOR, IRQ_RANDOM, IRQ_STORM, IRQ_DELAYED),
    PRIVATE_EPT_VIOLATION(Origin.VMM, "EPT violation on a private page: whether the host maps it",
            HONEST, HONEST, HONEST, EPT_REFUSE),

    MODULE_VMCALL(Origin.TDX_MODULE, "TDCALL(TDG.VP.VMCALL): RAX",
            HONEST, HONEST, HONEST, HONEST, HONEST, HONEST, HONEST, HONEST, HONEST, HONEST, HONEST, HONEST, HONEST,
            HONEST, MODULE_ERROR_NO_DETAILS, MODULE_VMCALL_FAILED),
    MODULE_VP_INFO(Origin.TDX_MODULE, "TDG.VP.INFO: RAX and GPAW (RCX[5:0])",
            HONEST, HONEST, HONEST, MODULE_GPAW_0, MODULE_GPAW_53, MODULE_GPAW_63, MODULE_OPERAND_INVALID),
    MODULE_VEINFO(Origin.TDX_MODULE, "TDG.VP.VEINFO.GET: RAX and the instruction length",
            HONEST, HONEST, HONEST, HONEST, HONEST, MODULE_NO_VALID_VE_INFO, MODULE_VE_LENGTH_ZERO),
    MODULE_ACCEPT(Origin.TDX_MODULE, "TDG.MEM.PAGE.ACCEPT: RAX",
            HONEST, HONEST, MODULE_OPERAND_BUSY, MODULE_INTERRUPTED_RESUMABLE, MODULE_ERROR_RANDOM),
    MODULE_REPORT(Origin.TDX_MODULE, "TDG.MR.REPORT: RAX",
            HONEST, HONEST, HONEST, MODULE_OPERAND_INVALID, MODULE_OPERAND_BUSY, MODULE_ERROR_RANDOM),
    MODULE_RTMR_EXTEND(Origin.TDX_MODULE, "TDG.MR.RTMR.EXTEND: RAX",
            HONEST, HONEST, HONEST, MODULE_OPERAND_INVALID, MODULE_OPERAND_BUSY, MODULE_ERROR_RANDOM),
    MODULE_VM_RD(Origin.TDX_MODULE, "TDG.VM.RD: RAX", HONEST, HONEST, HONEST, MODULE_ERROR_RANDOM),
    MODULE_VM_WR(Origin.TDX_MODULE, "TDG.VM.WR: RAX", HONEST, HONEST, HONEST, MODULE_OPERAND_INVALID);

    private final Origin seam;
    private final String description;
    // Unmodifiable (List.of in the constructor); the check cannot see that through the List type.
    @SuppressWarnings("ImmutableEnumChecker")
    private final List<Fault> menu;

    InputSite(Origin seam, String description, Fault... menu) {
        this.seam = seam;
        this.description = description;
        this.menu = List.of(menu);
    }

    private static Fault[] statusMenu() {
        return new Fault[] {STATUS_SUCCESS, STATUS_RETRY, STATUS_TWO, STATUS_INVALID_OPERAND, STATUS_GPA_INUSE,
                STATUS_ALIGN_ERROR, STATUS_SUBFUNC_UNSUPPORTED, STATUS_MAX_POSITIVE, STATUS_RANDOM};
    }

    private static Fault[] valueMenu() {
        return new Fault[] {VALUE_ALL_ONES, VALUE_WIDE, VALUE_RANDOM, VALUE_ZERO, VALUE_SIGN};
    }

    /** Whose input this is: {@link Origin#VMM} or {@link Origin#TDX_MODULE}. */
    public Origin seam() {
        return seam;
    }

    public String description() {
        return description;
    }

    /** The decisions tape byte 1, 2, … select, cyclically; byte 0 is always {@link Fault#HONEST}. */
    public List<Fault> menu() {
        return menu;
    }

    /** The fault for tape byte {@code b} (0..255; −1 when the tape is exhausted). */
    public Fault select(int b) {
        return b <= 0 ? HONEST : menu.get((b - 1) % menu.size());
    }

    /** The fault classes this site's menu exercises. */
    public Set<FaultClass> classes() {
        Set<FaultClass> s = EnumSet.noneOf(FaultClass.class);
        for (Fault f : menu) {
            if (f.faultClass() != null) {
                s.add(f.faultClass());
            }
        }
        return s;
    }
}
