package io.github.tdx4j.attest.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.attest.format.TestData;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Reading Intel's collateral JSON: PCS v4 TCB info v3 and QE identity v2, dcap-qvl QuoteCollateralV3. */
class CollateralParsingTest {
    private static final Collateral DCAP = QuoteCollateralV3.parse(TestData.bytes("dcap-qvl/tdx_quote_outdated_collateral.json"));

    @Test
    @DisplayName("TDX TCB info v3: header fields, module identities TDX_01/TDX_03, levels sorted newest first")
    void tcbInfo() {
        TcbInfo t = TcbInfo.parse(DCAP.tcbInfo());
        assertThat(t.isTdx()).isTrue();
        assertThat(t.version()).isEqualTo(3);
        assertThat(t.fmspc()).isEqualTo("90c06f000000");
        assertThat(t.pceId()).isEqualTo("0000");
        assertThat(t.tcbEvaluationDataNumber()).isEqualTo(18);
        assertThat(t.tdxModule()).isPresent();
        assertThat(t.tdxModuleIdentities()).extracting(TdxModuleIdentity::id).contains("TDX_01", "TDX_03");
        assertThat(t.tcbLevels()).hasSize(3);
        for (int i = 1; i < t.tcbLevels().size(); i++) {
            assertThat(TcbLevel.NEWEST_FIRST.compare(t.tcbLevels().get(i - 1), t.tcbLevels().get(i))).isLessThanOrEqualTo(0);
        }
        assertThat(t.tcbLevels().getFirst().status()).isEqualTo(TcbStatus.UP_TO_DATE);
    }

    @Test
    @DisplayName("TCB info of 2023 without tdxModuleIdentities parses with an empty list")
    void olderTcbInfo() {
        Collateral c = QuoteCollateralV3.parse(TestData.bytes("go-tdx-guest/derived_collateral_v4.json"));
        TcbInfo t = TcbInfo.parse(c.tcbInfo());
        assertThat(t.tdxModuleIdentities()).isEmpty();
        assertThat(t.nextUpdate()).isEqualTo(Instant.parse("2023-07-18T08:42:58Z"));
    }

    @Test
    @DisplayName("Deviation D7: Intel's sample TCB info with SVNs above 255 (65473) is MALFORMED, not truncated to 8 bits as the QVL does")
    void largeSvns() {
        String text = new String(TestData.bytes("intel-qvl/tcbInfo.json"), StandardCharsets.UTF_8)
                .replaceFirst("(?s)^\\{\\s*\"tcbInfo\"\\s*:\\s*", "").replaceFirst("(?s),\\s*\"signature\".*$", "");
        assertThatThrownBy(() -> TcbInfo.parse(text)).isInstanceOfSatisfying(CollateralException.class, e -> {
            assertThat(e.reason()).isEqualTo(CollateralException.Reason.MALFORMED);
            assertThat(e.getMessage()).contains("'svn' is 65473, above its maximum 255");
        });
    }

    @Test
    @DisplayName("TD_QE identity v2: masks, MRSIGNER, ISVPRODID 2, levels by ISVSVN descending")
    void qeIdentity() {
        QeIdentity q = QeIdentity.parse(DCAP.qeIdentity());
        assertThat(q.id()).isEqualTo("TD_QE");
        assertThat(q.mrSigner()).isEqualTo("dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5");
        assertThat(q.isvProdId()).isEqualTo(2);
        assertThat(q.miscselectMask()).isEqualTo("ffffffff");
        for (int i = 1; i < q.tcbLevels().size(); i++) {
            assertThat(q.tcbLevels().get(i - 1).isvSvn()).isGreaterThan(q.tcbLevels().get(i).isvSvn());
        }
    }

