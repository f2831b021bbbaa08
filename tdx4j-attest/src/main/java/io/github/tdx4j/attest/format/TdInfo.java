package io.github.tdx4j.attest.format;

import static io.github.tdx4j.abi.TdReportLayout.RTMR_COUNT;

import io.github.tdx4j.abi.TdAttributes;
import java.util.List;
import java.util.Objects;

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
 * @param rtmrs         RTMR0..RTMR3
 * @param servTdHash    SERVTD_HASH (TDX 1.5): SHA-384 over the TDINFOs of bound service TDs, else zero
 * @param reserved      the 64 reserved bytes at TDINFO+448
 */
public record TdInfo(TdAttributes attributes, long xfam, Measurement mrTd, Measurement mrConfigId,
        Measurement mrOwner, Measurement mrOwnerConfig, List<Measurement> rtmrs, Measurement servTdHash,
        byte[] reserved) {
    public TdInfo {
        if (attributes == null) {
            throw new NullPointerException("attributes");
        }
        Objects.requireNonNull(mrTd, "mrTd");
        Objects.requireNonNull(mrConfigId, "mrConfigId");
        Objects.requireNonNull(mrOwner, "mrOwner");
        Objects.requireNonNull(mrOwnerConfig, "mrOwnerConfig");
        rtmrs = Values.measurements(rtmrs, RTMR_COUNT, "rtmrs");
        Objects.requireNonNull(servTdHash, "servTdHash");
        reserved = Values.copy(reserved, ReportSizes.TDINFO_RESERVED_SIZE, "reserved");
    }

    /** RTMR {@code index} (0..3). */
    public Measurement rtmr(int index) {
        return rtmrs.get(index);
    }

    @Override
    public byte[] reserved() {
        return reserved.clone();
    }

    private Object[] parts() {
        return new Object[] {attributes, xfam, mrTd, mrConfigId, mrOwner, mrOwnerConfig, rtmrs,
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
