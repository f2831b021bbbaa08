package io.github.tdx4j.sim;

/**
 * Which MSRs the TDX module lets run natively, which raise #VE (the guest asks the VMM with TDG.VP.VMCALL
 * &lt;Instruction.RDMSR/WRMSR&gt;), and which raise #GP.
 *
 * <p>Documentation/arch/x86/tdx.rst, "MSR access": three classes, "#GP generated", "#VE generated", "just works";
 * TDX Module ABI v1.5, "MSR Virtualization".
 */
// Deviation: the module's MSR bitmap has hundreds of entries; this table holds the MSRs a guest kernel touches on
// the paths modelled here and sends every other MSR to #VE. TDX Module ABI v1.5, "MSR Virtualization" table.
final class MsrPolicy {
    private MsrPolicy() {
    }

    enum Kind { NATIVE, VE, GP }

    static final long IA32_TIME_STAMP_COUNTER = 0x10;

    static Kind classify(long msr) {
        if (msr == IA32_TIME_STAMP_COUNTER || msr == 0x48 /* IA32_SPEC_CTRL */ || msr == 0x49 /* IA32_PRED_CMD */
                || (msr >= 0x174 && msr <= 0x176) /* IA32_SYSENTER_CS/ESP/EIP */
                || msr == 0x1D9 /* IA32_DEBUGCTL */ || msr == 0xDA0 /* IA32_XSS */
                || (msr >= 0xC000_0081L && msr <= 0xC000_0084L) /* STAR, LSTAR, CSTAR, FMASK */
                || (msr >= 0xC000_0100L && msr <= 0xC000_0103L) /* FS_BASE, GS_BASE, KERNEL_GS_BASE, TSC_AUX */
                || msr == 0x808 || msr == 0x80A || msr == 0x80B /* x2APIC TPR, PPR, EOI: virtualized by the CPU */
                || (msr >= 0x810 && msr <= 0x827) /* x2APIC ISR, TMR, IRR */ || msr == 0x83F /* x2APIC SELF_IPI */) {
            return Kind.NATIVE;
        }
        if ((msr >= 0x480 && msr <= 0x492) /* IA32_VMX_* */ || msr == 0x9B /* IA32_SMM_MONITOR_CTL */
                || msr == 0x9E /* IA32_SMBASE */ || (msr >= 0x8C && msr <= 0x8F) /* IA32_SGXLEPUBKEYHASH* */) {
            return Kind.GP;
        }
        return Kind.VE;
    }
}
