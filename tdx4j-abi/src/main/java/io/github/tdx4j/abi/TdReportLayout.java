package io.github.tdx4j.abi;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;

/**
 * TDREPORT_STRUCT, the 1024-byte output of TDG.MR.REPORT, declared once as a {@link MemoryLayout}.
 *
 * <p>TDX Module ABI v1.5, "TDREPORT_STRUCT" with "REPORTMACSTRUCT", "TEE_TCB_INFO" and "TDINFO_STRUCT"; the
 * TDX 1.5 layout, in which the 1.0 reserved areas hold TEE_TCB_SVN2 (TEE_TCB_INFO+128) and SERVTD_HASH
 * (TDINFO+400). All integers little-endian. Offsets are derived from the layout by name; the unit tests assert
 * each against the spec table.
 */
public final class TdReportLayout {
    private TdReportLayout() {
    }

    private static MemoryLayout bytes(long size, String name) {
        return MemoryLayout.sequenceLayout(size, ValueLayout.JAVA_BYTE).withName(name);
    }

    /** REPORTTYPE: TYPE (0x81 = TDX), SUBTYPE (0), VERSION (0 = TDX 1.0 layout, 1 = TDX 1.5), reserved. */
    public static final GroupLayout REPORTTYPE = MemoryLayout.structLayout(
            ValueLayout.JAVA_BYTE.withName("TYPE"),
            ValueLayout.JAVA_BYTE.withName("SUBTYPE"),
            ValueLayout.JAVA_BYTE.withName("VERSION"),
            ValueLayout.JAVA_BYTE.withName("RESERVED")).withName("REPORTTYPE");

    /** REPORTMACSTRUCT (256 bytes): the MAC-protected header binding REPORTDATA to the two hashes below it. */
    public static final GroupLayout REPORTMACSTRUCT = MemoryLayout.structLayout(
            REPORTTYPE,
            bytes(12, "RESERVED1"),
            bytes(16, "CPUSVN"),
            bytes(48, "TEE_TCB_INFO_HASH"),
            bytes(48, "TEE_INFO_HASH"),
            bytes(64, "REPORTDATA"),
            bytes(32, "RESERVED2"),
            bytes(32, "MAC")).withName("REPORTMACSTRUCT");

    /** TEE_TCB_INFO (239 bytes): the TDX module's identity and SVNs. */
    public static final GroupLayout TEE_TCB_INFO = MemoryLayout.structLayout(
            bytes(8, "VALID"),
            bytes(16, "TEE_TCB_SVN"),
            bytes(48, "MRSEAM"),
            bytes(48, "MRSIGNERSEAM"),
            bytes(8, "ATTRIBUTES"),
            bytes(16, "TEE_TCB_SVN2"),
            bytes(95, "RESERVED")).withName("TEE_TCB_INFO");

    /** TDINFO_STRUCT (512 bytes): the TD's measurements. */
    public static final GroupLayout TDINFO = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG_UNALIGNED.withName("ATTRIBUTES"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("XFAM"),
            bytes(48, "MRTD"),
            bytes(48, "MRCONFIGID"),
            bytes(48, "MROWNER"),
            bytes(48, "MROWNERCONFIG"),
            MemoryLayout.sequenceLayout(4, MemoryLayout.sequenceLayout(48, ValueLayout.JAVA_BYTE)).withName("RTMR"),
            bytes(48, "SERVTD_HASH"),
            bytes(64, "RESERVED")).withName("TDINFO_STRUCT");

    /** TDREPORT_STRUCT (1024 bytes). */
    public static final GroupLayout TDREPORT_STRUCT = MemoryLayout.structLayout(
            REPORTMACSTRUCT,
            TEE_TCB_INFO,
            bytes(17, "RESERVED"),
            TDINFO).withName("TDREPORT_STRUCT");

