package io.github.tdx4j.attest.format;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import io.github.tdx4j.abi.TdReportLayout;
import java.lang.foreign.GroupLayout;

/**
 * Sizes and offsets of the TDREPORT_STRUCT fields that {@link TdReportLayout} has no named constant for (reserved
 * areas, CPUSVN, SVNs), derived from its layouts by field name so that the layout stays the only declaration.
 */
final class ReportSizes {
    private ReportSizes() {
    }

    static final int MAC_RESERVED1_SIZE = size(TdReportLayout.REPORTMACSTRUCT, "RESERVED1");
    static final int CPUSVN_SIZE = size(TdReportLayout.REPORTMACSTRUCT, "CPUSVN");
    static final int HASH_SIZE = size(TdReportLayout.REPORTMACSTRUCT, "TEE_TCB_INFO_HASH");
    static final int MAC_RESERVED2_SIZE = size(TdReportLayout.REPORTMACSTRUCT, "RESERVED2");
    static final int TEE_TCB_SVN_SIZE = size(TdReportLayout.TEE_TCB_INFO, "TEE_TCB_SVN");
    static final int TEE_TCB_INFO_RESERVED_SIZE = size(TdReportLayout.TEE_TCB_INFO, "RESERVED");
    static final int RESERVED_SIZE = size(TdReportLayout.TDREPORT_STRUCT, "RESERVED");
    static final int TDINFO_RESERVED_SIZE = size(TdReportLayout.TDINFO, "RESERVED");

    static final int MAC_RESERVED1_OFFSET = offset(TdReportLayout.REPORTMACSTRUCT, "RESERVED1");
    static final int MAC_RESERVED2_OFFSET = offset(TdReportLayout.REPORTMACSTRUCT, "RESERVED2");
    static final int TEE_TCB_VALID_OFFSET = TdReportLayout.TEE_TCB_INFO_OFFSET
            + offset(TdReportLayout.TEE_TCB_INFO, "VALID");
    static final int TEE_TCB_INFO_RESERVED_OFFSET = TdReportLayout.TEE_TCB_INFO_OFFSET
            + offset(TdReportLayout.TEE_TCB_INFO, "RESERVED");
    static final int RESERVED_OFFSET = offset(TdReportLayout.TDREPORT_STRUCT, "RESERVED");
    static final int TDINFO_RESERVED_OFFSET = TdReportLayout.TDINFO_OFFSET + offset(TdReportLayout.TDINFO, "RESERVED");

    private static int size(GroupLayout layout, String name) {
        return (int) layout.select(groupElement(name)).byteSize();
    }

    private static int offset(GroupLayout layout, String name) {
        return (int) layout.byteOffset(groupElement(name));
    }
}
