package io.github.tdx4j.attest.format;

import static io.github.tdx4j.abi.TdReportLayout.ATTRIBUTES_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.CPUSVN_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.MAC_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.MAC_SIZE;
import static io.github.tdx4j.abi.TdReportLayout.MRCONFIGID_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.MROWNERCONFIG_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.MROWNER_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.MRSEAM_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.MRSIGNERSEAM_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.MRTD_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.REPORTDATA_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.REPORTDATA_SIZE;
import static io.github.tdx4j.abi.TdReportLayout.REPORTTYPE_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.RTMR_COUNT;
import static io.github.tdx4j.abi.TdReportLayout.SEAM_ATTRIBUTES_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.SERVTD_HASH_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.SIZE;
import static io.github.tdx4j.abi.TdReportLayout.TDINFO_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.TDINFO_SIZE;
import static io.github.tdx4j.abi.TdReportLayout.TEE_INFO_HASH_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.TEE_TCB_INFO_HASH_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.TEE_TCB_INFO_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.TEE_TCB_INFO_SIZE;
import static io.github.tdx4j.abi.TdReportLayout.TEE_TCB_SVN2_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.TEE_TCB_SVN_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.XFAM_OFFSET;
import static io.github.tdx4j.abi.TdReportLayout.rtmrOffset;

