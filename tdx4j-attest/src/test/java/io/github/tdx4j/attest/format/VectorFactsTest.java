package io.github.tdx4j.attest.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.TdAttributes;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The parse facts that vectors/README.md documents for each vector, asserted on the decoded records.
 * Values there were read from the source repositories' own tests or re-derived independently of this code.
 */
class VectorFactsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String INTEL_QE_VENDOR_ID = "939a7233f79c4ca9940a0db3957f0607";
    private static final String INTEL_TD_QE_MRSIGNER =
            "dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5";

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    static Quote quote(String file) throws MalformedEvidenceException {
        return Quote.decode(TestData.bytes(file));
    }

    static QeReportCertificationData qe(Quote q) {
        return q.signatureData().qeReportCertificationData().orElseThrow();
    }

    static PckCertChain chain(Quote q) {
        return qe(q).pckCertChain().orElseThrow();
    }

    /** Facts every real (production-signed) TD quote here shares. */
    static void assertRealIntelQuote(Quote q) throws MalformedEvidenceException {
        assertThat(q.header().attestationKeyType()).isEqualTo(QuoteHeader.ATT_KEY_TYPE_ECDSA_P256);
        assertThat(q.header().teeType()).isEqualTo(0x81);
        assertThat(hex(q.header().reserved())).isEqualTo("00000000");
        assertThat(hex(q.header().qeVendorId())).isEqualTo(INTEL_QE_VENDOR_ID);
        assertThat(hex(q.header().userData())).endsWith("00000000");
        assertThat(q.signatureData().certificationData().type())
                .isEqualTo(CertificationDataType.QE_REPORT_CERTIFICATION_DATA);
        assertThat(qe(q).qeAuthData()).hasSize(32);
        assertThat(qe(q).qeReport().isvProdId()).isEqualTo(2);
        assertThat(hex(qe(q).qeReport().mrSigner())).isEqualTo(INTEL_TD_QE_MRSIGNER);
        assertThat(chain(q).encoding()).isEqualTo(PckCertChain.Encoding.PEM);
        List<X509Certificate> certs = chain(q).leafFirst();
        assertThat(certs).hasSize(3);
        assertThat(certs.get(0).getSubjectX500Principal().getName()).contains("CN=Intel SGX PCK Certificate");
        assertThat(certs.get(1).getSubjectX500Principal().getName()).contains("CN=Intel SGX PCK Platform CA");
        assertThat(certs.get(2).getSubjectX500Principal().getName()).contains("CN=Intel SGX Root CA");
        assertThat(chain(q).certificates()).isEqualTo(certs);
    }

    @Nested
    @DisplayName("go-tdx-guest/tdx_prod_quote_SPR_E4.dat (v4, 39 trailing bytes)")
    class SprE4 {
        final Quote q = quote("go-tdx-guest/tdx_prod_quote_SPR_E4.dat");

        SprE4() throws MalformedEvidenceException {
        }

        @Test
        @DisplayName("v4 header, 584-byte body, signature_data_len 4299, certification data 6 (4165) -> 5 (3677 B)")
        void structure() throws MalformedEvidenceException {
            assertRealIntelQuote(q);
            assertThat(q.header().version()).isEqualTo(4);
            assertThat(q.body().tdx15()).isFalse();
            assertThat(q.body().size()).isEqualTo(584);
            assertThat(q.signedLength()).isEqualTo(632);
            assertThat(q.signatureData().encode()).hasSize(4299);
            assertThat(qe(q).payload()).hasSize(4165);
            assertThat(chain(q).payload()).hasSize(3677);
            assertThat(chain(q).hasTrailingNul()).isFalse();
        }

        @Test
        @DisplayName("the 39 appended bytes are kept as trailingBytes")
        void trailingBytes() {
            assertThat(new String(q.trailingBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("\nextra bytes(only for testing purpose)\n");
            assertThat(q.trailingBytes()).hasSize(39);
        }

        @Test
        @DisplayName("TEE_TCB_SVN 03000400, TD attributes PKS only (SEPT_VE_DISABLE off), XFAM, MRTD, MRSEAM")
        void body() {
            assertThat(hex(q.body().teeTcbSvn())).isEqualTo("03000400000000000000000000000000");
            assertThat(q.body().tdAttributes()).isEqualTo(TdAttributes.ofBits(TdAttributes.PKS_BIT));
            assertThat(q.body().tdAttributes().septVeDisable()).isFalse();
            assertThat(q.body().xfam()).isEqualTo(0x61ae7L);
            assertThat(q.body().mrTd().hex()).isEqualTo("6363b8043668a3ad953278e10389574d326c6749fb78aa81"
                    + "0ecd9336923db86f22fc00b8dcd404bc10d5e119d7215cbb");
            assertThat(q.body().mrSeam().hex()).startsWith("2fd279c1").endsWith("c656");
        }

        @Test
        @DisplayName("QE ISVSVN 4; PCK FMSPC 50806f000000, PCESVN 11, CPUSVN 0303020202010002..., valid 2022-09-20..2029-09-20")
        void certification() throws MalformedEvidenceException {
            assertThat(qe(q).qeReport().isvSvn()).isEqualTo(4);
            PckExtensions pck = chain(q).pckExtensions();
            assertThat(hex(pck.fmspc())).isEqualTo("50806f000000");
            assertThat(pck.pceSvn()).isEqualTo(11);
            assertThat(hex(pck.cpuSvn())).isEqualTo("03030202020100020000000000000000");
            assertThat(pck.tcbComponents()).containsExactly(3, 3, 2, 2, 2, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0);
            assertThat(hex(pck.pceId())).isEqualTo("0000");
            X509Certificate leaf = chain(q).pckCertificate();
            assertThat(leaf.getNotBefore().toInstant()).isBetween(Instant.parse("2022-09-20T00:00:00Z"),
                    Instant.parse("2022-09-21T00:00:00Z"));
            assertThat(leaf.getNotAfter().toInstant()).isBetween(Instant.parse("2029-09-20T00:00:00Z"),
                    Instant.parse("2029-09-21T00:00:00Z"));
        }
    }

    @Nested
    @DisplayName("go-tdx-guest/quote_v5_sample.dat (v5, body type 3)")
    class V5Sample {
        final Quote q = quote("go-tdx-guest/quote_v5_sample.dat");

        V5Sample() throws MalformedEvidenceException {
        }

        @Test
        @DisplayName("v5 with a 648-byte TDX 1.5 body, 5006 bytes, no trailing bytes, PEM chain ending in NUL")
        void structure() throws MalformedEvidenceException {
            assertRealIntelQuote(q);
            assertThat(q.header().version()).isEqualTo(5);
            assertThat(q.bodyType()).isEqualTo(3);
            assertThat(q.body().size()).isEqualTo(648);
            assertThat(q.signedLength()).isEqualTo(54 + 648);
            assertThat(q.encode()).hasSize(5006);
            assertThat(q.trailingBytes()).isEmpty();
            assertThat(chain(q).hasTrailingNul()).isTrue();
        }

        @Test
        @DisplayName("TEE_TCB_SVN 0b010400, TEE_TCB_SVN_2 0d010400, MRSERVICETD zero, SEPT_VE_DISABLE, XFAM, MRTD")
        void body() {
            assertThat(hex(q.body().teeTcbSvn())).isEqualTo("0b010400000000000000000000000000");
            assertThat(hex(q.body().teeTcbSvn2())).isEqualTo("0d010400000000000000000000000000");
            assertThat(q.body().mrServiceTd()).contains(Measurement.zero());
            assertThat(q.body().tdAttributes()).isEqualTo(TdAttributes.ofBits(TdAttributes.SEPT_VE_DISABLE_BIT));
            assertThat(q.body().xfam()).isEqualTo(0x602e7L);
            assertThat(q.body().mrTd().hex()).isEqualTo("7348651a34b2d2d3462822e3a750ec6110125f36757c7848"
                    + "0bbfc69cc0d21fb001a1ced3ee19747dda8f750c3bc8f876");
        }

        @Test
        @DisplayName("QE ISVSVN 7; PCK FMSPC 90c06f000000, PCESVN 13, CPUSVN 0404020204010005...")
        void certification() throws MalformedEvidenceException {
            assertThat(qe(q).qeReport().isvSvn()).isEqualTo(7);
            PckExtensions pck = chain(q).pckExtensions();
            assertThat(hex(pck.fmspc())).isEqualTo("90c06f000000");
            assertThat(pck.pceSvn()).isEqualTo(13);
            assertThat(hex(pck.cpuSvn())).isEqualTo("04040202040100050000000000000000");
        }
    }

    @Nested
    @DisplayName("go-tdx-guest/ccel/cos-113-tdx-quote.dat (v4 in an 8000-byte buffer)")
    class Cos113 {
        final Quote q = quote("go-tdx-guest/ccel/cos-113-tdx-quote.dat");

        Cos113() throws MalformedEvidenceException {
        }

        @Test
        @DisplayName("3065 zero bytes of buffer padding are kept as trailingBytes")
        void padding() throws MalformedEvidenceException {
            assertRealIntelQuote(q);
            assertThat(q.trailingBytes()).isEqualTo(new byte[3065]);
            assertThat(q.withoutTrailingBytes().encode()).hasSize(8000 - 3065);
        }

        @Test
        @DisplayName("TEE_TCB_SVN 04010700, MRTD dae67181..., REPORTDATA = nonce.dat, QE ISVSVN 6, FMSPC 00806f050000")
        void facts() throws MalformedEvidenceException {
            assertThat(hex(q.body().teeTcbSvn())).startsWith("04010700");
            assertThat(q.body().mrTd().hex()).isEqualTo("dae67181d3d65e073ad8f95b7907d5e927bfe9761c9ff3e9"
                    + "b89734a45d8954dba41394c7717cb2735396c1d04231f94a");
            assertThat(q.body().reportData()).isEqualTo(TestData.bytes("go-tdx-guest/ccel/nonce.dat"))
                    .isEqualTo(new byte[64]);
            assertThat(qe(q).qeReport().isvSvn()).isEqualTo(6);
            assertThat(hex(chain(q).pckExtensions().fmspc())).isEqualTo("00806f050000");
        }
    }

    @Nested
    @DisplayName("dcap-qvl/tdx_quote (v4, 70 trailing zero bytes)")
    class DcapQvlTdxQuote {
        final Quote q = quote("dcap-qvl/tdx_quote");

        DcapQvlTdxQuote() throws MalformedEvidenceException {
        }

        @Test
        @DisplayName("5006 bytes of which 70 trailing zeros; MRTD 91eb2b44..., TEE_TCB_SVN 06010300")
        void facts() throws MalformedEvidenceException {
            assertRealIntelQuote(q);
            assertThat(q.header().version()).isEqualTo(4);
            assertThat(q.encode()).hasSize(5006);
            assertThat(q.trailingBytes()).isEqualTo(new byte[70]);
            assertThat(q.body().mrTd().hex()).isEqualTo("91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a"
                    + "3520c942a604a407de03ae6dc5f87f27428b2538873118b7");
            assertThat(hex(q.body().teeTcbSvn())).startsWith("06010300");
        }

        @Test
        @DisplayName("QE ISVSVN 6, PCESVN 11, FMSPC b0c06f000000")
        void certification() throws MalformedEvidenceException {
            assertThat(qe(q).qeReport().isvSvn()).isEqualTo(6);
            PckExtensions pck = chain(q).pckExtensions();
            assertThat(pck.pceSvn()).isEqualTo(11);
            assertThat(hex(pck.fmspc())).isEqualTo("b0c06f000000");
        }
    }

    @Test
    @DisplayName("dcap-qvl/tdx_quote_outdated: v5 body type 3, MRTD 273828c4..., PCK CPUSVN 0303020204010003..., FMSPC 90c06f000000")
    void dcapQvlOutdated() throws MalformedEvidenceException {
        Quote q = quote("dcap-qvl/tdx_quote_outdated");
        assertRealIntelQuote(q);
        assertThat(q.header().version()).isEqualTo(5);
        assertThat(q.bodyType()).isEqualTo(3);
        assertThat(q.body().mrTd().hex()).isEqualTo("273828c46252fcbdd8ad2dd907130222b03466d52a2911d7"
                + "0c1a5950895d6bd1ae451d382d5a9b1b4c0ed0e5ae9a3dbd");
        PckExtensions pck = chain(q).pckExtensions();
        assertThat(hex(pck.cpuSvn())).isEqualTo("03030202040100030000000000000000");
        assertThat(pck.tcbComponents().get(7)).as("component 8").isEqualTo(3);
        assertThat(hex(pck.fmspc())).isEqualTo("90c06f000000");
    }

    @Test
    @DisplayName("dcap-qvl/tdx-quote.hex: 0x-prefixed hex of a v4 quote with FMSPC b0c06f000000")
    void dcapQvlHex() throws MalformedEvidenceException {
        Quote q = Quote.decode(TestData.hexFile("dcap-qvl/tdx-quote.hex"));
        assertRealIntelQuote(q);
        assertThat(q.header().version()).isEqualTo(4);
        assertThat(hex(chain(q).pckExtensions().fmspc())).isEqualTo("b0c06f000000");
    }

    @Test
    @DisplayName("trustee/tdx_quote_4.dat: 4936-byte v4 of a debug TD (DEBUG + SEPT_VE_DISABLE), FMSPC 50806f000000")
    void trusteeV4() throws MalformedEvidenceException {
        Quote q = quote("trustee/tdx_quote_4.dat");
        assertRealIntelQuote(q);
        assertThat(q.header().version()).isEqualTo(4);
        assertThat(q.encode()).hasSize(4936);
        assertThat(q.trailingBytes()).isEmpty();
        assertThat(q.body().tdAttributes())
                .isEqualTo(TdAttributes.ofBits(TdAttributes.DEBUG_BIT, TdAttributes.SEPT_VE_DISABLE_BIT));
        assertThat(q.body().tdAttributes().debug()).isTrue();
        assertThat(q.body().mrTd().hex()).isEqualTo("705ee9381b8633a9fbe532b52345e8433343d2868959f578"
                + "89d84ca377c395b689cac1599ccea1b7d420483a9ce5f031");
        assertThat(hex(q.body().teeTcbSvn())).startsWith("03000500");
        PckExtensions pck = chain(q).pckExtensions();
        assertThat(hex(pck.fmspc())).isEqualTo("50806f000000");
        assertThat(pck.pceSvn()).isEqualTo(11);
        assertThat(hex(pck.cpuSvn())).isEqualTo("05050d02030100030000000000000000");
    }

    @Test
    @DisplayName("trustee/tdx_quote_5.dat: v5 TDX 1.5, TEE_TCB_SVN = TEE_TCB_SVN_2 = 05010200, MRSERVICETD 383c87d3...033d")
    void trusteeV5() throws MalformedEvidenceException {
        Quote q = quote("trustee/tdx_quote_5.dat");
        assertRealIntelQuote(q);
        assertThat(q.header().version()).isEqualTo(5);
        assertThat(q.body().tdx15()).isTrue();
        assertThat(hex(q.body().teeTcbSvn())).isEqualTo("05010200000000000000000000000000");
        assertThat(q.body().teeTcbSvn2()).isEqualTo(q.body().teeTcbSvn());
        assertThat(q.body().mrServiceTd().orElseThrow().hex()).isEqualTo("383c87d3bbb047b2d171eaca95312ede99f258088dc788f6"
                + "ae2ccf8b6dd848fe8d47629e08b3f6cbd4a00dd47a5a033d");
        assertThat(q.body().mrTd().hex()).startsWith("dfba221b").endsWith("400a");
        PckExtensions pck = chain(q).pckExtensions();
        assertThat(hex(pck.fmspc())).isEqualTo("90c06f000000");
        assertThat(hex(pck.cpuSvn())).isEqualTo("01010202030100030000000000000000");
    }

    @Test
    @DisplayName("trustee/tdx_quote_5.dat MRSERVICETD equals SERVTD_HASH of guest-components/tdx_report_1.bin")
    void mrServiceTdMatchesTdReport() throws MalformedEvidenceException {
        Quote q = quote("trustee/tdx_quote_5.dat");
        TdReport r = TdReport.decode(TestData.bytes("guest-components/tdx_report_1.bin"));
        assertThat(q.body().mrServiceTd()).contains(r.tdInfo().servTdHash());
    }

    @Test
    @DisplayName("intel-qvl/quote.dat (synthetic): QE auth data length 0, inner type 5 holds DER, root first, random TEE_TCB_SVN")
    void intelQvlSample() throws MalformedEvidenceException {
        Quote q = quote("intel-qvl/quote.dat");
        assertThat(q.encode()).hasSize(3696);
        assertThat(qe(q).qeAuthData()).isEmpty();
        assertThat(chain(q).encoding()).isEqualTo(PckCertChain.Encoding.DER);
        assertThat(chain(q).certificates().getFirst().getSubjectX500Principal().getName())
                .contains("CN=Intel SGX Root CA");
        assertThat(chain(q).pckCertificate().getSubjectX500Principal().getName())
                .contains("CN=Intel SGX PCK Certificate");
        assertThat(hex(q.body().teeTcbSvn())).startsWith("52c1a38c");
        assertThat(hex(qe(q).qeReport().mrSigner())).startsWith("e4bd9fc2");
    }

    @Test
    @DisplayName("dcap-qvl/sgx_quote: SGX ECDSA quote v3 (SgxQuote), PCK chain PEM with the PCK Processor CA")
    void sgxQuoteV3() throws MalformedEvidenceException {
        SgxQuote q = SgxQuote.decode(TestData.bytes("dcap-qvl/sgx_quote"));
        assertThat(q.header().version()).isEqualTo(3);
        assertThat(q.header().attestationKeyType()).isEqualTo(2);
        assertThat(hex(q.header().qeVendorId())).isEqualTo(INTEL_QE_VENDOR_ID);
        assertThat(q.signedBytes()).hasSize(432);
        assertThat(q.encode()).hasSize(4600);
        PckCertChain chain = q.qeReportCertificationData().pckCertChain().orElseThrow();
        assertThat(chain.encoding()).isEqualTo(PckCertChain.Encoding.PEM);
        List<X509Certificate> certs = chain.leafFirst();
        assertThat(certs).hasSize(3);
        assertThat(certs.get(1).getSubjectX500Principal().getName()).contains("CN=Intel SGX PCK Processor CA");
        assertThat(chain.pckExtensions().tcbComponents()).hasSize(16);
    }
}
