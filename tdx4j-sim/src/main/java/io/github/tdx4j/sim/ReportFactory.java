package io.github.tdx4j.sim;

import io.github.tdx4j.abi.TdReportLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The measurement state of a TD (RTMRs) and the TDREPORT_STRUCT it produces.
 *
 * <p>TDX Module ABI v1.5, "TDREPORT_STRUCT", "REPORTMACSTRUCT", "TEE_TCB_INFO", "TDINFO_STRUCT" (offsets from
 * {@link TdReportLayout}): REPORTTYPE = {0x81, 0, 1, 0} (TDX, subtype 0, the TDX 1.5 layout);
 * TEE_TCB_INFO_HASH = SHA-384 of the 239-byte TEE_TCB_INFO; TEE_INFO_HASH = SHA-384 of the 512-byte TDINFO_STRUCT.
 */
final class ReportFactory {
    static final int REPORTMACSTRUCT_SIZE = 256;
    /** TEE_TCB_INFO.VALID of a TDX 1.5 module with SEAMDB: fields 0..8, 16, 17 valid ({@code ff01030000000000}). */
    private static final long TEE_TCB_INFO_VALID = 0x301FFL;
    /** REPORTTYPE.VERSION of the TDX 1.5 layout (TEE_TCB_SVN2 and SERVTD_HASH present). */
    private static final byte REPORT_VERSION_1_5 = 1;

    private final TdConfig config;
    private final byte[] macKey;
    private final byte[][] rtmr = new byte[TdReportLayout.RTMR_COUNT][TdReportLayout.MEASUREMENT_SIZE];

    ReportFactory(TdConfig config, long seed) {
        this.config = config;
        this.macKey = Sha.sha256(("tdx4j report MAC key " + seed).getBytes(StandardCharsets.UTF_8));
    }

    /** RTMR := SHA-384(RTMR || data). */
    void extend(int index, byte[] data) {
        rtmr[index] = Sha.sha384(rtmr[index], data);
    }

    byte[] rtmr(int index) {
        return rtmr[index].clone();
    }

    /** The 239-byte TEE_TCB_INFO of the simulated module. */
    byte[] teeTcbInfo() {
        ByteBuffer b = ByteBuffer.allocate(TdReportLayout.TEE_TCB_INFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, TEE_TCB_INFO_VALID);
        int base = TdReportLayout.TEE_TCB_INFO_OFFSET;
        b.put(TdReportLayout.TEE_TCB_SVN_OFFSET - base, config.teeTcbSvn());
        b.put(TdReportLayout.MRSEAM_OFFSET - base, config.mrSeam().toByteArray());
        // MRSIGNERSEAM and SEAM ATTRIBUTES stay zero, as for every Intel-signed module.
        b.put(TdReportLayout.TEE_TCB_SVN2_OFFSET - base, config.teeTcbSvn());
        return b.array();
    }

