package io.github.tdx4j.attest.format;

import java.util.Objects;

/**
 * TEE_TCB_INFO, bytes 256..494 of TDREPORT_STRUCT (239 bytes): the TDX module's identity and security versions.
 *
 * <p>TDX Module ABI v1.5, "TEE_TCB_INFO"; Intel DCAP {@code sgx_quote_5.h} {@code tee_tcb_info_v1_5_t}. Offsets in
 * {@link io.github.tdx4j.abi.TdReportLayout#TEE_TCB_INFO}. In the TDX 1.0 layout TEE_TCB_SVN2 is part of the
 * reserved area; it is kept as its own component in both layouts so encoding is byte-identical.
 *
 * @param valid          VALID (u64): bit i set means the 8-byte field at offset 8·i is valid
 * @param teeTcbSvn      TEE_TCB_SVN, 16 bytes: [0] TDX module minor SVN, [1] module major version, [2] late
 *                       microcode SVN
 * @param mrSeam         MRSEAM, SHA-384 of the TDX module
 * @param mrSignerSeam   MRSIGNERSEAM, zero for Intel-signed modules
 * @param attributes     ATTRIBUTES (SEAM attributes, u64), zero for Intel modules
 * @param teeTcbSvn2     TEE_TCB_SVN2, 16 bytes (TDX 1.5: the SVN after a TD-preserving update)
 * @param reserved       the 95 reserved bytes at TEE_TCB_INFO+144
 */
public record TeeTcbInfo(long valid, byte[] teeTcbSvn, Measurement mrSeam, Measurement mrSignerSeam, long attributes,
        byte[] teeTcbSvn2, byte[] reserved) {
    public TeeTcbInfo {
        teeTcbSvn = Values.copy(teeTcbSvn, ReportSizes.TEE_TCB_SVN_SIZE, "teeTcbSvn");
        Objects.requireNonNull(mrSeam, "mrSeam");
        Objects.requireNonNull(mrSignerSeam, "mrSignerSeam");
        teeTcbSvn2 = Values.copy(teeTcbSvn2, ReportSizes.TEE_TCB_SVN_SIZE, "teeTcbSvn2");
        reserved = Values.copy(reserved, ReportSizes.TEE_TCB_INFO_RESERVED_SIZE, "reserved");
    }

    @Override
    public byte[] teeTcbSvn() {
        return teeTcbSvn.clone();
    }

    @Override
    public byte[] teeTcbSvn2() {
        return teeTcbSvn2.clone();
    }

    @Override
    public byte[] reserved() {
        return reserved.clone();
    }

    private Object[] parts() {
        return new Object[] {valid, teeTcbSvn, mrSeam, mrSignerSeam, attributes, teeTcbSvn2, reserved};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TeeTcbInfo other && Values.equal(parts(), other.parts());
    }

    @Override
    public int hashCode() {
        return Values.hash(parts());
    }

    @Override
    public String toString() {
        return Values.text("TeeTcbInfo", "valid", String.format("0x%016x", valid), "teeTcbSvn", teeTcbSvn,
                "mrSeam", mrSeam, "mrSignerSeam", mrSignerSeam, "attributes", String.format("0x%016x", attributes),
                "teeTcbSvn2", teeTcbSvn2, "reserved", reserved);
    }
}
