package io.github.tdx4j.attest.format;

import static io.github.tdx4j.abi.TdReportLayout.MEASUREMENT_SIZE;
import static io.github.tdx4j.abi.TdReportLayout.RTMR_COUNT;

import io.github.tdx4j.abi.TdAttributes;
import java.util.List;

/**
 * TDINFO_STRUCT, bytes 512..1023 of TDREPORT_STRUCT: the TD's attributes and measurements.
 *
 * <p>TDX Module ABI v1.5, "TDINFO_STRUCT"; offsets in {@link io.github.tdx4j.abi.TdReportLayout#TDINFO}. In the
 * TDX 1.0 layout SERVTD_HASH is reserved; it is kept as its own component in both layouts.
 *
 * @param attributes    ATTRIBUTES, the TD attributes (DEBUG, SEPT_VE_DISABLE, ...)
 * @param xfam          XFAM (u64), the extended features the TD may use
 * @param mrTd          MRTD, the build-time measurement
 * @param mrConfigId    MRCONFIGID
 * @param mrOwner       MROWNER
 * @param mrOwnerConfig MROWNERCONFIG
 * @param rtmrs         RTMR0..RTMR3, 48 bytes each
 * @param servTdHash    SERVTD_HASH (TDX 1.5): SHA-384 over the TDINFOs of bound service TDs, else zero
 * @param reserved      the 64 reserved bytes at TDINFO+448
 */
public record TdInfo(TdAttributes attributes, long xfam, byte[] mrTd, byte[] mrConfigId, byte[] mrOwner,
        byte[] mrOwnerConfig, List<byte[]> rtmrs, byte[] servTdHash, byte[] reserved) {
    public TdInfo {
        if (attributes == null) {
            throw new NullPointerException("attributes");
        }
        mrTd = Values.copy(mrTd, MEASUREMENT_SIZE, "mrTd");
        mrConfigId = Values.copy(mrConfigId, MEASUREMENT_SIZE, "mrConfigId");
        mrOwner = Values.copy(mrOwner, MEASUREMENT_SIZE, "mrOwner");
        mrOwnerConfig = Values.copy(mrOwnerConfig, MEASUREMENT_SIZE, "mrOwnerConfig");
        rtmrs = Values.copyAll(rtmrs, RTMR_COUNT, MEASUREMENT_SIZE, "rtmrs");
        servTdHash = Values.copy(servTdHash, MEASUREMENT_SIZE, "servTdHash");
        reserved = Values.copy(reserved, ReportSizes.TDINFO_RESERVED_SIZE, "reserved");
    }

    @Override
    public byte[] mrTd() {
        return mrTd.clone();
    }

    @Override
    public byte[] mrConfigId() {
        return mrConfigId.clone();
    }

    @Override
    public byte[] mrOwner() {
        return mrOwner.clone();
    }

    @Override
    public byte[] mrOwnerConfig() {
        return mrOwnerConfig.clone();
    }

    /** Copies of RTMR0..RTMR3. */
    @Override
    public List<byte[]> rtmrs() {
        return Values.cloneAll(rtmrs);
    }

    /** A copy of RTMR {@code index} (0..3). */
    public byte[] rtmr(int index) {
        return rtmrs.get(index).clone();
    }

    @Override
    public byte[] servTdHash() {
        return servTdHash.clone();
    }

    @Override
    public byte[] reserved() {
        return reserved.clone();
    }

    private Object[] parts() {
        return new Object[] {attributes, xfam, mrTd, mrConfigId, mrOwner, mrOwnerConfig, rtmrs.toArray(),
                servTdHash, reserved};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TdInfo other && Values.equal(parts(), other.parts());
    }

    @Override
    public int hashCode() {
        return Values.hash(parts());
    }

    @Override
    public String toString() {
        return Values.text("TdInfo", "attributes", attributes, "xfam", String.format("0x%016x", xfam),
                "mrTd", mrTd, "mrConfigId", mrConfigId, "mrOwner", mrOwner, "mrOwnerConfig", mrOwnerConfig,
                "rtmrs", rtmrs, "servTdHash", servTdHash, "reserved", reserved);
    }
}