    /** The 512-byte TDINFO_STRUCT. */
    byte[] tdInfo() {
        ByteBuffer b = ByteBuffer.allocate(TdReportLayout.TDINFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int base = TdReportLayout.TDINFO_OFFSET;
        b.putLong(TdReportLayout.ATTRIBUTES_OFFSET - base, config.attributes().raw());
        b.putLong(TdReportLayout.XFAM_OFFSET - base, config.xfam());
        b.put(TdReportLayout.MRTD_OFFSET - base, config.mrTd().toByteArray());
        b.put(TdReportLayout.MRCONFIGID_OFFSET - base, config.mrConfigId().toByteArray());
        b.put(TdReportLayout.MROWNER_OFFSET - base, config.mrOwner().toByteArray());
        b.put(TdReportLayout.MROWNERCONFIG_OFFSET - base, config.mrOwnerConfig().toByteArray());
        for (int i = 0; i < TdReportLayout.RTMR_COUNT; i++) {
            b.put(TdReportLayout.rtmrOffset(i) - base, rtmr[i]);
        }
        b.put(TdReportLayout.SERVTD_HASH_OFFSET - base, config.servTdHash().toByteArray());
        return b.array();
    }

    /** A TDREPORT_STRUCT binding {@code reportData} (64 bytes). */
    byte[] create(byte[] reportData) {
        byte[] report = new byte[TdReportLayout.SIZE];
        report[TdReportLayout.REPORTTYPE_OFFSET] = TdReportLayout.TYPE_TDX;
        report[TdReportLayout.REPORTTYPE_OFFSET + 1] = 0;
        report[TdReportLayout.REPORTTYPE_OFFSET + 2] = REPORT_VERSION_1_5;
        System.arraycopy(config.cpuSvn(), 0, report, TdReportLayout.CPUSVN_OFFSET, 16);
        byte[] tcb = teeTcbInfo();
        byte[] info = tdInfo();
        System.arraycopy(Sha.sha384(tcb), 0, report, TdReportLayout.TEE_TCB_INFO_HASH_OFFSET, 48);
        System.arraycopy(Sha.sha384(info), 0, report, TdReportLayout.TEE_INFO_HASH_OFFSET, 48);
        System.arraycopy(reportData, 0, report, TdReportLayout.REPORTDATA_OFFSET, TdReportLayout.REPORTDATA_SIZE);
        System.arraycopy(mac(report), 0, report, TdReportLayout.MAC_OFFSET, TdReportLayout.MAC_SIZE);
        System.arraycopy(tcb, 0, report, TdReportLayout.TEE_TCB_INFO_OFFSET, tcb.length);
        System.arraycopy(info, 0, report, TdReportLayout.TDINFO_OFFSET, info.length);
        return report;
    }

    /**
     * Whether {@code macStruct} (at least the 256 bytes of REPORTMACSTRUCT) carries a MAC made with this platform's
     * key and this platform's CPUSVN.
     */
    boolean verifyMacStruct(byte[] macStruct) {
        if (macStruct.length < REPORTMACSTRUCT_SIZE || macStruct[0] != TdReportLayout.TYPE_TDX) {
            return false;
        }
        byte[] expected = mac(macStruct);
        byte[] actual = java.util.Arrays.copyOfRange(macStruct, TdReportLayout.MAC_OFFSET,
                TdReportLayout.MAC_OFFSET + TdReportLayout.MAC_SIZE);
        byte[] cpuSvn = java.util.Arrays.copyOfRange(macStruct, TdReportLayout.CPUSVN_OFFSET,
                TdReportLayout.CPUSVN_OFFSET + 16);
        return MessageDigest.isEqual(expected, actual) && java.util.Arrays.equals(cpuSvn, config.cpuSvn());
    }

    /** Whether {@code report} is a whole TDREPORT_STRUCT of this platform: MAC valid and both hashes matching. */
    boolean verifyReport(byte[] report) {
        if (report.length != TdReportLayout.SIZE || !verifyMacStruct(report)) {
            return false;
        }
        byte[] tcb = java.util.Arrays.copyOfRange(report, TdReportLayout.TEE_TCB_INFO_OFFSET,
                TdReportLayout.TEE_TCB_INFO_OFFSET + TdReportLayout.TEE_TCB_INFO_SIZE);
        byte[] info = java.util.Arrays.copyOfRange(report, TdReportLayout.TDINFO_OFFSET, TdReportLayout.SIZE);
        return java.util.Arrays.equals(Sha.sha384(tcb), java.util.Arrays.copyOfRange(report,
                TdReportLayout.TEE_TCB_INFO_HASH_OFFSET, TdReportLayout.TEE_TCB_INFO_HASH_OFFSET + 48))
                && java.util.Arrays.equals(Sha.sha384(info), java.util.Arrays.copyOfRange(report,
                TdReportLayout.TEE_INFO_HASH_OFFSET, TdReportLayout.TEE_INFO_HASH_OFFSET + 48));
    }

    // Deviation: the real MAC is made by the CPU with a key it never exposes, by an algorithm Intel does not
    // publish; this model uses HMAC-SHA-256 over REPORTMACSTRUCT bytes 0..223 with a key derived from the seed.
    // TDX Module ABI v1.5, "REPORTMACSTRUCT" (MAC: "verifiable only on the same platform").
    private byte[] mac(byte[] macStruct) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            hmac.update(macStruct, 0, TdReportLayout.MAC_OFFSET);
            return hmac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new SimulatorException("the JDK must provide HmacSHA256", e);
        }
    }
}
