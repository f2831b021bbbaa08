package io.github.tdx4j.sim;

import io.github.tdx4j.abi.OperandId;
import io.github.tdx4j.abi.TdcsField;
import io.github.tdx4j.abi.TdxStatus;

/**
 * The TD-scope metadata of the simulated TDX module that a guest reaches with TDG.VM.RD and TDG.VM.WR: CONFIG_FLAGS,
 * TD_CTLS, NOTIFY_ENABLES and TOPOLOGY_ENUM_CONFIGURED. TD_CTLS and NOTIFY_ENABLES are the two the guest writes;
 * the others come from the {@link TdConfig}. Works in place on a vCPU's register file, as {@link TdxModuleModel}
 * does, and reports a guest error through the model's violation counter.
 *
 * <p>TDX Module ABI v1.5, "TDCS Metadata Fields", "TDG.VM.RD Leaf" and "TDG.VM.WR Leaf".
 */
final class TdcsMetadata {
    private static final int RCX = 1;
    private static final int RDX = 2;
    private static final int R8 = 8;
    private static final int R9 = 9;

    private static final long OPERAND_INVALID = TdxStatus.OPERAND_INVALID.raw();
    /** MD_FIELD_ID_NA: "no next field" in TDG.VM.RD version 1. */
    private static final long MD_FIELD_ID_NA = -1L;
    /** Field ID bits 54:52, CONTEXT_CODE: ignored on input by TDG.VM.RD/WR. */
    private static final long CONTEXT_CODE_MASK = 7L << 52;

    /** TDCS.CONFIG_FLAGS bit 0 (GPAW: 1 = 52 bits), bit 1 FLEXIBLE_PENDING_VE, bit 2 NO_RBP_MOD. */
    private static final long CONFIG_GPAW = 1L;
    private static final long CONFIG_NO_RBP_MOD = 1L << 2;
    /** TDCS.NOTIFY_ENABLES bit 0, NOTIFY_ZERO_STEP: the only bit the guest may write. */
    private static final long NOTIFY_ENABLES_WRITE_MASK = 1L;

    /** Counts a guest error under {@code rule} and gives back {@code status}, the model's violation counter. */
    @FunctionalInterface
    interface Violations {
        long violation(String rule, long status);
    }

    private final TdConfig config;
    private final Violations violations;
    /** TDCS.TD_CTLS and TDCS.NOTIFY_ENABLES, the TD-scope fields the guest writes with TDG.VM.WR. */
    private long tdCtls;
    private long notifyEnables;

    TdcsMetadata(TdConfig config, Violations violations) {
        this.config = config;
        this.violations = violations;
    }

    /** TDCS.TD_CTLS as the guest last wrote it. */
    long tdCtls() {
        return tdCtls;
    }

    private long violation(String rule, long status) {
        return violations.violation(rule, status);
    }

    /**
     * TDG.VM.RD. TDX Module ABI v1.5, "TDG.VM.RD Leaf"; {@code tdg_vm_rd_wr.c}: RCX must be 0 (VM index), RDX =
     * field id (CONTEXT_CODE ignored); R8 = the value, 0 on error; version 1 also returns the next field id in RDX.
     */
    long tdgVmRd(long[] r, int version) {
        long field = r[RDX] & ~CONTEXT_CODE_MASK;
        if (version > 0) {
            r[RDX] = MD_FIELD_ID_NA;
        }
        r[R8] = 0;
        if (r[RCX] != 0) {
            return violation("module.vmrd.rcx", OPERAND_INVALID | OperandId.RCX.id());
        }
        int index = fieldIndex(field);
        if (index < 0) {
            // Deviation: only CONFIG_FLAGS, TD_CTLS, NOTIFY_ENABLES and TOPOLOGY_ENUM_CONFIGURED exist here; any
            // other field id is TDX_METADATA_FIELD_ID_INCORRECT. TDX Module ABI v1.5, "TDCS Metadata Fields".
            return violation("module.vmrd.field", TdxStatus.METADATA_FIELD_ID_INCORRECT.raw());
        }
        r[R8] = fieldValue(index);
        if (version > 0) {
            r[RDX] = index + 1 < FIELDS.length ? FIELDS[index + 1].raw() : MD_FIELD_ID_NA;
        }
        return 0;
    }