    /** Size of TDREPORT_STRUCT: 1024. */
    public static final int SIZE = (int) TDREPORT_STRUCT.byteSize();
    /** Size of REPORTDATA: 64. */
    public static final int REPORTDATA_SIZE = 64;
    /** Size of each measurement register (SHA-384): 48. */
    public static final int MEASUREMENT_SIZE = 48;
    /** Number of RTMRs: 4. */
    public static final int RTMR_COUNT = 4;
    /** TDG.MR.REPORT requires the TDREPORT_STRUCT output 1024-byte aligned. */
    public static final int TDREPORT_ALIGNMENT = 1024;
    /** TDG.MR.REPORT requires REPORTDATA 64-byte aligned. */
    public static final int REPORTDATA_ALIGNMENT = 64;

    /** REPORTTYPE.TYPE for TDX. */
    public static final byte TYPE_TDX = (byte) 0x81;

    public static final int REPORTTYPE_OFFSET = mac("REPORTTYPE");
    public static final int CPUSVN_OFFSET = mac("CPUSVN");
    public static final int TEE_TCB_INFO_HASH_OFFSET = mac("TEE_TCB_INFO_HASH");
    public static final int TEE_INFO_HASH_OFFSET = mac("TEE_INFO_HASH");
    public static final int REPORTDATA_OFFSET = mac("REPORTDATA");
    public static final int MAC_OFFSET = mac("MAC");
    public static final int MAC_SIZE = 32;

    public static final int TEE_TCB_INFO_OFFSET = top("TEE_TCB_INFO");
    public static final int TEE_TCB_INFO_SIZE = (int) TEE_TCB_INFO.byteSize();
    public static final int TEE_TCB_SVN_OFFSET = TEE_TCB_INFO_OFFSET + tcb("TEE_TCB_SVN");
    public static final int MRSEAM_OFFSET = TEE_TCB_INFO_OFFSET + tcb("MRSEAM");
    public static final int MRSIGNERSEAM_OFFSET = TEE_TCB_INFO_OFFSET + tcb("MRSIGNERSEAM");
    public static final int SEAM_ATTRIBUTES_OFFSET = TEE_TCB_INFO_OFFSET + tcb("ATTRIBUTES");
    public static final int TEE_TCB_SVN2_OFFSET = TEE_TCB_INFO_OFFSET + tcb("TEE_TCB_SVN2");

    public static final int TDINFO_OFFSET = top("TDINFO_STRUCT");
    public static final int TDINFO_SIZE = (int) TDINFO.byteSize();
    public static final int ATTRIBUTES_OFFSET = TDINFO_OFFSET + td("ATTRIBUTES");
    public static final int XFAM_OFFSET = TDINFO_OFFSET + td("XFAM");
    public static final int MRTD_OFFSET = TDINFO_OFFSET + td("MRTD");
    public static final int MRCONFIGID_OFFSET = TDINFO_OFFSET + td("MRCONFIGID");
    public static final int MROWNER_OFFSET = TDINFO_OFFSET + td("MROWNER");
    public static final int MROWNERCONFIG_OFFSET = TDINFO_OFFSET + td("MROWNERCONFIG");
    public static final int RTMR0_OFFSET = TDINFO_OFFSET + td("RTMR");
    public static final int SERVTD_HASH_OFFSET = TDINFO_OFFSET + td("SERVTD_HASH");

    /** Offset of RTMR {@code index} (0..3). */
    public static int rtmrOffset(int index) {
        if (index < 0 || index >= RTMR_COUNT) {
            throw new IllegalArgumentException("RTMR index must be 0..3: " + index);
        }
        return RTMR0_OFFSET + index * MEASUREMENT_SIZE;
    }

    private static int mac(String name) {
        return (int) REPORTMACSTRUCT.byteOffset(groupElement(name));
    }

    private static int tcb(String name) {
        return (int) TEE_TCB_INFO.byteOffset(groupElement(name));
    }

    private static int td(String name) {
        return (int) TDINFO.byteOffset(groupElement(name));
    }

    private static int top(String name) {
        return (int) TDREPORT_STRUCT.byteOffset(groupElement(name));
    }
}
