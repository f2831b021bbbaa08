package io.github.tdx4j.attest.format;

/**
 * REPORTTYPE, the first 4 bytes of REPORTMACSTRUCT: which TEE made the report and in which layout.
 *
 * <p>Intel linux-sgx {@code sgx_report2.h} ({@code tee_report_type_t}); TDX Module ABI v1.5, "REPORTTYPE".
 * A real TDX 1.5 report carries {@code 81 00 01 00}; VERSION 0 is the TDX 1.0 layout, in which TEE_TCB_SVN2 and
 * SERVTD_HASH are reserved. Each component is one unsigned byte.
 *
 * @param type     TYPE: 0x81 for TDX (0x00 for SGX)
 * @param subtype  SUBTYPE: 0
 * @param version  VERSION: 0 = TDX 1.0 layout, 1 = TDX 1.5 layout
 * @param reserved the reserved fourth byte, kept so that encoding is byte-identical
 */
public record ReportType(int type, int subtype, int version, int reserved) {
    /** TYPE for a TD report. */
    public static final int TYPE_TDX = 0x81;

    public ReportType {
        checkByte(type, "type");
        checkByte(subtype, "subtype");
        checkByte(version, "version");
        checkByte(reserved, "reserved");
    }

    /** {@code 81 00 01 00}: a TDX 1.5 report. */
    public static ReportType tdx15() {
        return new ReportType(TYPE_TDX, 0, 1, 0);
    }

    /** Whether this report uses the TDX 1.5 layout (VERSION ≥ 1): TEE_TCB_SVN2 and SERVTD_HASH are meaningful. */
    public boolean isTdx15Layout() {
        return version >= 1;
    }

    private static void checkByte(int value, String name) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException("REPORTTYPE." + name + " must be one byte: " + value);
        }
    }

    @Override
    public String toString() {
        return String.format("ReportType[type=0x%02x, subtype=%d, version=%d, reserved=%d]", type, subtype, version,
                reserved);
    }
}
