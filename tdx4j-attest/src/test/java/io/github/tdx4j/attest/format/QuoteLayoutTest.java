package io.github.tdx4j.attest.format;

import static io.github.tdx4j.attest.format.QuoteLayout.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every offset and size of {@link QuoteLayout} against Intel's published layout: Intel TDX DCAP Quoting Library API,
 * "Quote Format" (quote header, TD quote body, v5 body descriptor, signature data), as declared in Intel DCAP
 * {@code QuoteGeneration/quote_wrapper/common/inc/sgx_quote_4.h} and {@code sgx_quote_5.h}. The section numbers in
 * the test names are this class's own grouping: 2.1 header, 2.2/2.4 framing, 2.3 body.
 */
class QuoteLayoutTest {
    @Test
    @DisplayName("2.1 quote header: 48 bytes; version 0, att_key_type 2, tee_type 4, reserved 8, qe_vendor_id 12, user_data 28")
    void header() {
        assertThat(HEADER_SIZE).isEqualTo(48);
        assertThat(new int[] {VERSION_OFFSET, ATT_KEY_TYPE_OFFSET, TEE_TYPE_OFFSET, HEADER_RESERVED_OFFSET,
                QE_VENDOR_ID_OFFSET, USER_DATA_OFFSET}).containsExactly(0, 2, 4, 8, 12, 28);
        assertThat(HEADER_RESERVED_SIZE + QE_VENDOR_ID_SIZE + USER_DATA_SIZE).isEqualTo(48 - 8);
    }

    @Test
    @DisplayName("2.3 TD quote body: 584 bytes (TDX 1.0), 648 (TDX 1.5); field offsets 0..600")
    void body() {
        assertThat(TDX10_BODY_SIZE).isEqualTo(584);
        assertThat(TDX15_BODY_SIZE).isEqualTo(648);
        assertThat(new int[] {BODY_TEE_TCB_SVN_OFFSET, BODY_MR_SEAM_OFFSET, BODY_MRSIGNER_SEAM_OFFSET,
                BODY_SEAM_ATTRIBUTES_OFFSET, BODY_TD_ATTRIBUTES_OFFSET, BODY_XFAM_OFFSET, BODY_MR_TD_OFFSET,
                BODY_MR_CONFIG_ID_OFFSET, BODY_MR_OWNER_OFFSET, BODY_MR_OWNER_CONFIG_OFFSET, BODY_RTMR0_OFFSET,
                BODY_REPORT_DATA_OFFSET, BODY_TEE_TCB_SVN_2_OFFSET, BODY_MR_SERVICETD_OFFSET})
                .containsExactly(0, 16, 64, 112, 120, 128, 136, 184, 232, 280, 328, 520, 584, 600);
        assertThat(TD_QUOTE_BODY_V4.byteOffset(
                java.lang.foreign.MemoryLayout.PathElement.groupElement("report_data"))).isEqualTo(520);
    }

    @Test
    @DisplayName("2.2/2.4 framing: v4 signature_data_len at 632, data at 636; v5 body type 48, size 50, body 54")
    void framing() {
        assertThat(V4_BODY_OFFSET).isEqualTo(48);
        assertThat(V4_SIGNATURE_DATA_LEN_OFFSET).isEqualTo(632);
        assertThat(V4_SIGNATURE_DATA_OFFSET).isEqualTo(636);
        assertThat(new int[] {V5_BODY_TYPE_OFFSET, V5_BODY_SIZE_OFFSET, V5_BODY_OFFSET}).containsExactly(48, 50, 54);
        assertThat(new int[] {BODY_TYPE_SGX, BODY_TYPE_TDX10, BODY_TYPE_TDX15}).containsExactly(1, 2, 3);
    }

    @Test
    @DisplayName("2.5 signature data: sig 0, key 64, cert type 128, size 130, data 134; QE report cert data: report 0, sig 384, auth size 448, auth 450")
    void signatureData() {
        assertThat(new int[] {SIG_OFFSET, ATTEST_PUB_KEY_OFFSET, CERTIFICATION_DATA_TYPE_OFFSET,
                CERTIFICATION_DATA_SIZE_OFFSET, CERTIFICATION_DATA_OFFSET}).containsExactly(0, 64, 128, 130, 134);
        assertThat(new int[] {QE_REPORT_OFFSET, QE_REPORT_SIG_OFFSET, QE_AUTH_DATA_SIZE_OFFSET, QE_AUTH_DATA_OFFSET})
                .containsExactly(0, 384, 448, 450);
        assertThat(CERTIFICATION_DATA_HEADER_SIZE).isEqualTo(6);
        assertThat(ECDSA_P256_SIZE).isEqualTo(64);
    }

    @Test
    @DisplayName("2.5 absolute v4 offsets: 700 key, 764 cert type, 766 size, 770 QE report, 1154 QE sig, 1218 auth size, 1220 auth, 1252 inner type (32-byte auth)")
    void absoluteV4Offsets() {
        int sd = V4_SIGNATURE_DATA_OFFSET;
        int cert = sd + CERTIFICATION_DATA_OFFSET;
        assertThat(sd + ATTEST_PUB_KEY_OFFSET).isEqualTo(700);
        assertThat(sd + CERTIFICATION_DATA_TYPE_OFFSET).isEqualTo(764);
        assertThat(sd + CERTIFICATION_DATA_SIZE_OFFSET).isEqualTo(766);
        assertThat(cert + QE_REPORT_OFFSET).isEqualTo(770);
        assertThat(cert + QE_REPORT_SIG_OFFSET).isEqualTo(1154);
        assertThat(cert + QE_AUTH_DATA_SIZE_OFFSET).isEqualTo(1218);
        assertThat(cert + QE_AUTH_DATA_OFFSET).isEqualTo(1220);
        assertThat(cert + QE_AUTH_DATA_OFFSET + 32).isEqualTo(1252);
    }

    @Test
    @DisplayName("SGX report body (SDM Table 38-21): 384 bytes; CPUSVN 0, MISCSELECT 16, ATTRIBUTES 48, MRENCLAVE 64, MRSIGNER 128, ISVPRODID 256, ISVSVN 258, REPORTDATA 320")
    void sgxReportBody() {
        assertThat(SGX_REPORT_BODY_SIZE).isEqualTo(384);
        assertThat(new int[] {REPORT_CPU_SVN_OFFSET, REPORT_MISC_SELECT_OFFSET, REPORT_RESERVED1_OFFSET,
                REPORT_ATTRIBUTES_OFFSET, REPORT_MR_ENCLAVE_OFFSET, REPORT_RESERVED2_OFFSET, REPORT_MR_SIGNER_OFFSET,
                REPORT_RESERVED3_OFFSET, REPORT_ISV_PROD_ID_OFFSET, REPORT_ISV_SVN_OFFSET, REPORT_RESERVED4_OFFSET,
                REPORT_REPORT_DATA_OFFSET}).containsExactly(0, 16, 20, 48, 64, 96, 128, 160, 256, 258, 260, 320);
    }
}
