package io.github.tdx4j.attest.format;

import static io.github.tdx4j.abi.TdReportLayout.MAC_SIZE;
import static io.github.tdx4j.abi.TdReportLayout.REPORTDATA_SIZE;

/**
 * REPORTMACSTRUCT, bytes 0..255 of TDREPORT_STRUCT: the part the CPU MACs, binding REPORTDATA to the hashes of
 * TEE_TCB_INFO and TDINFO_STRUCT.
 *
 * <p>TDX Module ABI v1.5, "REPORTMACSTRUCT"; offsets in {@link io.github.tdx4j.abi.TdReportLayout#REPORTMACSTRUCT}.
 * The MAC uses a platform-secret key and can only be checked on the same platform (TDG.MR.VERIFYREPORT).
 *
 * @param reportType     REPORTTYPE
 * @param reserved1      12 reserved bytes at offset 4
 * @param cpuSvn         CPUSVN, 16 bytes
 * @param teeTcbInfoHash TEE_TCB_INFO_HASH = SHA-384 of the 239-byte TEE_TCB_INFO
 * @param teeInfoHash    TEE_INFO_HASH = SHA-384 of the 512-byte TDINFO_STRUCT
 * @param reportData     REPORTDATA, the 64 bytes the TD passed to TDG.MR.REPORT
 * @param reserved2      32 reserved bytes at offset 192
 * @param mac            MAC, 32 bytes
 */
public record ReportMacStruct(ReportType reportType, byte[] reserved1, byte[] cpuSvn, byte[] teeTcbInfoHash,
        byte[] teeInfoHash, byte[] reportData, byte[] reserved2, byte[] mac) {
    public ReportMacStruct {
        if (reportType == null) {
            throw new NullPointerException("reportType");
        }
        reserved1 = Values.copy(reserved1, ReportSizes.MAC_RESERVED1_SIZE, "reserved1");
        cpuSvn = Values.copy(cpuSvn, ReportSizes.CPUSVN_SIZE, "cpuSvn");
        teeTcbInfoHash = Values.copy(teeTcbInfoHash, ReportSizes.HASH_SIZE, "teeTcbInfoHash");
        teeInfoHash = Values.copy(teeInfoHash, ReportSizes.HASH_SIZE, "teeInfoHash");
        reportData = Values.copy(reportData, REPORTDATA_SIZE, "reportData");
        reserved2 = Values.copy(reserved2, ReportSizes.MAC_RESERVED2_SIZE, "reserved2");
        mac = Values.copy(mac, MAC_SIZE, "mac");
    }

    @Override
    public byte[] reserved1() {
        return reserved1.clone();
    }

    @Override
    public byte[] cpuSvn() {
        return cpuSvn.clone();
    }

    @Override
    public byte[] teeTcbInfoHash() {
        return teeTcbInfoHash.clone();
    }

    @Override
    public byte[] teeInfoHash() {
        return teeInfoHash.clone();
    }

    @Override
    public byte[] reportData() {
        return reportData.clone();
    }

    @Override
    public byte[] reserved2() {
        return reserved2.clone();
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }

    /** This structure with both hashes replaced. */
    public ReportMacStruct withHashes(byte[] newTeeTcbInfoHash, byte[] newTeeInfoHash) {
        return new ReportMacStruct(reportType, reserved1, cpuSvn, newTeeTcbInfoHash, newTeeInfoHash, reportData,
                reserved2, mac);
    }

    private Object[] parts() {
        return new Object[] {reportType, reserved1, cpuSvn, teeTcbInfoHash, teeInfoHash, reportData, reserved2, mac};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReportMacStruct other && Values.equal(parts(), other.parts());
    }

    @Override
    public int hashCode() {
        return Values.hash(parts());
    }

    @Override
    public String toString() {
        return Values.text("ReportMacStruct", "reportType", reportType, "reserved1", reserved1, "cpuSvn", cpuSvn,
                "teeTcbInfoHash", teeTcbInfoHash, "teeInfoHash", teeInfoHash, "reportData", reportData,
                "reserved2", reserved2, "mac", mac);
    }
}
