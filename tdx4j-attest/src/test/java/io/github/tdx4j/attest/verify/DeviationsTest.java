package io.github.tdx4j.attest.verify;

import static io.github.tdx4j.attest.verify.Vectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.format.PckCertChain;
import io.github.tdx4j.attest.format.QeReportCertificationData;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.QuoteSignatureData;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One test per row of tdx4j-attest/DEVIATIONS.md: each builds the case where tdx4j is deliberately stricter than
 * Intel's QVL and asserts tdx4j's answer. Real vectors under Intel's root where the case needs no new signature;
 * dcap-qvl/tdx_quote re-certified by a {@link TestPki} with re-signed collateral where it does. Every test uses a
 * verifier of its own.
 */
class DeviationsTest {
    private static TestPki pki;
    private static byte[] resignedQuote;
    private static Collateral realCollateral;
    private static byte[] rootCrl;
    private static byte[] pckCrl;

    @BeforeAll
    static void setUp() throws Exception {
        byte[] realQuote = Vectors.quote(DCAP_TDX);
        pki = new TestPki(Quote.decode(realQuote).signatureData().qeReportCertificationData().orElseThrow()
                .pckCertChain().orElseThrow().certificates().getFirst());
        resignedQuote = pki.recertify(realQuote);
        realCollateral = Vectors.collateral(DCAP_TDX_COLLATERAL);
        rootCrl = pki.crl(pki.root, pki.rootKeys.getPrivate(), BigInteger.TEN);
        pckCrl = pki.crl(pki.pckCa, pki.pckCaKeys.getPrivate(), BigInteger.TEN);
    }

    private static VerificationResult real(byte[] quote, Collateral collateral, Instant at) {
        return QuoteVerifier.create().verify(quote, collateral, at);
    }

    private static VerificationResult resignedTcbInfo(String from, String to) throws Exception {
        assertThat(realCollateral.tcbInfo()).contains(from);
        Collateral c = pki.collateral(realCollateral.withTcbInfo(realCollateral.tcbInfo().replace(from, to),
                new byte[64]), rootCrl, pckCrl);
        return QuoteVerifier.builder().trustedRoot(pki.trustedRoot()).build().verify(resignedQuote, c, AT_2025_07_01);
    }