    @Test
    @DisplayName("Unknown status, wrong version, bad hex and missing fields are MALFORMED with the field named")
    void malformed() {
        String t = DCAP.tcbInfo();
        assertThatThrownBy(() -> TcbInfo.parse(t.replace("\"UpToDate\"", "\"Great\"")))
                .isInstanceOfSatisfying(CollateralException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CollateralException.Reason.MALFORMED);
                    assertThat(e.getMessage()).contains("Great");
                });
        assertThatThrownBy(() -> TcbInfo.parse(t.replace("\"version\":3", "\"version\":2")))
                .hasMessageContaining("version 3");
        assertThatThrownBy(() -> TcbInfo.parse(t.replace("\"fmspc\":\"90C06F000000\"", "\"fmspc\":\"90C06F0000\"")))
                .hasMessageContaining("fmspc");
        assertThatThrownBy(() -> TcbInfo.parse(t.replace("\"pceId\"", "\"pceIdX\""))).hasMessageContaining("pceId");
        assertThatThrownBy(() -> TcbInfo.parse("[1,2]")).isInstanceOf(CollateralException.class);
        assertThatThrownBy(() -> QuoteCollateralV3.parse("{\"pck_crl\":\"zz\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CollateralException.class);
    }

    @Test
    @DisplayName("Collateral that is not JSON fails with one line naming line, column and byte offset, not Jackson's source excerpt")
    void syntaxErrorIsOneLine() {
        byte[] notJson = {'{', '"', 'a', '"', ':', 4, '}'};
        assertThatThrownBy(() -> QuoteCollateralV3.parse(notJson))
                .isInstanceOfSatisfying(CollateralException.class, e -> {
                    assertThat(e.getMessage()).startsWith("QuoteCollateralV3: not valid JSON: Illegal character")
                            // Jackson stops just after the offending byte 0x04 at offset 5.
                            .endsWith(" at line 1, column 7, byte offset 6").doesNotContain("\n");
                    assertThat(e.reason()).isEqualTo(CollateralException.Reason.MALFORMED);
                });
    }

    @Test
    @DisplayName("A PCS TCB info body yields the exact bytes of its tcbInfo object (go-tdx-guest sample equals the derived collateral text)")
    void pcsBody() {
        PcsResponses.SignedJson s = PcsResponses.tcbInfo(TestData.bytes("go-tdx-guest/sample_tcbInfo_response"));
        Collateral c = QuoteCollateralV3.parse(TestData.bytes("go-tdx-guest/derived_collateral_v4.json"));
        assertThat(s.text()).isEqualTo(c.tcbInfo());
        assertThat(s.signature()).isEqualTo(c.tcbInfoSignature());
        assertThat(PcsResponses.qeIdentity(TestData.bytes("go-tdx-guest/sample_qeIdentity_response")).text())
                .isEqualTo(c.qeIdentity());
        assertThatThrownBy(() -> PcsResponses.qeIdentity(TestData.bytes("go-tdx-guest/sample_tcbInfo_response")))
                .hasMessageContaining("enclaveIdentity");
    }

    @Test
    @DisplayName("Collateral assembled from go-tdx-guest's raw PCS responses and chains equals the derived QuoteCollateralV3")
    void fromRawResponses() {
        Collateral c = PcsResponses.collateral(TestData.bytes("go-tdx-guest/sample_tcbInfo_response"),
                java.net.URLEncoder.encode(new String(TestData.bytes("go-tdx-guest/tcb_info_issuer_chain.pem"),
                        StandardCharsets.US_ASCII), StandardCharsets.UTF_8),
                TestData.bytes("go-tdx-guest/sample_qeIdentity_response"),
                new String(TestData.bytes("go-tdx-guest/tcb_info_issuer_chain.pem"), StandardCharsets.US_ASCII),
                TestData.bytes("go-tdx-guest/pckcrl"),
                new String(TestData.bytes("go-tdx-guest/pck_crl_issuer_chain.pem"), StandardCharsets.US_ASCII),
                TestData.bytes("go-tdx-guest/rootcrl.der"));
        Collateral saved = QuoteCollateralV3.parse(TestData.bytes("go-tdx-guest/derived_collateral_v4.json"));
        assertThat(c.tcbInfo()).isEqualTo(saved.tcbInfo());
        assertThat(c.qeIdentity()).isEqualTo(saved.qeIdentity());
        assertThat(c.qeIdentitySignature()).isEqualTo(saved.qeIdentitySignature());
        assertThat(c.pckCrl()).isEqualTo(saved.pckCrl());
        assertThat(c.rootCaCrl()).isEqualTo(saved.rootCaCrl());
        assertThat(c.tcbInfoIssuerChain().strip()).isEqualTo(saved.tcbInfoIssuerChain().strip());
    }

    @Test
    @DisplayName("QuoteCollateralV3 written and read back is the same collateral")
    void roundTrip() {
        assertThat(QuoteCollateralV3.parse(QuoteCollateralV3.toJson(DCAP).getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(DCAP);
    }
}