    /**
     * TDG.VM.WR. TDX Module ABI v1.5, "TDG.VM.WR Leaf"; {@code md_td_write_element}: RDX field id, R8 value, R9
     * request mask. Only bits in (request mask AND field write mask) change; none: TDX_METADATA_FIELD_NOT_WRITABLE;
     * a request-mask bit outside the write mask whose value would change: TDX_METADATA_FIELD_VALUE_NOT_VALID.
     * TD_CTLS: PENDING_VE_DISABLE may change only with CONFIG_FLAGS.FLEXIBLE_PENDING_VE, ENUM_TOPOLOGY only when
     * TOPOLOGY_ENUM_CONFIGURED. R8 returns the old value on success, 0 on error.
     */
    long tdgVmWr(long[] r) {
        long field = r[RDX] & ~CONTEXT_CODE_MASK;
        long value = r[R8];
        long requestMask = r[R9];
        r[R8] = 0;
        if (r[RCX] != 0) {
            return violation("module.vmwr.rcx", OPERAND_INVALID | OperandId.RCX.id());
        }
        int index = fieldIndex(field);
        if (index < 0) {
            return violation("module.vmwr.field", TdxStatus.METADATA_FIELD_ID_INCORRECT.raw());
        }
        long old = fieldValue(index);
        long writeMask = fieldWriteMask(index);
        long combined = writeMask & requestMask;
        if (combined == 0) {
            return violation("module.vmwr.not-writable", TdxStatus.METADATA_FIELD_NOT_WRITABLE.raw());
        }
        if (((old ^ value) & requestMask & ~writeMask) != 0) {
            return violation("module.vmwr.forbidden-bits", TdxStatus.METADATA_FIELD_VALUE_NOT_VALID.raw());
        }
        long updated = (old & ~combined) | (value & combined);
        if (FIELDS[index].equals(TdcsField.TD_CTLS)) {
            if (!config.flexiblePendingVe() && ((updated ^ old) & TdcsField.TD_CTLS_PENDING_VE_DISABLE) != 0) {
                return violation("module.vmwr.pending-ve-not-flexible",
                        TdxStatus.METADATA_FIELD_VALUE_NOT_VALID.raw());
            }
            if ((updated & TdcsField.TD_CTLS_ENUM_TOPOLOGY) != 0 && !config.topologyEnumConfigured()) {
                return violation("module.vmwr.topology-not-configured",
                        TdxStatus.METADATA_FIELD_VALUE_NOT_VALID.raw());
            }
            tdCtls = updated;
        } else {
            notifyEnables = updated;
        }
        r[R8] = old;
        return 0;
    }

    /** The TD-scope fields the guest can reach, in field-id order (the "next field" of TDG.VM.RD version 1). */
    private static final TdcsField[] FIELDS = {TdcsField.CONFIG_FLAGS, TdcsField.TD_CTLS, TdcsField.NOTIFY_ENABLES,
            TdcsField.TOPOLOGY_ENUM_CONFIGURED};

    private static int fieldIndex(long field) {
        for (int i = 0; i < FIELDS.length; i++) {
            if ((FIELDS[i].raw() & ~CONTEXT_CODE_MASK) == field) {
                return i;
            }
        }
        return -1;
    }

    private long fieldValue(int index) {
        return switch (index) {
            case 0 -> (config.gpaw() == 52 ? CONFIG_GPAW : 0)
                    | (config.flexiblePendingVe() ? TdcsField.CONFIG_FLEXIBLE_PENDING_VE : 0)
                    | (config.noRbpMod() ? CONFIG_NO_RBP_MOD : 0);
            case 1 -> tdCtls;
            case 2 -> notifyEnables;
            default -> config.topologyEnumConfigured() ? 1 : 0;
        };
    }

    private long fieldWriteMask(int index) {
        return switch (index) {
            case 1 -> TdcsField.TD_CTLS_PENDING_VE_DISABLE | TdcsField.TD_CTLS_ENUM_TOPOLOGY
                    | TdcsField.TD_CTLS_VIRT_CPUID2 | (config.reduceVeSupported() ? TdcsField.TD_CTLS_REDUCE_VE : 0);
            case 2 -> NOTIFY_ENABLES_WRITE_MASK;
            default -> 0;
        };
    }
}
