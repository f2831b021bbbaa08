package io.github.tdx4j.abi;

import java.util.Optional;

/**
 * The exit reason reported for a virtualization exception (#VE) by TDG.VP.VEINFO.GET in RCX.
 *
 * <p>TDX Module ABI v1.5, "TDG.VP.VEINFO.GET Leaf" (the VMX basic exit reason); numbers as in Intel SDM Vol. 3,
 * "VMX Basic Exit Reasons", and Linux {@code arch/x86/include/uapi/asm/vmx.h}. An open value type: an
 * unnamed reason prints as {@code EXIT_REASON(0x…)}.
 *
 * @param raw the exit reason
 */
public record VeExitReason(long raw) {
    private static final CodeNames NAMES = new CodeNames("EXIT_REASON");

    /** EXIT_REASON_CPUID. */
    public static final VeExitReason CPUID = define(10, "CPUID");
    /** EXIT_REASON_HLT. */
    public static final VeExitReason HLT = define(12, "HLT");
    /** EXIT_REASON_INVD. */
    public static final VeExitReason INVD = define(13, "INVD");
    /** EXIT_REASON_VMCALL. */
    public static final VeExitReason VMCALL = define(18, "VMCALL");
    /** EXIT_REASON_IO_INSTRUCTION. */
    public static final VeExitReason IO_INSTRUCTION = define(30, "IO_INSTRUCTION");
    /** EXIT_REASON_MSR_READ. */
    public static final VeExitReason MSR_READ = define(31, "MSR_READ");
    /** EXIT_REASON_MSR_WRITE. */
    public static final VeExitReason MSR_WRITE = define(32, "MSR_WRITE");
    /** EXIT_REASON_MWAIT_INSTRUCTION. */
    public static final VeExitReason MWAIT_INSTRUCTION = define(36, "MWAIT_INSTRUCTION");
    /** EXIT_REASON_MONITOR_INSTRUCTION. */
    public static final VeExitReason MONITOR_INSTRUCTION = define(39, "MONITOR_INSTRUCTION");
    /** EXIT_REASON_EPT_VIOLATION: access to a shared GPA with no mapping (MMIO). */
    public static final VeExitReason EPT_VIOLATION = define(48, "EPT_VIOLATION");
    /** EXIT_REASON_EPT_MISCONFIG (host side only). */
    public static final VeExitReason EPT_MISCONFIG = define(49, "EPT_MISCONFIG");
    /** EXIT_REASON_WBINVD. */
    public static final VeExitReason WBINVD = define(54, "WBINVD");
    /** EXIT_REASON_TDCALL (host side only). */
    public static final VeExitReason TDCALL = define(77, "TDCALL");

    private static VeExitReason define(long raw, String name) {
        NAMES.define(raw, name);
        return new VeExitReason(raw);
    }

    public Optional<String> specName() {
        return NAMES.name(raw);
    }

    @Override
    public String toString() {
        return NAMES.describe(raw);
    }
}