    private static void fails(VerificationResult r, ErrorCode code, String fragment) {
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Failed.class, f -> {
            assertThat(f.code()).isEqualTo(code);
            assertThat(f.detail()).contains(fragment);
        });
    }

    @Test
    @DisplayName("Deviation D1: at 2025-06-01, before the QE identity's issueDate 2025-06-19T10:32:27Z, COLLATERAL_NOT_YET_VALID")
    void notYetValid() {
        fails(real(Vectors.quote(DCAP_TDX), realCollateral, Instant.parse("2025-06-01T00:00:00Z")),
                ErrorCode.COLLATERAL_NOT_YET_VALID, "is valid only from");
    }

    @Test
    @DisplayName("Deviation D2: Intel's TCB info served with a space after each comma fails its signature (the QVL re-serialises and accepts)")
    void reformattedTcbInfo() {
        Collateral c = realCollateral.withTcbInfo(realCollateral.tcbInfo().replace(",", ", "),
                realCollateral.tcbInfoSignature());
        fails(real(Vectors.quote(DCAP_TDX), c, AT_2025_07_01), ErrorCode.TCB_INFO_SIGNATURE_INVALID,
                "does not verify over its text");
    }

    @Test
    @DisplayName("Deviation D3: Intel's QE identity served with \\u005f for '_' in TD_QE fails its signature (the QVL re-serialises and accepts)")
    void reformattedQeIdentity() {
        Collateral c = realCollateral.withQeIdentity(realCollateral.qeIdentity().replace("\"TD_QE\"", "\"TD\\u005fQE\""),
                realCollateral.qeIdentitySignature());
        fails(real(Vectors.quote(DCAP_TDX), c, AT_2025_07_01), ErrorCode.QE_IDENTITY_SIGNATURE_INVALID,
                "does not verify over its text");
    }

    @Test
    @DisplayName("Deviation D4: three bytes inside signature_data_len after the certification data: MALFORMED_QUOTE")
    void slackInsideSignatureData() {
        byte[] q = Vectors.quote(DCAP_TDX);
        int lenOffset = 48 + 584;
        long len = (q[lenOffset] & 0xFFL) | (q[lenOffset + 1] & 0xFFL) << 8 | (q[lenOffset + 2] & 0xFFL) << 16
                | (q[lenOffset + 3] & 0xFFL) << 24;
        int end = (int) (lenOffset + 4 + len);
        byte[] m = new byte[q.length + 3];
        System.arraycopy(q, 0, m, 0, end);
        System.arraycopy(q, end, m, end + 3, q.length - end);
        m[lenOffset] = (byte) (len + 3); // the low byte of 4929 + 3 does not carry into the next
        assertThat(len & 0xFF).isLessThan(0xFD);
        fails(real(m, realCollateral, AT_2025_07_01), ErrorCode.MALFORMED_QUOTE,
                "bytes left over after the structure its size covers");
    }

    @Test
    @DisplayName("Deviation D5: a PCK CRL issuer chain that is the TCB signing chain: CRL_INVALID (the QVL reads it only for dates)")
    void pckCrlIssuerChainMustVerify() throws Exception {
        Collateral c = pki.collateral(realCollateral, rootCrl, pckCrl);
        Collateral wrongChain = new Collateral(c.tcbInfoIssuerChain(), c.rootCaCrl(), c.pckCrl(),
                c.tcbInfoIssuerChain(), c.tcbInfo(), c.tcbInfoSignature(), c.qeIdentityIssuerChain(), c.qeIdentity(),
                c.qeIdentitySignature());
        fails(QuoteVerifier.builder().trustedRoot(pki.trustedRoot()).build().verify(resignedQuote, wrongChain,
                AT_2025_07_01), ErrorCode.CRL_INVALID, "issuer chain");
    }

    @Test
    @DisplayName("Deviation D6: text right after the last END CERTIFICATE footer of the quote's PCK chain: PCK_CHAIN_INVALID")
    void bytesAfterLastPemFooter() throws Exception {
        Quote q = Quote.decode(Vectors.quote(DCAP_TDX));
        QeReportCertificationData qe = q.signatureData().qeReportCertificationData().orElseThrow();
        byte[] chain = qe.pckCertChain().orElseThrow().payload();
        // The last footer directly followed by text instead of its line end (OpenSSL ignores the text).
        String text = new String(chain, StandardCharsets.US_ASCII);
        int footerEnd = text.lastIndexOf("-----END CERTIFICATE-----") + "-----END CERTIFICATE-----".length();
        byte[] withTail = (text.substring(0, footerEnd) + "p").getBytes(StandardCharsets.US_ASCII);
        QeReportCertificationData edited = new QeReportCertificationData(qe.qeReport(), qe.qeReportSignature(),
                qe.qeAuthData(), new PckCertChain(withTail));
        byte[] quote = q.withSignatureData(new QuoteSignatureData(q.signatureData().signature(),
                q.signatureData().attestationKey(), edited)).encode();
        fails(real(quote, realCollateral, AT_2025_07_01), ErrorCode.PCK_CHAIN_INVALID,
                "not a sequence of X.509 certificates");
    }

    @Test
    @DisplayName("Deviation D7: a TDX component SVN of 256 (the QVL would read 0): MALFORMED_COLLATERAL")
    void svnAbove255() throws Exception {
        fails(resignedTcbInfo("\"tdxtcbcomponents\":[{\"svn\":5,", "\"tdxtcbcomponents\":[{\"svn\":256,"),
                ErrorCode.MALFORMED_COLLATERAL, "above its maximum 255");
    }

    @Test
    @DisplayName("Deviation D8: module identity TDX_03 (not the quote's TDX_01) with a SWHardeningNeeded level: MALFORMED_COLLATERAL")
    void unusedModuleLevelStatus() throws Exception {
        String tdx03 = "\"tcbLevels\":[{\"tcb\":{\"isvsvn\":3},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"}";
        fails(resignedTcbInfo(tdx03, tdx03.replace("UpToDate", "SWHardeningNeeded")), ErrorCode.MALFORMED_COLLATERAL,
                "module levels are UpToDate, OutOfDate or Revoked");
    }

    @Test
    @DisplayName("Deviation D9: a TCB info of version 2: MALFORMED_COLLATERAL")
    void tcbInfoVersion2() throws Exception {
        fails(resignedTcbInfo("\"version\":3", "\"version\":2"), ErrorCode.MALFORMED_COLLATERAL,
                "only version 3 is supported");
    }

    @Test
    @DisplayName("Deviation D10: after the PCK CRL's nextUpdate only collateralExpired is set; after the TCB info's nextUpdate qveCollateralExpired too")
    void twoExpiryFlags() {
        // dcap-qvl/tdx_quote_collateral: PCK CRL nextUpdate 2025-07-19T10:00:35Z, TCB info 2025-07-19T10:16:03Z.
        var crlExpired = real(Vectors.quote(DCAP_TDX), realCollateral, Instant.parse("2025-07-19T10:05:00Z"));
        assertThat(crlExpired).isInstanceOfSatisfying(VerificationResult.Verified.class, v -> {
            assertThat(v.collateralExpired()).isTrue();
            assertThat(v.qveCollateralExpired()).isFalse();
        });
        var tcbExpired = real(Vectors.quote(DCAP_TDX), realCollateral, Instant.parse("2025-07-19T10:16:03Z"));
        assertThat(tcbExpired).isInstanceOfSatisfying(VerificationResult.Verified.class, v -> {
            assertThat(v.collateralExpired()).isTrue();
            assertThat(v.qveCollateralExpired()).isTrue();
        });
        var fresh = real(Vectors.quote(DCAP_TDX), realCollateral, AT_2025_07_01);
        assertThat(fresh).isInstanceOfSatisfying(VerificationResult.Verified.class, v -> {
            assertThat(v.collateralExpired()).isFalse();
            assertThat(v.qveCollateralExpired()).isFalse();
        });
    }
}
