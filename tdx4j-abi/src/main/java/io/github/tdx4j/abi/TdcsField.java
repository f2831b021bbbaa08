package io.github.tdx4j.abi;

import java.util.Optional;

/**
 * A TD-scope metadata field identifier, the RDX input of TDG.VM.RD and TDG.VM.WR.
 *
 * <p>TDX Module ABI v1.5, "TDCS Metadata Fields" (field identifiers as 64-bit values); values as in Linux
 * {@code asm/shared/tdx.h} ({@code TDCS_*}). An open value type. Bit constants of the fields' contents follow.
 *
 * @param raw the 64-bit field identifier
 */
public record TdcsField(long raw) {
    private static final CodeNames NAMES = new CodeNames("TDCS_FIELD");

    /** TDCS.CONFIG_FLAGS: read-only TD configuration flags. */
    public static final TdcsField CONFIG_FLAGS = define(0x1110_0003_0000_0016L, "CONFIG_FLAGS");
    /** TDCS.TD_CTLS: TD controls the guest may change (PENDING_VE_DISABLE, ENUM_TOPOLOGY, ...). */
    public static final TdcsField TD_CTLS = define(0x1110_0003_0000_0017L, "TD_CTLS");
    /** TDCS.NOTIFY_ENABLES: which events notify the guest; Linux clears it at boot. */
    public static final TdcsField NOTIFY_ENABLES = define(0x9100_0000_0000_0010L, "NOTIFY_ENABLES");
    /** TDCS.TOPOLOGY_ENUM_CONFIGURED: whether the host configured topology enumeration. */
    public static final TdcsField TOPOLOGY_ENUM_CONFIGURED = define(0x9100_0000_0000_0019L, "TOPOLOGY_ENUM_CONFIGURED");
    /** TDCS.QUOTE_MAX_SIZE (proposed in a 2026 Linux patch): the largest quote this platform produces. */
    public static final TdcsField QUOTE_MAX_SIZE = define(0x9010_0002_0000_0008L, "QUOTE_MAX_SIZE");

    /** CONFIG_FLAGS.FLEXIBLE_PENDING_VE (bit 1): the TD may control pending-page #VE through TD_CTLS. */
    public static final long CONFIG_FLEXIBLE_PENDING_VE = 1L << 1;

    /** TD_CTLS.PENDING_VE_DISABLE (bit 0). */
    public static final long TD_CTLS_PENDING_VE_DISABLE = 1L << 0;
    /** TD_CTLS.ENUM_TOPOLOGY (bit 1). */
    public static final long TD_CTLS_ENUM_TOPOLOGY = 1L << 1;
    /** TD_CTLS.VIRT_CPUID2 (bit 2). */
    public static final long TD_CTLS_VIRT_CPUID2 = 1L << 2;
    /** TD_CTLS.REDUCE_VE (bit 3). */
    public static final long TD_CTLS_REDUCE_VE = 1L << 3;
    /** TD_CTLS.LOCK (bit 63). */
    public static final long TD_CTLS_LOCK = 1L << 63;

    private static TdcsField define(long raw, String name) {
        NAMES.define(raw, name);
        return new TdcsField(raw);
    }

    public Optional<String> specName() {
        return NAMES.name(raw);
    }

    @Override
    public String toString() {
        return NAMES.describe(raw);
    }
}
