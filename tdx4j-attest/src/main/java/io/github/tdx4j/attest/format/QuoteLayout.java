package io.github.tdx4j.attest.format;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.util.stream.Stream;

/**
 * The TDX quote v4/v5 structures, declared once as {@link MemoryLayout}s; every offset and size used by the quote
 * codec is derived from them by field name, and the unit tests assert each against the spec tables.
 *
 * <p>Sources: Intel DCAP {@code QuoteGeneration/quote_wrapper/common/inc/sgx_quote_4.h} ({@code sgx_quote4_header_t},
 * {@code sgx_report2_body_t}, {@code sgx_ecdsa_sig_data_v4_t}, {@code sgx_qe_report_certification_data_t}) and
 * {@code sgx_quote_5.h} ({@code sgx_report2_body_v1_5_t}, {@code sgx_quote5_t}); Intel SDM Vol. 3D, "REPORT"
 * (the 384-byte SGX report body). All integers little-endian, all structures packed.
 *
 * <pre>
 * v4: header(48) | TD quote body(584)                   | signature_data_len(4) | signature data | [trailing]
 * v5: header(48) | body type(2) | body size(4) | body(584 or 648) | signature_data_len(4) | signature data | [trailing]
 * </pre>
 * The quote signature covers v4 bytes [0, 632) and v5 bytes [0, 54 + body size): the v5 body descriptor is signed.
 */
public final class QuoteLayout {
    private QuoteLayout() {
    }

    private static MemoryLayout bytes(long size, String name) {
        return MemoryLayout.sequenceLayout(size, ValueLayout.JAVA_BYTE).withName(name);
    }

    /** {@code sgx_quote4_header_t} (48 bytes), the same in v4 and v5. */
    public static final GroupLayout HEADER = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT_UNALIGNED.withName("version"),
            ValueLayout.JAVA_SHORT_UNALIGNED.withName("att_key_type"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("tee_type"),
            bytes(4, "reserved"),
            bytes(16, "qe_vendor_id"),
            bytes(20, "user_data")).withName("sgx_quote4_header_t");

