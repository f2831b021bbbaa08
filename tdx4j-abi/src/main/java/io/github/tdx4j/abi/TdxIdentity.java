package io.github.tdx4j.abi;

/**
 * How a guest recognises that it runs in a TD.
 *
 * <p>TDX Module ABI v1.5, "CPUID Virtualization" (leaf 0x21 returns the vendor string "IntelTDX    " in
 * EBX, EDX, ECX); Linux {@code TDX_CPUID_LEAF_ID} and {@code TDX_IDENT}.
 */
public final class TdxIdentity {
    private TdxIdentity() {
    }

    /** TDX_CPUID_LEAF_ID. */
    public static final int CPUID_LEAF_ID = 0x21;
    /** TDX_IDENT: twelve ASCII bytes, EBX then EDX then ECX. */
    public static final String IDENT = "IntelTDX    ";
    /** TDX_HYPERCALL_STANDARD: R10 = 0 selects the GHCI-defined TDVMCALLs; any other value is vendor-specific. */
    public static final long TDX_HYPERCALL_STANDARD = 0;
    /** The hypervisor CPUID range forwarded to the VMM by the #VE handler: 0x40000000..0x4FFFFFFF. */
    public static final int CPUID_HYPERVISOR_FIRST = 0x4000_0000;
    public static final int CPUID_HYPERVISOR_LAST = 0x4FFF_FFFF;
}
