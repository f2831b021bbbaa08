package io.github.tdx4j.attest.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.TdAttributes;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** TDREPORT_STRUCT decoding: the real TDX 1.5 report, the hash self-check, the 1.0 layout and bad input. */
class TdReportTest {
    private static final HexFormat HEX = HexFormat.of();
    private final byte[] bytes = TestData.bytes("guest-components/tdx_report_1.bin");

    private static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    @Test
    @DisplayName("tdx_report_1.bin: REPORTTYPE 81 00 01 00 (TDX, subtype 0, version 1 = TDX 1.5 layout), CPUSVN, zero REPORTDATA")
    void reportMacStruct() throws MalformedEvidenceException {
        TdReport r = TdReport.decode(bytes);
        assertThat(r.reportMacStruct().reportType()).isEqualTo(new ReportType(0x81, 0, 1, 0));
        assertThat(r.reportMacStruct().reportType().isTdx15Layout()).isTrue();
        assertThat(hex(r.reportMacStruct().cpuSvn())).isEqualTo("0202181a03ff00060000000000000000");
        assertThat(r.reportData()).isEqualTo(new byte[64]);
    }

    @Test
    @DisplayName("tdx_report_1.bin: TEE_TCB_INFO VALID 0x301ff, TEE_TCB_SVN = TEE_TCB_SVN2 = 05010200, MRSEAM 1cc6a17a...fa04")
    void teeTcbInfo() throws MalformedEvidenceException {
        TeeTcbInfo t = TdReport.decode(bytes).teeTcbInfo();
        assertThat(t.valid()).isEqualTo(0x301ffL);
        assertThat(hex(t.teeTcbSvn())).isEqualTo("05010200000000000000000000000000");
        assertThat(hex(t.teeTcbSvn2())).isEqualTo("05010200000000000000000000000000");
        assertThat(t.mrSeam().hex()).startsWith("1cc6a17a").endsWith("fa04");
        assertThat(t.mrSignerSeam()).isEqualTo(Measurement.zero());
        assertThat(t.attributes()).isZero();
    }

    @Test
    @DisplayName("tdx_report_1.bin: TDINFO attributes SEPT_VE_DISABLE, XFAM 0x642e7, MRTD, RTMR0/1 as the source test asserts, RTMR2/3 zero, SERVTD_HASH")
    void tdInfo() throws MalformedEvidenceException {
        TdInfo d = TdReport.decode(bytes).tdInfo();
        assertThat(d.attributes()).isEqualTo(TdAttributes.ofBits(TdAttributes.SEPT_VE_DISABLE_BIT));
        assertThat(d.xfam()).isEqualTo(0x642e7L);
        assertThat(d.mrTd().hex()).isEqualTo("98bbc39e3e27b4cb27ed6d21870b187738f64ec44b9f3f93"
                + "d603b35a84e610dcb45f1b6d79c648c7bf8e68f7a37b8ab5");
        assertThat(d.rtmr(0).hex()).isEqualTo("f4ec1a04670fe7926cd5de4aef9aaa7689ab4ceaa132d7c5"
                + "242b47f67dfaaea64c372a17ad68fef9a6ac99aabbddabdc");
        assertThat(d.rtmr(1).hex()).isEqualTo("4e5f8826653198ab4bc5156fbe4bc99db054c0b8239a16c4"
                + "b59249fb427f4acc50eed1b46a85c7d526c4e1e47621b14c");
        assertThat(d.rtmr(2)).isEqualTo(Measurement.zero());
        assertThat(d.rtmr(3)).isEqualTo(Measurement.zero());
        assertThat(d.servTdHash().hex()).startsWith("383c87d3").endsWith("033d");
    }

    @Test
    @DisplayName("TEE_TCB_INFO_HASH = SHA-384(bytes 256..494) and TEE_INFO_HASH = SHA-384(bytes 512..1023) on the real report")
    void hashSelfCheck() throws Exception {
        TdReport r = TdReport.decode(bytes);
        MessageDigest sha384 = MessageDigest.getInstance("SHA-384");
        assertThat(r.reportMacStruct().teeTcbInfoHash()).isEqualTo(sha384.digest(Arrays.copyOfRange(bytes, 256, 495)));
        assertThat(r.reportMacStruct().teeInfoHash()).isEqualTo(sha384.digest(Arrays.copyOfRange(bytes, 512, 1024)));
        assertThat(r.hashesConsistent()).isTrue();
        assertThat(r.withComputedHashes()).isEqualTo(r);
    }

    @Test
    @DisplayName("a changed MRTD breaks TEE_INFO_HASH; withComputedHashes() repairs it as TDG.MR.REPORT would")
    void tamperedReportFailsSelfCheck() throws MalformedEvidenceException {
        byte[] tampered = bytes.clone();
        tampered[528] ^= 1;
        TdReport r = TdReport.decode(tampered);
        assertThat(r.hashesConsistent()).isFalse();
        assertThat(r.withComputedHashes().hashesConsistent()).isTrue();
    }