    /** {@code sgx_report2_body_t} (584 bytes): the TD quote body of TDX 1.0. */
    public static final GroupLayout TD_QUOTE_BODY_V4 = MemoryLayout.structLayout(
            bytes(16, "tee_tcb_svn"),
            bytes(48, "mr_seam"),
            bytes(48, "mrsigner_seam"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("seam_attributes"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("td_attributes"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("xfam"),
            bytes(48, "mr_td"),
            bytes(48, "mr_config_id"),
            bytes(48, "mr_owner"),
            bytes(48, "mr_owner_config"),
            MemoryLayout.sequenceLayout(4, MemoryLayout.sequenceLayout(48, ValueLayout.JAVA_BYTE)).withName("rt_mr"),
            bytes(64, "report_data")).withName("sgx_report2_body_t");

    /** {@code sgx_report2_body_v1_5_t} (648 bytes): the TDX 1.0 body followed by TEE_TCB_SVN_2 and MRSERVICETD. */
    public static final GroupLayout TD_QUOTE_BODY_V5 = MemoryLayout.structLayout(Stream.concat(
            TD_QUOTE_BODY_V4.memberLayouts().stream(),
            Stream.of(bytes(16, "tee_tcb_svn_2"), bytes(48, "mr_servicetd"))).toArray(MemoryLayout[]::new))
            .withName("sgx_report2_body_v1_5_t");

    /** The v5 body descriptor that follows the header: {@code type} (u16) and {@code size} (u32), 6 bytes. */
    public static final GroupLayout V5_BODY_DESCRIPTOR = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT_UNALIGNED.withName("type"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("size")).withName("sgx_quote5_body_descriptor");

    /** The SGX REPORT body (384 bytes), here the QE report (Intel SDM Vol. 3D, "REPORT", Table 38-21). */
    public static final GroupLayout SGX_REPORT_BODY = MemoryLayout.structLayout(
            bytes(16, "cpu_svn"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("misc_select"),
            bytes(28, "reserved1"),
            bytes(16, "attributes"),
            bytes(32, "mr_enclave"),
            bytes(32, "reserved2"),
            bytes(32, "mr_signer"),
            bytes(96, "reserved3"),
            ValueLayout.JAVA_SHORT_UNALIGNED.withName("isv_prod_id"),
            ValueLayout.JAVA_SHORT_UNALIGNED.withName("isv_svn"),
            bytes(60, "reserved4"),
            bytes(64, "report_data")).withName("sgx_report_body_t");

    /**
     * The fixed start of {@code sgx_ecdsa_sig_data_v4_t} (134 bytes): quote signature, attestation key and the
     * certification data header; the certification data itself follows.
     */
    public static final GroupLayout ECDSA_SIG_DATA_HEADER = MemoryLayout.structLayout(
            bytes(64, "sig"),
            bytes(64, "attest_pub_key"),
            ValueLayout.JAVA_SHORT_UNALIGNED.withName("certification_data_type"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("certification_data_size")).withName("sgx_ecdsa_sig_data_v4_t");

    /**
     * The fixed start of {@code sgx_qe_report_certification_data_t} (certification data type 6, 450 bytes): QE
     * report, its signature and the QE auth data size; the auth data and the inner certification data follow.
     */
    public static final GroupLayout QE_REPORT_CERTIFICATION_DATA_HEADER = MemoryLayout.structLayout(
            SGX_REPORT_BODY.withName("qe_report"),
            bytes(64, "qe_report_sig"),
            ValueLayout.JAVA_SHORT_UNALIGNED.withName("qe_auth_data_size")).withName(
                    "sgx_qe_report_certification_data_t");

    /** A certification data header: type (u16) and size (u32), 6 bytes. */
    public static final GroupLayout CERTIFICATION_DATA_HEADER = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT_UNALIGNED.withName("type"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("size")).withName("sgx_ql_certification_data_t");

    // Header.
    public static final int HEADER_SIZE = (int) HEADER.byteSize();
    public static final int VERSION_OFFSET = off(HEADER, "version");
    public static final int ATT_KEY_TYPE_OFFSET = off(HEADER, "att_key_type");
    public static final int TEE_TYPE_OFFSET = off(HEADER, "tee_type");
    public static final int HEADER_RESERVED_OFFSET = off(HEADER, "reserved");
    public static final int QE_VENDOR_ID_OFFSET = off(HEADER, "qe_vendor_id");
    public static final int USER_DATA_OFFSET = off(HEADER, "user_data");
    public static final int HEADER_RESERVED_SIZE = 4;
    public static final int QE_VENDOR_ID_SIZE = 16;
    public static final int USER_DATA_SIZE = 20;

    // TD quote body, offsets relative to the body.
    public static final int TDX10_BODY_SIZE = (int) TD_QUOTE_BODY_V4.byteSize();
    public static final int TDX15_BODY_SIZE = (int) TD_QUOTE_BODY_V5.byteSize();
    public static final int BODY_TEE_TCB_SVN_OFFSET = off(TD_QUOTE_BODY_V5, "tee_tcb_svn");
    public static final int BODY_MR_SEAM_OFFSET = off(TD_QUOTE_BODY_V5, "mr_seam");
    public static final int BODY_MRSIGNER_SEAM_OFFSET = off(TD_QUOTE_BODY_V5, "mrsigner_seam");
    public static final int BODY_SEAM_ATTRIBUTES_OFFSET = off(TD_QUOTE_BODY_V5, "seam_attributes");
    public static final int BODY_TD_ATTRIBUTES_OFFSET = off(TD_QUOTE_BODY_V5, "td_attributes");
    public static final int BODY_XFAM_OFFSET = off(TD_QUOTE_BODY_V5, "xfam");
    public static final int BODY_MR_TD_OFFSET = off(TD_QUOTE_BODY_V5, "mr_td");
    public static final int BODY_MR_CONFIG_ID_OFFSET = off(TD_QUOTE_BODY_V5, "mr_config_id");
    public static final int BODY_MR_OWNER_OFFSET = off(TD_QUOTE_BODY_V5, "mr_owner");
    public static final int BODY_MR_OWNER_CONFIG_OFFSET = off(TD_QUOTE_BODY_V5, "mr_owner_config");
    public static final int BODY_RTMR0_OFFSET = off(TD_QUOTE_BODY_V5, "rt_mr");
    public static final int BODY_REPORT_DATA_OFFSET = off(TD_QUOTE_BODY_V5, "report_data");
    public static final int BODY_TEE_TCB_SVN_2_OFFSET = off(TD_QUOTE_BODY_V5, "tee_tcb_svn_2");
    public static final int BODY_MR_SERVICETD_OFFSET = off(TD_QUOTE_BODY_V5, "mr_servicetd");

    // v4 framing.
    public static final int V4_BODY_OFFSET = HEADER_SIZE;
    /** v4: offset of signature_data_len, also the end of the signed region: 632. */
    public static final int V4_SIGNATURE_DATA_LEN_OFFSET = V4_BODY_OFFSET + TDX10_BODY_SIZE;
    public static final int V4_SIGNATURE_DATA_OFFSET = V4_SIGNATURE_DATA_LEN_OFFSET + 4;

    // v5 framing.
    public static final int V5_BODY_TYPE_OFFSET = HEADER_SIZE + off(V5_BODY_DESCRIPTOR, "type");
    public static final int V5_BODY_SIZE_OFFSET = HEADER_SIZE + off(V5_BODY_DESCRIPTOR, "size");
    public static final int V5_BODY_OFFSET = HEADER_SIZE + (int) V5_BODY_DESCRIPTOR.byteSize();

    /** v5 body type: SGX enclave report (384 bytes). */
    public static final int BODY_TYPE_SGX = 1;
    /** v5 body type: TD report of TDX 1.0 (584 bytes). */
    public static final int BODY_TYPE_TDX10 = 2;
    /** v5 body type: TD report of TDX 1.5 (648 bytes). */
    public static final int BODY_TYPE_TDX15 = 3;

    // SGX report body (QE report).
    public static final int SGX_REPORT_BODY_SIZE = (int) SGX_REPORT_BODY.byteSize();
    public static final int REPORT_CPU_SVN_OFFSET = off(SGX_REPORT_BODY, "cpu_svn");
    public static final int REPORT_MISC_SELECT_OFFSET = off(SGX_REPORT_BODY, "misc_select");
    public static final int REPORT_RESERVED1_OFFSET = off(SGX_REPORT_BODY, "reserved1");
    public static final int REPORT_ATTRIBUTES_OFFSET = off(SGX_REPORT_BODY, "attributes");
    public static final int REPORT_MR_ENCLAVE_OFFSET = off(SGX_REPORT_BODY, "mr_enclave");
    public static final int REPORT_RESERVED2_OFFSET = off(SGX_REPORT_BODY, "reserved2");
    public static final int REPORT_MR_SIGNER_OFFSET = off(SGX_REPORT_BODY, "mr_signer");
    public static final int REPORT_RESERVED3_OFFSET = off(SGX_REPORT_BODY, "reserved3");
    public static final int REPORT_ISV_PROD_ID_OFFSET = off(SGX_REPORT_BODY, "isv_prod_id");
    public static final int REPORT_ISV_SVN_OFFSET = off(SGX_REPORT_BODY, "isv_svn");
    public static final int REPORT_RESERVED4_OFFSET = off(SGX_REPORT_BODY, "reserved4");
    public static final int REPORT_REPORT_DATA_OFFSET = off(SGX_REPORT_BODY, "report_data");

    // Signature data, offsets relative to its start.
    /** An ECDSA P-256 signature r‖s or public key x‖y, big-endian: 64 bytes. */
    public static final int ECDSA_P256_SIZE = 64;
    public static final int SIG_OFFSET = off(ECDSA_SIG_DATA_HEADER, "sig");
    public static final int ATTEST_PUB_KEY_OFFSET = off(ECDSA_SIG_DATA_HEADER, "attest_pub_key");
    public static final int CERTIFICATION_DATA_TYPE_OFFSET = off(ECDSA_SIG_DATA_HEADER, "certification_data_type");
    public static final int CERTIFICATION_DATA_SIZE_OFFSET = off(ECDSA_SIG_DATA_HEADER, "certification_data_size");
    /** Where the outer certification data starts inside the signature data: 134. */
    public static final int CERTIFICATION_DATA_OFFSET = (int) ECDSA_SIG_DATA_HEADER.byteSize();
    public static final int CERTIFICATION_DATA_HEADER_SIZE = (int) CERTIFICATION_DATA_HEADER.byteSize();

    // QE report certification data (type 6), offsets relative to its start.
    public static final int QE_REPORT_OFFSET = off(QE_REPORT_CERTIFICATION_DATA_HEADER, "qe_report");
    public static final int QE_REPORT_SIG_OFFSET = off(QE_REPORT_CERTIFICATION_DATA_HEADER, "qe_report_sig");
    public static final int QE_AUTH_DATA_SIZE_OFFSET = off(QE_REPORT_CERTIFICATION_DATA_HEADER,
            "qe_auth_data_size");
    /** Where the QE auth data starts inside type-6 certification data: 450. */
    public static final int QE_AUTH_DATA_OFFSET = (int) QE_REPORT_CERTIFICATION_DATA_HEADER.byteSize();

    private static int off(GroupLayout layout, String name) {
        return (int) layout.byteOffset(groupElement(name));
    }
}
