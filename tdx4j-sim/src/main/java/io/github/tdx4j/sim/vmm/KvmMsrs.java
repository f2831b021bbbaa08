package io.github.tdx4j.sim.vmm;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The MSRs KVM emulates for a TD, and which of them are read-only: Linux 6.16 {@code arch/x86/kvm/vmx/tdx.c}
 * ({@code tdx_has_emulated_msr}, {@code tdx_is_read_only_msr}). MSR numbers are those of the Intel SDM Vol. 4,
 * "Model-Specific Registers", and of Linux {@code arch/x86/include/asm/msr-index.h}.
 */
final class KvmMsrs {
    static final long MSR_IA32_APICBASE = 0x1B;
    static final long MSR_IA32_FEAT_CTL = 0x3A;
    static final long MSR_IA32_UCODE_REV = 0x8B;
    static final long MSR_IA32_ARCH_CAPABILITIES = 0x10A;
    static final long MSR_PLATFORM_INFO = 0xCE;
    static final long MSR_MTRRCAP = 0xFE;
    static final long MSR_MISC_FEATURES_ENABLES = 0x140;
    static final long MSR_IA32_MCG_CAP = 0x179;
    /** MSR_IA32_MCG_STATUS (0x17A) and MSR_IA32_MCG_CTL (0x17B) follow MCG_CAP. */
    static final long MSR_IA32_MCG_CTL = 0x17B;
    static final long MSR_IA32_MISC_ENABLE = 0x1A0;
    static final long MSR_IA32_POWER_CTL = 0x1FC;
    /** The variable and fixed MTRRs, MSR_MTRRphysBase0 (0x200) to MSR_MTRRdefType (0x2FF). */
    static final long MSR_MTRR_FIRST = 0x200;
    static final long MSR_MTRR_LAST = 0x2FF;
    static final long MSR_IA32_CR_PAT = 0x277;
    /** MSR_IA32_MCx_CTL2 of bank 0; one per bank. */
    static final long MSR_IA32_MC0_CTL2 = 0x280;
    /** MSR_IA32_MCx_CTL of bank 0; CTL, STATUS, ADDR, MISC per bank. */
    static final long MSR_IA32_MC0_CTL = 0x400;
    static final long MSR_IA32_MCG_EXT_CTL = 0x4D0;
    static final long MSR_IA32_TSC_DEADLINE = 0x6E0;
    /** The x2APIC register range, MSRs 0x800..0x8FF. */
    static final long X2APIC_FIRST = 0x800;
    static final long X2APIC_LAST = 0x8FF;
    static final long X2APIC_TPR = 0x808;
    static final long X2APIC_PPR = 0x80A;
    static final long X2APIC_EOI = 0x80B;
    /** ISR, TMR and IRR, 8 MSRs each, from 0x810 to 0x827. */
    static final long X2APIC_ISR0 = 0x810;
    static final long X2APIC_IRR7 = 0x827;
    static final long MSR_KVM_POLL_CONTROL = 0x4B56_4D05L;
    static final long MSR_EFER = 0xC000_0080L;
    /** The machine-check banks KVM gives a guest (KVM_MAX_MCE_BANKS). */
    static final int MCE_BANKS = 32;

    private final Map<Long, Long> values = new HashMap<>();

    KvmMsrs() {
        values.put(MSR_IA32_APICBASE, 0xFEE0_0000L | (1L << 11) | (1L << 10) | (1L << 8)); // x2APIC, enabled, BSP
        values.put(MSR_EFER, (1L << 0) | (1L << 8) | (1L << 10) | (1L << 11)); // SCE, LME, LMA, NXE
        values.put(MSR_IA32_FEAT_CTL, 1L); // locked
        values.put(MSR_IA32_MISC_ENABLE, 0x1800L); // BTS and PEBS unavailable, as KVM's default
        values.put(MSR_IA32_CR_PAT, 0x0007_0406_0007_0406L);
        values.put(MSR_MTRRCAP, 0x508L);
        values.put(MSR_IA32_MCG_CAP, MCE_BANKS | (1L << 8)); // 32 banks, MCG_CTL_P
    }

    /** Whether KVM emulates {@code msr} for a TD (the others the TDX module virtualizes or refuses). */
    static boolean emulated(long msr) {
        if (msr >= X2APIC_FIRST && msr <= X2APIC_LAST) {
            // x2APIC registers the CPU virtualizes are not KVM's to emulate: TPR, PPR, EOI, ISR, TMR, IRR.
            return !(msr == X2APIC_TPR || msr == X2APIC_PPR || msr == X2APIC_EOI
                    || (msr >= X2APIC_ISR0 && msr <= X2APIC_IRR7));
        }
        return msr == MSR_IA32_UCODE_REV || msr == MSR_IA32_ARCH_CAPABILITIES || msr == MSR_IA32_POWER_CTL
                || msr == MSR_IA32_CR_PAT || msr == MSR_MTRRCAP || (msr >= MSR_MTRR_FIRST && msr <= MSR_MTRR_LAST)
                || msr == MSR_IA32_TSC_DEADLINE || msr == MSR_IA32_MISC_ENABLE || msr == MSR_PLATFORM_INFO
                || msr == MSR_MISC_FEATURES_ENABLES || msr == MSR_IA32_APICBASE || msr == MSR_EFER
                || msr == MSR_IA32_FEAT_CTL || (msr >= MSR_IA32_MCG_CAP && msr <= MSR_IA32_MCG_CTL)
                || msr == MSR_IA32_MCG_EXT_CTL || (msr >= MSR_IA32_MC0_CTL && msr < MSR_IA32_MC0_CTL + 4 * MCE_BANKS)
                || (msr >= MSR_IA32_MC0_CTL2 && msr < MSR_IA32_MC0_CTL2 + MCE_BANKS) || msr == MSR_KVM_POLL_CONTROL;
    }

    /** Whether a guest write to the emulated {@code msr} is refused. */
    static boolean readOnly(long msr) {
        return msr == MSR_IA32_APICBASE || msr == MSR_EFER || msr == MSR_IA32_FEAT_CTL
                || msr == MSR_IA32_ARCH_CAPABILITIES || msr == MSR_PLATFORM_INFO || msr == MSR_MTRRCAP
                || msr == MSR_IA32_MCG_CAP || msr == MSR_IA32_UCODE_REV;
    }

    /** The value of an emulated MSR (0 if never written), or empty if KVM does not emulate it. */
    OptionalLong read(long msr) {
        return emulated(msr) ? OptionalLong.of(values.getOrDefault(msr, 0L)) : OptionalLong.empty();
    }

    /** Stores {@code value}; the caller has checked that the MSR is emulated and writable. */
    void write(long msr, long value) {
        values.put(msr, value);
    }
}