    @Test
    @DisplayName("go-tdx-guest/report.dat (random bytes) is rejected: REPORTTYPE.TYPE 0x0f at offset 0")
    void goTdxGuestMockReportIsNotATdReport() {
        byte[] mock = TestData.bytes("go-tdx-guest/report.dat");
        assertThat(mock).hasSize(1024);
        assertThatThrownBy(() -> TdReport.decode(mock)).isInstanceOfSatisfying(MalformedEvidenceException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(MalformedEvidenceException.Code.MALFORMED_TDREPORT);
                    assertThat(e.field()).isEqualTo("REPORTTYPE.TYPE");
                    assertThat(e.offset()).isZero();
                    assertThat(e.getMessage()).contains("0x0f");
                });
    }

    @Test
    @DisplayName("go-tdx-guest/report.dat with TYPE forced to 0x81 still fails the hash self-check")
    void goTdxGuestMockReportHashesDoNotMatch() throws MalformedEvidenceException {
        byte[] mock = TestData.bytes("go-tdx-guest/report.dat");
        mock[0] = (byte) 0x81;
        assertThat(TdReport.decode(mock).hashesConsistent()).isFalse();
    }

    @Test
    @DisplayName("a TDREPORT that is not 1024 bytes is MALFORMED_TDREPORT")
    void wrongLength() {
        for (int len : new int[] {0, 1, 1023, 1025}) {
            byte[] b = Arrays.copyOf(bytes, len);
            assertThatThrownBy(() -> TdReport.decode(b)).isInstanceOfSatisfying(MalformedEvidenceException.class,
                    e -> assertThat(e.code()).isEqualTo(MalformedEvidenceException.Code.MALFORMED_TDREPORT));
        }
    }

    @Test
    @DisplayName("a TDX 1.0 report (REPORTTYPE.VERSION 0) decodes in the same layout and round-trips")
    void tdx10Layout() throws MalformedEvidenceException {
        byte[] v0 = bytes.clone();
        v0[2] = 0;
        TdReport r = TdReport.decode(v0);
        assertThat(r.reportMacStruct().reportType().isTdx15Layout()).isFalse();
        assertThat(r.encode()).isEqualTo(v0);
    }

    @Test
    @DisplayName("records are immutable: accessors and constructors copy byte arrays; equality is by value; toString is hex")
    void immutability() throws MalformedEvidenceException {
        TdReport r = TdReport.decode(bytes);
        r.tdInfo().mrTd().toByteArray()[0] ^= 1;
        r.tdInfo().rtmr(0).toByteArray()[0] ^= 1;
        assertThatThrownBy(() -> r.tdInfo().rtmrs().set(0, Measurement.zero()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(r.encode()).isEqualTo(bytes);
        assertThat(TdReport.decode(bytes.clone())).isEqualTo(r).hasSameHashCodeAs(r);
        assertThat(r.toString()).contains("98bbc39e3e27b4cb");
    }

    @Test
    @DisplayName("every TD quote body field comes from its TDREPORT field (TdQuoteBody.fromReport)")
    void quoteBodyFromReport() throws MalformedEvidenceException {
        TdReport r = TdReport.decode(bytes);
        TdQuoteBody body = TdQuoteBody.fromReport(r, true);
        assertThat(body.mrTd()).isEqualTo(r.tdInfo().mrTd());
        assertThat(body.teeTcbSvn2()).isEqualTo(r.teeTcbInfo().teeTcbSvn2());
        assertThat(body.mrServiceTd()).contains(r.tdInfo().servTdHash());
        assertThat(body.encode()).hasSize(648);
        assertThat(TdQuoteBody.fromReport(r, false).encode()).hasSize(584);
        // Quote body offset k maps to a TDREPORT_STRUCT offset (Intel TDX Module ABI Specification, "TDREPORT_STRUCT";
        // TdReportLayout): MRTD at 528 (TDINFO 512 + 16), TEE_TCB_SVN at 264 (TEE_TCB_INFO 256 + 8), RTMR0..3 at
        // 720, SERVTD_HASH at 912.
        byte[] encoded = body.encode();
        assertThat(Arrays.copyOfRange(encoded, 136, 184)).isEqualTo(Arrays.copyOfRange(bytes, 528, 576));
        assertThat(Arrays.copyOfRange(encoded, 0, 16)).isEqualTo(Arrays.copyOfRange(bytes, 264, 280));
        assertThat(Arrays.copyOfRange(encoded, 328, 520)).isEqualTo(Arrays.copyOfRange(bytes, 720, 912));
        assertThat(Arrays.copyOfRange(encoded, 600, 648)).isEqualTo(Arrays.copyOfRange(bytes, 912, 960));
    }
}