import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.attest.format.MalformedEvidenceException.Code;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TDREPORT_STRUCT, the 1024-byte output of TDG.MR.REPORT, decoded.
 *
 * <p>TDX Module ABI v1.5, "TDREPORT_STRUCT". Offsets come from {@link TdReportLayout}, which asserts them against
 * the spec table. {@link #decode(byte[])} keeps every byte, reserved ones included, so {@link #encode()} gives back
 * the exact input. TDX 1.0 (REPORTTYPE.VERSION 0) and TDX 1.5 (VERSION 1) reports share one layout: the 1.5 fields
 * TEE_TCB_SVN2 and SERVTD_HASH sit in what 1.0 calls reserved space.
 *
 * @param reportMacStruct REPORTMACSTRUCT, bytes 0..255
 * @param teeTcbInfo      TEE_TCB_INFO, bytes 256..494
 * @param reserved        the 17 reserved bytes 495..511
 * @param tdInfo          TDINFO_STRUCT, bytes 512..1023
 */
public record TdReport(ReportMacStruct reportMacStruct, TeeTcbInfo teeTcbInfo, byte[] reserved, TdInfo tdInfo) {
    private static final int RESERVED_SIZE = ReportSizes.RESERVED_SIZE;
    private static final int RESERVED_OFFSET = ReportSizes.RESERVED_OFFSET;
    private static final int MAC_RESERVED1_OFFSET = ReportSizes.MAC_RESERVED1_OFFSET;
    private static final int MAC_RESERVED2_OFFSET = ReportSizes.MAC_RESERVED2_OFFSET;
    private static final int TCB_RESERVED_OFFSET = ReportSizes.TEE_TCB_INFO_RESERVED_OFFSET;
    private static final int TCB_VALID_OFFSET = ReportSizes.TEE_TCB_VALID_OFFSET;
    private static final int TDINFO_RESERVED_OFFSET = ReportSizes.TDINFO_RESERVED_OFFSET;

    public TdReport {
        if (reportMacStruct == null || teeTcbInfo == null || tdInfo == null) {
            throw new NullPointerException("TdReport parts must not be null");
        }
        reserved = Values.copy(reserved, RESERVED_SIZE, "reserved");
    }

    /**
     * Decodes a TDREPORT_STRUCT.
     *
     * @throws MalformedEvidenceException {@link Code#MALFORMED_TDREPORT} if {@code bytes} is not 1024 bytes or
     *                                    REPORTTYPE.TYPE is not 0x81 (TDX)
     */
    public static TdReport decode(byte[] bytes) throws MalformedEvidenceException {
        if (bytes == null) {
            throw new NullPointerException("bytes");
        }
        if (bytes.length != SIZE) {
            throw new MalformedEvidenceException(Code.MALFORMED_TDREPORT, "TDREPORT_STRUCT",
                    Math.min(bytes.length, SIZE), "must be exactly " + SIZE + " bytes, got " + bytes.length);
        }
        if ((bytes[REPORTTYPE_OFFSET] & 0xFF) != ReportType.TYPE_TDX) {
            throw new MalformedEvidenceException(Code.MALFORMED_TDREPORT, "REPORTTYPE.TYPE", REPORTTYPE_OFFSET,
                    String.format("is 0x%02x, a TD report has 0x81", bytes[REPORTTYPE_OFFSET] & 0xFF));
        }
        ReportType type = new ReportType(bytes[REPORTTYPE_OFFSET] & 0xFF, bytes[REPORTTYPE_OFFSET + 1] & 0xFF,
                bytes[REPORTTYPE_OFFSET + 2] & 0xFF, bytes[REPORTTYPE_OFFSET + 3] & 0xFF);
        ReportMacStruct mac = new ReportMacStruct(type,
                slice(bytes, MAC_RESERVED1_OFFSET, ReportSizes.MAC_RESERVED1_SIZE),
                slice(bytes, CPUSVN_OFFSET, ReportSizes.CPUSVN_SIZE),
                slice(bytes, TEE_TCB_INFO_HASH_OFFSET, ReportSizes.HASH_SIZE),
                slice(bytes, TEE_INFO_HASH_OFFSET, ReportSizes.HASH_SIZE),
                slice(bytes, REPORTDATA_OFFSET, REPORTDATA_SIZE),
                slice(bytes, MAC_RESERVED2_OFFSET, ReportSizes.MAC_RESERVED2_SIZE),
                slice(bytes, MAC_OFFSET, MAC_SIZE));
        TeeTcbInfo tcb = new TeeTcbInfo(Le.u64(bytes, TCB_VALID_OFFSET),
                slice(bytes, TEE_TCB_SVN_OFFSET, ReportSizes.TEE_TCB_SVN_SIZE),
                Measurement.of(bytes, MRSEAM_OFFSET),
                Measurement.of(bytes, MRSIGNERSEAM_OFFSET),
                Le.u64(bytes, SEAM_ATTRIBUTES_OFFSET),
                slice(bytes, TEE_TCB_SVN2_OFFSET, ReportSizes.TEE_TCB_SVN_SIZE),
                slice(bytes, TCB_RESERVED_OFFSET, ReportSizes.TEE_TCB_INFO_RESERVED_SIZE));
        List<Measurement> rtmrs = new ArrayList<>(RTMR_COUNT);
        for (int i = 0; i < RTMR_COUNT; i++) {
            rtmrs.add(Measurement.of(bytes, rtmrOffset(i)));
        }
        TdInfo td = new TdInfo(new TdAttributes(Le.u64(bytes, ATTRIBUTES_OFFSET)), Le.u64(bytes, XFAM_OFFSET),
                Measurement.of(bytes, MRTD_OFFSET),
                Measurement.of(bytes, MRCONFIGID_OFFSET),
                Measurement.of(bytes, MROWNER_OFFSET),
                Measurement.of(bytes, MROWNERCONFIG_OFFSET),
                rtmrs,
                Measurement.of(bytes, SERVTD_HASH_OFFSET),
                slice(bytes, TDINFO_RESERVED_OFFSET, ReportSizes.TDINFO_RESERVED_SIZE));
        return new TdReport(mac, tcb, slice(bytes, RESERVED_OFFSET, RESERVED_SIZE), td);
    }

    /** The 1024-byte TDREPORT_STRUCT; byte-identical to the input of {@link #decode(byte[])}. */
    public byte[] encode() {
        byte[] out = new byte[SIZE];
        ReportMacStruct m = reportMacStruct;
        ReportType t = m.reportType();
        out[REPORTTYPE_OFFSET] = (byte) t.type();
        out[REPORTTYPE_OFFSET + 1] = (byte) t.subtype();
        out[REPORTTYPE_OFFSET + 2] = (byte) t.version();
        out[REPORTTYPE_OFFSET + 3] = (byte) t.reserved();
        put(out, MAC_RESERVED1_OFFSET, m.reserved1());
        put(out, CPUSVN_OFFSET, m.cpuSvn());
        put(out, TEE_TCB_INFO_HASH_OFFSET, m.teeTcbInfoHash());
        put(out, TEE_INFO_HASH_OFFSET, m.teeInfoHash());
        put(out, REPORTDATA_OFFSET, m.reportData());
        put(out, MAC_RESERVED2_OFFSET, m.reserved2());
        put(out, MAC_OFFSET, m.mac());
        encodeTeeTcbInfo(out);
        put(out, RESERVED_OFFSET, reserved);
        encodeTdInfo(out);
        return out;
    }

    private void encodeTeeTcbInfo(byte[] out) {
        TeeTcbInfo c = teeTcbInfo;
        Le.put64(out, TCB_VALID_OFFSET, c.valid());
        put(out, TEE_TCB_SVN_OFFSET, c.teeTcbSvn());
        c.mrSeam().copyTo(out, MRSEAM_OFFSET);
        c.mrSignerSeam().copyTo(out, MRSIGNERSEAM_OFFSET);
        Le.put64(out, SEAM_ATTRIBUTES_OFFSET, c.attributes());
        put(out, TEE_TCB_SVN2_OFFSET, c.teeTcbSvn2());
        put(out, TCB_RESERVED_OFFSET, c.reserved());
    }

    private void encodeTdInfo(byte[] out) {
        TdInfo d = tdInfo;
        Le.put64(out, ATTRIBUTES_OFFSET, d.attributes().raw());
        Le.put64(out, XFAM_OFFSET, d.xfam());
        d.mrTd().copyTo(out, MRTD_OFFSET);
        d.mrConfigId().copyTo(out, MRCONFIGID_OFFSET);
        d.mrOwner().copyTo(out, MROWNER_OFFSET);
        d.mrOwnerConfig().copyTo(out, MROWNERCONFIG_OFFSET);
        for (int i = 0; i < RTMR_COUNT; i++) {
            d.rtmr(i).copyTo(out, rtmrOffset(i));
        }
        d.servTdHash().copyTo(out, SERVTD_HASH_OFFSET);
        put(out, TDINFO_RESERVED_OFFSET, d.reserved());
    }

    /** SHA-384 of the encoded TEE_TCB_INFO (239 bytes): what TEE_TCB_INFO_HASH must hold. */
    public byte[] computeTeeTcbInfoHash() {
        return sha384(Arrays.copyOfRange(encode(), TEE_TCB_INFO_OFFSET, TEE_TCB_INFO_OFFSET + TEE_TCB_INFO_SIZE));
    }

    /** SHA-384 of the encoded TDINFO_STRUCT (512 bytes): what TEE_INFO_HASH must hold. */
    public byte[] computeTeeInfoHash() {
        return sha384(Arrays.copyOfRange(encode(), TDINFO_OFFSET, TDINFO_OFFSET + TDINFO_SIZE));
    }

    /**
     * Whether TEE_TCB_INFO_HASH and TEE_INFO_HASH match the structures they hash. The TDX module computes both
     * when it makes the report, so a mismatch means the report was altered or made up; the MAC, which would prove
     * more, can only be checked on the platform that made it.
     */
    public boolean hashesConsistent() {
        return MessageDigest.isEqual(computeTeeTcbInfoHash(), reportMacStruct.teeTcbInfoHash())
                && MessageDigest.isEqual(computeTeeInfoHash(), reportMacStruct.teeInfoHash());
    }

    /** This report with TEE_TCB_INFO_HASH and TEE_INFO_HASH recomputed, as TDG.MR.REPORT fills them. */
    public TdReport withComputedHashes() {
        return new TdReport(reportMacStruct.withHashes(computeTeeTcbInfoHash(), computeTeeInfoHash()), teeTcbInfo,
                reserved, tdInfo);
    }

    /** Convenience: REPORTDATA. */
    public byte[] reportData() {
        return reportMacStruct.reportData();
    }

    @Override
    public byte[] reserved() {
        return reserved.clone();
    }

    private Object[] parts() {
        return new Object[] {reportMacStruct, teeTcbInfo, reserved, tdInfo};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TdReport other && Values.equal(parts(), other.parts());
    }

    @Override
    public int hashCode() {
        return Values.hash(parts());
    }

    @Override
    public String toString() {
        return Values.text("TdReport", "reportMacStruct", reportMacStruct, "teeTcbInfo", teeTcbInfo,
                "reserved", reserved, "tdInfo", tdInfo);
    }

    static byte[] sha384(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-384").digest(data);
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-384 (java.security.MessageDigest, "Standard Algorithms").
            throw new AssertionError("SHA-384 missing from the JDK", e);
        }
    }

    private static byte[] slice(byte[] b, int off, int size) {
        return Arrays.copyOfRange(b, off, off + size);
    }

    private static void put(byte[] out, int off, byte[] value) {
        System.arraycopy(value, 0, out, off, value.length);
    }
}
