package io.github.tdx4j.trace.internal;

import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdcsField;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.VeInfo;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.trace.TraceEvent;

/**
 * One readable line per TDCALL, TDVMCALL and #VE, for someone learning TDX: the leaf's spec name, the registers
 * that matter for that leaf decoded (a port and a value, a GPA and a page size, a TDCS field by name), the status
 * and, when something failed, whose fault it is. {@code sharedMask} is the TD's shared bit, to tell a MapGPA to
 * shared from one to private.
 */
public final class TraceFormatter {
    private TraceFormatter() {
    }

    public static String line(TraceEvent e, long sharedMask) {
        String origin = e.origin() == null ? "" : "   [" + e.origin() + "]";
        return switch (e) {
            case TraceEvent.Tdcall t -> String.format("TDCALL   %-20s %s -> %s%s", t.leaf(), tdcallArgs(t), t.status(),
                    origin);
            case TraceEvent.Tdvmcall v -> String.format("TDVMCALL %-20s %s -> %s%s", v.leaf(),
                    vmcallArgs(v, sharedMask), v.status(), origin);
            case TraceEvent.Ve ve -> String.format("#VE      %-20s RIP=%#x -> %s%s",
                    ve.leaf() + "(" + ve.exitReason().raw() + ")", ve.rip(), ve.outcome(), origin);
        };
    }

    /** The key input and output registers of a module leaf, decoded. */
    public static String tdcallArgs(TraceEvent.Tdcall t) {
        Registers in = t.in();
        Registers out = t.out();
        TdcallLeaf leaf = t.tdcallLeaf();
        if (leaf.equals(TdcallLeaf.TDG_VP_INFO)) {
            return String.format("GPAW=%d ATTRIBUTES=%s", out.rcx() & 0x3F, new TdAttributes(out.rdx()));
        }
        if (leaf.equals(TdcallLeaf.TDG_VP_VEINFO_GET)) {
            VeInfo v = VeInfo.ofRegisters(out.rcx(), out.rdx(), out.r8(), out.r9(), out.r10());
            return String.format("exit=%s qualification=%#x GPA=%#x length=%d", v.exitReason(),
                    v.exitQualification(), v.gpa(), v.instructionLength());
        }
        if (leaf.equals(TdcallLeaf.TDG_VM_RD)) {
            return String.format("field=%s -> %#x", new TdcsField(in.rdx()), out.r8());
        }
        if (leaf.equals(TdcallLeaf.TDG_VM_WR)) {
            return String.format("field=%s value=%#x mask=%#x", new TdcsField(in.rdx()), in.r8(), in.r9());
        }
        if (leaf.equals(TdcallLeaf.TDG_MEM_PAGE_ACCEPT)) {
            PageLevel level = PageLevel.ofLevel(in.rcx() & 7);
            return String.format("GPA=%#x size=%s", in.rcx() & ~0xFFFL, level == null ? "?" : switch (level) {
                case SIZE_4K -> "4K";
                case SIZE_2M -> "2M";
                case SIZE_1G -> "1G";
            });
        }
        if (leaf.equals(TdcallLeaf.TDG_MR_REPORT)) {
            return String.format("TDREPORT@%#x REPORTDATA@%#x", in.rcx(), in.rdx());
        }
        if (leaf.equals(TdcallLeaf.TDG_MR_RTMR_EXTEND)) {
            return String.format("RTMR%d digest@%#x", in.rdx(), in.rcx());
        }
        return String.format("RCX=%#x RDX=%#x R8=%#x", in.rcx(), in.rdx(), in.r8());
    }

    /** The key argument registers of a TDVMCALL sub-function, decoded. */
    public static String vmcallArgs(TraceEvent.Tdvmcall v, long sharedMask) {
        Registers in = v.in();
        Registers out = v.out();
        if (in.r10() != 0) {
            return String.format("R11=%#x R12=%#x", in.r11(), in.r12());
        }
        TdvmcallSubFunction fn = new TdvmcallSubFunction(in.r11());
        if (fn.equals(TdvmcallSubFunction.INSTRUCTION_IO)) {
            boolean write = in.r13() == 1;
            return write ? String.format("OUT %d byte(s) port %#x value %#x", in.r12(), in.r14(), in.r15())
                    : String.format("IN %d byte(s) port %#x -> R11=%#x", in.r12(), in.r14(), out.r11());
        }
        if (fn.equals(TdvmcallSubFunction.VE_REQUEST_MMIO)) {
            boolean write = in.r13() == 1;
            return write ? String.format("write %d byte(s) GPA %#x value %#x (R15)", in.r12(), in.r14(), in.r15())
                    : String.format("read %d byte(s) GPA %#x, R15=%#x -> R11=%#x", in.r12(), in.r14(), in.r15(),
                    out.r11());
        }
        if (fn.equals(TdvmcallSubFunction.INSTRUCTION_CPUID)) {
            return String.format("leaf %#x subleaf %#x -> EAX=%#x EBX=%#x ECX=%#x EDX=%#x", in.r12(), in.r13(),
                    out.r12(), out.r13(), out.r14(), out.r15());
        }
        if (fn.equals(TdvmcallSubFunction.INSTRUCTION_RDMSR)) {
            return String.format("MSR %#x -> %#x", in.r12(), out.r11());
        }
        if (fn.equals(TdvmcallSubFunction.INSTRUCTION_WRMSR)) {
            return String.format("MSR %#x value %#x", in.r12(), in.r13());
        }
        if (fn.equals(TdvmcallSubFunction.INSTRUCTION_HLT)) {
            return "interrupts " + (in.r12() != 0 ? "blocked (R12=1)" : "enabled (R12=0)");
        }
        if (fn.equals(TdvmcallSubFunction.MAP_GPA)) {
            String to = (in.r12() & sharedMask) != 0 ? "shared" : "private";
            return String.format("GPA %#x length %#x (to %s)%s", in.r12(), in.r13(), to,
                    out.rax() == 0 && out.r10() != 0 ? String.format(" R11=%#x", out.r11()) : "");
        }
        if (fn.equals(TdvmcallSubFunction.GET_QUOTE)) {
            return String.format("buffer %#x size %#x", in.r12(), in.r13());
        }
        if (fn.equals(TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT)) {
            return String.format("vector %#x", in.r12());
        }
        if (fn.equals(TdvmcallSubFunction.REPORT_FATAL_ERROR)) {
            return String.format("error code %#x", in.r12());
        }
        return String.format("R12=%#x R13=%#x R14=%#x R15=%#x", in.r12(), in.r13(), in.r14(), in.r15());
    }
}
