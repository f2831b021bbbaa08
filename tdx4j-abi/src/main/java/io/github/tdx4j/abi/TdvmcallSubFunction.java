package io.github.tdx4j.abi;

import java.util.Optional;

/**
 * A TDVMCALL sub-function: the value in R11 of a standard (R10 = 0) TDG.VP.VMCALL.
 *
 * <p>GHCI 1.5, "TDG.VP.VMCALL Interface" (the sub-function table). The instruction sub-functions reuse the VMX
 * basic exit-reason numbers of the instruction they stand for; GHCI defines them separately and they merely
 * match today (Linux {@code hcall_func()} says the same). An open value type: the simulated VMM receives any
 * value, an unnamed one prints as {@code SUBFUNCTION(0x…)}.
 *
 * @param raw the 64-bit R11 value
 */
public record TdvmcallSubFunction(long raw) {
    private static final CodeNames NAMES = new CodeNames("SUBFUNCTION");

    /** TDG.VP.VMCALL&lt;Instruction.CPUID&gt;; GHCI 1.5, "TDG.VP.VMCALL&lt;Instruction.CPUID&gt;". */
    public static final TdvmcallSubFunction INSTRUCTION_CPUID = define(10, "Instruction.CPUID");
    /** TDG.VP.VMCALL&lt;Instruction.HLT&gt;; GHCI 1.5, "TDG.VP.VMCALL&lt;Instruction.HLT&gt;". */
    public static final TdvmcallSubFunction INSTRUCTION_HLT = define(12, "Instruction.HLT");
    /** TDG.VP.VMCALL&lt;Instruction.IO&gt;; GHCI 1.5, "TDG.VP.VMCALL&lt;Instruction.IO&gt;". */
    public static final TdvmcallSubFunction INSTRUCTION_IO = define(30, "Instruction.IO");
    /** TDG.VP.VMCALL&lt;Instruction.RDMSR&gt;; GHCI 1.5, "TDG.VP.VMCALL&lt;Instruction.RDMSR&gt;". */
    public static final TdvmcallSubFunction INSTRUCTION_RDMSR = define(31, "Instruction.RDMSR");
    /** TDG.VP.VMCALL&lt;Instruction.WRMSR&gt;; GHCI 1.5, "TDG.VP.VMCALL&lt;Instruction.WRMSR&gt;". */
    public static final TdvmcallSubFunction INSTRUCTION_WRMSR = define(32, "Instruction.WRMSR");
    /** TDG.VP.VMCALL&lt;#VE.RequestMMIO&gt;; GHCI 1.5, "TDG.VP.VMCALL&lt;#VE.RequestMMIO&gt;". */
    public static final TdvmcallSubFunction VE_REQUEST_MMIO = define(48, "#VE.RequestMMIO");
    /** TDG.VP.VMCALL&lt;GetTdVmCallInfo&gt;; GHCI 1.5, "TDG.VP.VMCALL&lt;GetTdVmCallInfo&gt;". */
    public static final TdvmcallSubFunction GET_TD_VM_CALL_INFO = define(0x10000, "GetTdVmCallInfo");
    /** TDG.VP.VMCALL&lt;MapGPA&gt;; GHCI 1.5, "TDG.VP.VMCALL&lt;MapGPA&gt;". */
    public static final TdvmcallSubFunction MAP_GPA = define(0x10001, "MapGPA");
    /** TDG.VP.VMCALL&lt;GetQuote&gt;; GHCI 1.5, "TDG.VP.VMCALL&lt;GetQuote&gt;". */
    public static final TdvmcallSubFunction GET_QUOTE = define(0x10002, "GetQuote");
    /** TDG.VP.VMCALL&lt;ReportFatalError&gt;; GHCI 1.5, "TDG.VP.VMCALL&lt;ReportFatalError&gt;". */
    public static final TdvmcallSubFunction REPORT_FATAL_ERROR = define(0x10003, "ReportFatalError");
    /** TDG.VP.VMCALL&lt;SetupEventNotifyInterrupt&gt;; GHCI 1.5, "TDG.VP.VMCALL&lt;SetupEventNotifyInterrupt&gt;". */
    public static final TdvmcallSubFunction SETUP_EVENT_NOTIFY_INTERRUPT = define(0x10004, "SetupEventNotifyInterrupt");
    /** TDG.VP.VMCALL&lt;Service&gt;; GHCI 1.5, "TDG.VP.VMCALL&lt;Service&gt;". */
    public static final TdvmcallSubFunction SERVICE = define(0x10005, "Service");

    private static TdvmcallSubFunction define(long raw, String name) {
        NAMES.define(raw, name);
        return new TdvmcallSubFunction(raw);
    }

    public Optional<String> specName() {
        return NAMES.name(raw);
    }

    public boolean isKnown() {
        return specName().isPresent();
    }

    @Override
    public String toString() {
        return NAMES.describe(raw);
    }
}
