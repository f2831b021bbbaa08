package io.github.tdx4j.attest.format;

import static io.github.tdx4j.attest.format.QuoteLayout.HEADER_RESERVED_SIZE;
import static io.github.tdx4j.attest.format.QuoteLayout.HEADER_SIZE;
import static io.github.tdx4j.attest.format.QuoteLayout.QE_VENDOR_ID_SIZE;
import static io.github.tdx4j.attest.format.QuoteLayout.USER_DATA_SIZE;


/**
 * The 48-byte quote header ({@code sgx_quote4_header_t}), identical in v4 and v5. Offsets in
 * {@link QuoteLayout#HEADER}.
 *
 * <p>The 4 bytes at offset 8 are {@code reserved} in Intel's v4 header; older v3 parsers read QE SVN and PCE SVN
 * there, so they are kept raw. The header is covered by the quote signature.
 *
 * @param version            quote version: 4 or 5
 * @param attestationKeyType 2 = ECDSA-256 with P-256 ({@link #ATT_KEY_TYPE_ECDSA_P256})
 * @param teeType            0x81 for TDX ({@link #TEE_TYPE_TDX}), 0 for SGX
 * @param reserved           the 4 reserved bytes at offset 8
 * @param qeVendorId         QE vendor id, 16 bytes; Intel's QE: {@code 939a7233f79c4ca9940a0db3957f0607}
 * @param userData           user data, 20 bytes: a QE-specific platform id, then zero
 */
public record QuoteHeader(int version, int attestationKeyType, long teeType, byte[] reserved, byte[] qeVendorId,
        byte[] userData) {
    /** {@code att_key_type} 2: ECDSA-256 with P-256, the only type TDX quotes use. */
    public static final int ATT_KEY_TYPE_ECDSA_P256 = 2;
    /** {@code tee_type} of a TDX quote. */
    public static final long TEE_TYPE_TDX = 0x81;
    /** {@code tee_type} of an SGX quote. */
    public static final long TEE_TYPE_SGX = 0;

    public QuoteHeader {
        checkU16(version, "version");
        checkU16(attestationKeyType, "attestationKeyType");
        if (teeType < 0 || teeType > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("teeType must be a u32: " + teeType);
        }
        reserved = Values.copy(reserved, HEADER_RESERVED_SIZE, "reserved");
        qeVendorId = Values.copy(qeVendorId, QE_VENDOR_ID_SIZE, "qeVendorId");
        userData = Values.copy(userData, USER_DATA_SIZE, "userData");
    }

    static void checkU16(int value, String name) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(name + " must be a u16: " + value);
        }
    }

    static QuoteHeader read(EvidenceReader r) throws MalformedEvidenceException {
        r.require("header", HEADER_SIZE);
        return new QuoteHeader(r.u16("version"), r.u16("att_key_type"), r.u32("tee_type"),
                r.bytes("reserved", HEADER_RESERVED_SIZE), r.bytes("qe_vendor_id", QE_VENDOR_ID_SIZE),
                r.bytes("user_data", USER_DATA_SIZE));
    }

    void write(byte[] out, int off) {
        Le.put16(out, off + QuoteLayout.VERSION_OFFSET, version);
        Le.put16(out, off + QuoteLayout.ATT_KEY_TYPE_OFFSET, attestationKeyType);
        Le.put32(out, off + QuoteLayout.TEE_TYPE_OFFSET, teeType);
        System.arraycopy(reserved, 0, out, off + QuoteLayout.HEADER_RESERVED_OFFSET, HEADER_RESERVED_SIZE);
        System.arraycopy(qeVendorId, 0, out, off + QuoteLayout.QE_VENDOR_ID_OFFSET, QE_VENDOR_ID_SIZE);
        System.arraycopy(userData, 0, out, off + QuoteLayout.USER_DATA_OFFSET, USER_DATA_SIZE);
    }

    /** The 48 encoded bytes. */
    public byte[] encode() {
        byte[] out = new byte[HEADER_SIZE];
        write(out, 0);
        return out;
    }

    @Override
    public byte[] reserved() {
        return reserved.clone();
    }

    @Override
    public byte[] qeVendorId() {
        return qeVendorId.clone();
    }

    @Override
    public byte[] userData() {
        return userData.clone();
    }

    private Object[] parts() {
        return new Object[] {version, attestationKeyType, teeType, reserved, qeVendorId, userData};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuoteHeader other && Values.equal(parts(), other.parts());
    }

    @Override
    public int hashCode() {
        return Values.hash(parts());
    }

    @Override
    public String toString() {
        return Values.text("QuoteHeader", "version", version, "attestationKeyType", attestationKeyType,
                "teeType", String.format("0x%08x", teeType), "reserved", reserved, "qeVendorId", qeVendorId,
                "userData", userData);
    }
}
