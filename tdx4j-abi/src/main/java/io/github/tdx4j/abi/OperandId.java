package io.github.tdx4j.abi;

import java.util.Optional;

/**
 * An operand id: bits 31:0 of a {@link TdxStatus}, naming the operand a failed call objected to.
 *
 * <p>TDX Module ABI v1.5, "Operand IDs"; values as in intel/tdx-module {@code tdx_error_codes_defs.h}
 * ({@code OPERAND_ID_*}). Registers use their GPR number. An open value type.
 *
 * @param id the raw operand id
 */
public record OperandId(int id) {
    private static final CodeNames NAMES = new CodeNames("OPERAND");

    public static final OperandId RAX = define(0, "RAX");
    public static final OperandId RCX = define(1, "RCX");
    public static final OperandId RDX = define(2, "RDX");
    public static final OperandId RBX = define(3, "RBX");
    public static final OperandId RBP = define(5, "RBP");
    public static final OperandId RSI = define(6, "RSI");
    public static final OperandId RDI = define(7, "RDI");
    public static final OperandId R8 = define(8, "R8");
    public static final OperandId R9 = define(9, "R9");
    public static final OperandId R10 = define(10, "R10");
    public static final OperandId R11 = define(11, "R11");
    public static final OperandId R12 = define(12, "R12");
    public static final OperandId R13 = define(13, "R13");
    public static final OperandId R14 = define(14, "R14");
    public static final OperandId R15 = define(15, "R15");
    /** OPERAND_ID_ATTRIBUTES. */
    public static final OperandId ATTRIBUTES = define(64, "ATTRIBUTES");
    /** OPERAND_ID_XFAM. */
    public static final OperandId XFAM = define(65, "XFAM");
    /** OPERAND_ID_TDR. */
    public static final OperandId TDR = define(128, "TDR");
    /** OPERAND_ID_TDCS. */
    public static final OperandId TDCS = define(144, "TDCS");
    /** OPERAND_ID_TDVPS. */
    public static final OperandId TDVPS = define(145, "TDVPS");
    /** OPERAND_ID_SEPT_TREE. */
    public static final OperandId SEPT_TREE = define(146, "SEPT_TREE");
    /** OPERAND_ID_SEPT_ENTRY. */
    public static final OperandId SEPT_ENTRY = define(147, "SEPT_ENTRY");
    /** OPERAND_ID_RTMR: the RTMR lock or hash (TDG.MR.RTMR.EXTEND, TDG.MR.REPORT). */
    public static final OperandId RTMR = define(168, "RTMR");
    /** OPERAND_ID_TD_EPOCH. */
    public static final OperandId TD_EPOCH = define(169, "TD_EPOCH");
    /** OPERAND_ID_METADATA_FIELD. */
    public static final OperandId METADATA_FIELD = define(176, "METADATA_FIELD");

    private static OperandId define(int id, String name) {
        NAMES.define(id, name);
        return new OperandId(id);
    }

    /** The operand id {@code id}. */
    public static OperandId of(int id) {
        return new OperandId(id);
    }

    /** The operand id naming register {@code gpr}. */
    public static OperandId of(Gpr gpr) {
        return new OperandId(gpr.number());
    }

    public Optional<String> specName() {
        return NAMES.name(id & 0xFFFF_FFFFL);
    }

    @Override
    public String toString() {
        return NAMES.describe(id & 0xFFFF_FFFFL);
    }
}
