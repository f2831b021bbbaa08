package io.github.tdx4j.sim;

import io.github.tdx4j.abi.TdxIdentity;
import java.nio.charset.StandardCharsets;

/**
 * The CPUID leaves the TDX module answers itself (natively, no #VE), and the values it gives.
 *
 * <p>TDX Module ABI v1.5, "CPUID Virtualization": the module synthesises the basic leaves 0..0x23 and the extended
 * leaves 0x80000000..0x80000008; leaf 0x21 returns "IntelTDX    " (EBX, EDX, ECX); any other leaf, the hypervisor
 * range 0x40000000..0x4FFFFFFF included, raises #VE and the guest may ask the VMM (Documentation/arch/x86/tdx.rst).
 */
// Deviation: values are a plausible Sapphire Rapids subset (vendor, family, hypervisor bit, x2APIC, address
// sizes); leaves the model does not fill read as zero rather than the host's configured values.
// TDX Module ABI v1.5, "CPUID Virtualization" (the CPUID configuration table).
final class CpuidModel {
    private static final int MAX_BASIC = 0x23;
    private static final long MAX_EXTENDED = 0x8000_0008L;
    private final TdConfig config;

    CpuidModel(TdConfig config) {
        this.config = config;
    }

    /** {EAX, EBX, ECX, EDX}, or null if the leaf raises #VE. */
    long[] nativeValue(Vcpu v, int leaf, int subleaf) {
        long l = leaf & 0xFFFF_FFFFL;
        boolean basic = l <= MAX_BASIC;
        boolean extended = l >= 0x8000_0000L && l <= MAX_EXTENDED;
        if (!basic && !extended) {
            return null;
        }
        long[] r = new long[4];
        if (l == 0) {
            r[0] = MAX_BASIC;
            r[1] = word("Genu");
            r[3] = word("ineI");
            r[2] = word("ntel");
        } else if (l == 1) {
            r[0] = 0x000806F8L; // family 6, model 0x8F (Sapphire Rapids), stepping 8
            r[1] = ((long) v.index() << 24) | (1L << 16) | (8L << 8);
            r[2] = (1L << 31) /* hypervisor */ | (1L << 21) /* x2APIC */ | (1L << 26) /* XSAVE */;
            r[3] = (1L << 0) | (1L << 4) | (1L << 5) | (1L << 6) | (1L << 8) | (1L << 15) | (1L << 25) | (1L << 26);
        } else if (l == TdxIdentity.CPUID_LEAF_ID) {
            r[1] = word(TdxIdentity.IDENT.substring(0, 4));
            r[3] = word(TdxIdentity.IDENT.substring(4, 8));
            r[2] = word(TdxIdentity.IDENT.substring(8, 12));
        } else if (l == 0x8000_0000L) {
            r[0] = MAX_EXTENDED;
        } else if (l == 0x8000_0008L) {
            // EAX[7:0] physical address bits = GPAW, EAX[15:8] linear address bits.
            r[0] = config.gpaw() | ((config.gpaw() == 52 ? 57L : 48L) << 8);
        }
        return r;
    }

    private static long word(String four) {
        byte[] b = four.getBytes(StandardCharsets.US_ASCII);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (long) (b[3] & 0xFF) << 24;
    }
}
