package io.github.tdx4j.abi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Offsets and sizes against the spec tables (TDX Module ABI v1.5 TDREPORT_STRUCT; GHCI GetQuote buffer). */
class LayoutTest {

    @Test
    @DisplayName("TDREPORT_STRUCT is 1024 bytes: REPORTMACSTRUCT 256, TEE_TCB_INFO 239, 17 reserved, TDINFO_STRUCT 512")
    void tdreportSizes() {
        assertThat(TdReportLayout.SIZE).isEqualTo(1024);
        assertThat(TdReportLayout.REPORTMACSTRUCT.byteSize()).isEqualTo(256);
        assertThat(TdReportLayout.TEE_TCB_INFO_SIZE).isEqualTo(239);
        assertThat(TdReportLayout.TEE_TCB_INFO_OFFSET).isEqualTo(256);
        assertThat(TdReportLayout.TDINFO_OFFSET).isEqualTo(512);
        assertThat(TdReportLayout.TDINFO_SIZE).isEqualTo(512);
    }

    @Test
    @DisplayName("REPORTMACSTRUCT offsets: CPUSVN 16, TEE_TCB_INFO_HASH 32, TEE_INFO_HASH 80, REPORTDATA 128, MAC 224")
    void reportMacOffsets() {
        assertThat(TdReportLayout.REPORTTYPE_OFFSET).isZero();
        assertThat(TdReportLayout.CPUSVN_OFFSET).isEqualTo(16);
        assertThat(TdReportLayout.TEE_TCB_INFO_HASH_OFFSET).isEqualTo(32);
        assertThat(TdReportLayout.TEE_INFO_HASH_OFFSET).isEqualTo(80);
        assertThat(TdReportLayout.REPORTDATA_OFFSET).isEqualTo(128);
        assertThat(TdReportLayout.MAC_OFFSET).isEqualTo(224);
    }

    @Test
    @DisplayName("TEE_TCB_INFO offsets: TEE_TCB_SVN 264, MRSEAM 280, MRSIGNERSEAM 328, ATTRIBUTES 376, TEE_TCB_SVN2 384")
    void teeTcbInfoOffsets() {
        assertThat(TdReportLayout.TEE_TCB_SVN_OFFSET).isEqualTo(264);
        assertThat(TdReportLayout.MRSEAM_OFFSET).isEqualTo(280);
        assertThat(TdReportLayout.MRSIGNERSEAM_OFFSET).isEqualTo(328);
        assertThat(TdReportLayout.SEAM_ATTRIBUTES_OFFSET).isEqualTo(376);
        assertThat(TdReportLayout.TEE_TCB_SVN2_OFFSET).isEqualTo(384);
    }

    @Test
    @DisplayName("TDINFO offsets as in Linux tdx-guest.c: attributes 512, xfam 520, mrtd 528 ... rtmr3 864, servtd_hash 912")
    void tdinfoOffsets() {
        assertThat(TdReportLayout.ATTRIBUTES_OFFSET).isEqualTo(512);
        assertThat(TdReportLayout.XFAM_OFFSET).isEqualTo(520);
        assertThat(TdReportLayout.MRTD_OFFSET).isEqualTo(528);
        assertThat(TdReportLayout.MRCONFIGID_OFFSET).isEqualTo(576);
        assertThat(TdReportLayout.MROWNER_OFFSET).isEqualTo(624);
        assertThat(TdReportLayout.MROWNERCONFIG_OFFSET).isEqualTo(672);
        assertThat(TdReportLayout.rtmrOffset(0)).isEqualTo(720);
        assertThat(TdReportLayout.rtmrOffset(1)).isEqualTo(768);
        assertThat(TdReportLayout.rtmrOffset(2)).isEqualTo(816);
        assertThat(TdReportLayout.rtmrOffset(3)).isEqualTo(864);
        assertThat(TdReportLayout.SERVTD_HASH_OFFSET).isEqualTo(912);
    }

    @Test
    @DisplayName("GetQuote buffer header: version 0, status 8, in_len 16, out_len 20, data 24")
    void getQuoteHeader() {
        assertThat(GetQuoteBufferLayout.VERSION_OFFSET).isZero();
        assertThat(GetQuoteBufferLayout.STATUS_OFFSET).isEqualTo(8);
        assertThat(GetQuoteBufferLayout.IN_LEN_OFFSET).isEqualTo(16);
        assertThat(GetQuoteBufferLayout.OUT_LEN_OFFSET).isEqualTo(20);
        assertThat(GetQuoteBufferLayout.DATA_OFFSET).isEqualTo(24);
        assertThat(GetQuoteBufferLayout.MAX_BUFFER_SIZE).isEqualTo(131072);
    }
}
