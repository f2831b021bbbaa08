package io.github.tdx4j.attest.verify;

import static io.github.tdx4j.attest.verify.Vectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.format.QeReportCertificationData;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.QuoteLayout;
import io.github.tdx4j.attest.format.QuoteSignatureData;
import io.github.tdx4j.attest.format.SgxReportBody;
import java.math.BigInteger;
import java.security.MessageDigest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * End-to-end checks that need collateral Intel never published: dcap-qvl/tdx_quote (re-certified by a
 * {@link TestPki}) against its real TCB info and QE identity with one field edited and the text re-signed by the test
 * TCB signing key. Each edit must change the verdict the way Intel's QVL would.
 */
class ResignedCollateralTest {
    private static final String TDX_01 = "{\"id\":\"TDX_01\",\"mrsigner\":\"" + "00".repeat(48) + "\"";
    private static final String TDX_01_UP_TO_DATE = "\"tcbLevels\":[{\"tcb\":{\"isvsvn\":4},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"}";
    private static TestPki pki;
    private static byte[] quote;
    private static Collateral real;
    /** One verifier per test: no cache filled by another test (or, under PIT, another mutant) answers here. */
    private QuoteVerifier verifier;
    private static byte[] rootCrl;
    private static byte[] pckCrl;

    @BeforeEach
    void freshVerifier() {
        verifier = QuoteVerifier.builder().trustedRoot(pki.trustedRoot()).build();
    }

    @BeforeAll
    static void setUp() throws Exception {
        byte[] realQuote = Vectors.quote(DCAP_TDX);
        pki = new TestPki(Quote.decode(realQuote).signatureData().qeReportCertificationData().orElseThrow()
                .pckCertChain().orElseThrow().certificates().getFirst());
        quote = pki.recertify(realQuote);
        real = Vectors.collateral(DCAP_TDX_COLLATERAL);
        rootCrl = pki.crl(pki.root, pki.rootKeys.getPrivate(), BigInteger.TEN);
        pckCrl = pki.crl(pki.pckCa, pki.pckCaKeys.getPrivate(), BigInteger.TEN);
    }

    private VerificationResult withTcbInfo(String from, String to) throws Exception {
        String text = real.tcbInfo();
        assertThat(text).contains(from);
        return verifier.verify(quote, pki.collateral(real.withTcbInfo(text.replace(from, to), new byte[64]),
                rootCrl, pckCrl), AT_2025_07_01);
    }

    private VerificationResult withQeIdentity(String from, String to) throws Exception {
        String text = real.qeIdentity();
        assertThat(text).contains(from);
        return verifier.verify(quote, pki.collateral(real.withQeIdentity(text.replace(from, to), new byte[64]),
                rootCrl, pckCrl), AT_2025_07_01);
    }

    private static ErrorCode code(VerificationResult r) {
        assertThat(r).isInstanceOf(VerificationResult.Failed.class);
        return ((VerificationResult.Failed) r).code();
    }

    private static VerificationResult.Verified verified(VerificationResult r) {
        assertThat(r).isInstanceOf(VerificationResult.Verified.class);
        return (VerificationResult.Verified) r;
    }

    @Test
    @DisplayName("Unedited, re-signed collateral: UpToDate (the harness is sound)")
    void unedited() throws Exception {
        assertThat(verified(withTcbInfo("\"id\":\"TDX\"", "\"id\":\"TDX\"")).status()).isEqualTo(TcbStatus.UP_TO_DATE);
    }

    @Test
    @DisplayName("TCB info pceId 0001 against the PCK's 0000: PCEID_MISMATCH (QVL 4.1.2.4.10)")
    void pceIdMismatch() throws Exception {
        assertThat(code(withTcbInfo("\"pceId\":\"0000\"", "\"pceId\":\"0001\""))).isEqualTo(ErrorCode.PCEID_MISMATCH);
    }

    @Test
    @DisplayName("An SGX TCB info for a TD quote: TCB_INFO_MISMATCH (QVL 4.1.2.4.9); with tdxModule left in it: MALFORMED_COLLATERAL (QVL parsePartV3)")
    void sgxTcbInfoForTdQuote() throws Exception {
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(real.tcbInfo());
        json.put("id", "SGX");
        json.remove("tdxModule");
        json.remove("tdxModuleIdentities");
        json.get("tcbLevels").forEach(l -> ((com.fasterxml.jackson.databind.node.ObjectNode) l.get("tcb"))
                .remove("tdxtcbcomponents"));
        String sgx = json.toString();
        assertThat(sgx).doesNotContain("tdx");
        assertThat(code(verifier.verify(quote, pki.collateral(real.withTcbInfo(sgx, new byte[64]), rootCrl, pckCrl),
                AT_2025_07_01))).isEqualTo(ErrorCode.TCB_INFO_MISMATCH);
        assertThat(code(withTcbInfo("\"id\":\"TDX\"", "\"id\":\"SGX\""))).isEqualTo(ErrorCode.MALFORMED_COLLATERAL);
    }

    @Test
    @DisplayName("Module identity TDX_01 with another MRSIGNER: TDX_MODULE_MISMATCH (QVL 4.1.2.4.11)")
    void moduleSigner() throws Exception {
        String other = "{\"id\":\"TDX_01\",\"mrsigner\":\"" + "11".repeat(48) + "\"";
        assertThat(code(withTcbInfo(TDX_01, other))).isEqualTo(ErrorCode.TDX_MODULE_MISMATCH);
    }

    @Test
    @DisplayName("Module identity TDX_01 attributes 0100000000000000 under a zero mask: TDX_MODULE_MISMATCH, the mask is not applied (QVL 4.1.2.4.11.2)")
    void moduleAttributesMaskNotApplied() throws Exception {
        String attributes = "\"attributes\":\"0000000000000000\",\"attributesMask\":\"FFFFFFFFFFFFFFFF\"";
        assertThat(code(withTcbInfo(TDX_01 + "," + attributes, TDX_01 + ","
                + "\"attributes\":\"0100000000000000\",\"attributesMask\":\"0000000000000000\"")))
                .isEqualTo(ErrorCode.TDX_MODULE_MISMATCH);
    }

    @Test
    @DisplayName("Module TDX_01 level raised above the TD's module SVN 6: module OutOfDate makes UpToDate OutOfDate, with the module's advisory")
    void moduleOutOfDate() throws Exception {
        var v = verified(withTcbInfo(TDX_01_UP_TO_DATE, TDX_01_UP_TO_DATE.replace("\"isvsvn\":4", "\"isvsvn\":7")
                .replace("\"UpToDate\"", "\"UpToDate\",\"advisoryIDs\":[\"INTEL-SA-99999\"]")
                .replace("\"tcbLevels\":[", "\"tcbLevels\":[{\"tcb\":{\"isvsvn\":5},\"tcbDate\":\"2024-01-01T00:00:00Z\",\"tcbStatus\":\"OutOfDate\",\"advisoryIDs\":[\"INTEL-SA-01234\"]},")));
        assertThat(v.status()).isEqualTo(TcbStatus.OUT_OF_DATE);
        assertThat(v.platformStatus()).isEqualTo(TcbStatus.UP_TO_DATE);
        assertThat(v.moduleStatus()).contains(TcbStatus.OUT_OF_DATE);
        assertThat(v.advisoryIds()).containsExactly("INTEL-SA-01234");
    }

    @Test
    @DisplayName("Module TDX_01 level Revoked: Revoked is a status, not a failure")
    void moduleRevoked() throws Exception {
        var v = verified(withTcbInfo(TDX_01_UP_TO_DATE, TDX_01_UP_TO_DATE.replace("\"UpToDate\"", "\"Revoked\"")));
        assertThat(v.status()).isEqualTo(TcbStatus.REVOKED);
    }

    @Test
    @DisplayName("QE identity with another MRSIGNER: QE_IDENTITY_MISMATCH (QVL 4.1.2.4.15)")
    void qeSigner() throws Exception {
        assertThat(code(withQeIdentity("\"mrsigner\":\"DC9E", "\"mrsigner\":\"DC9F")))
                .isEqualTo(ErrorCode.QE_IDENTITY_MISMATCH);
        assertThat(code(withQeIdentity("\"isvprodid\":2", "\"isvprodid\":1"))).isEqualTo(ErrorCode.QE_IDENTITY_MISMATCH);
        assertThat(code(withQeIdentity("\"miscselect\":\"00000000\"", "\"miscselect\":\"00000001\"")))
                .isEqualTo(ErrorCode.QE_IDENTITY_MISMATCH);
    }

    @Test
    @DisplayName("QE identity level OutOfDate turns UpToDate into OutOfDate; Revoked into Revoked; no level for ISVSVN 6: TCB_NOT_SUPPORTED")
    void qeLevels() throws Exception {
        String level = "{\"tcb\":{\"isvsvn\":4},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"}";
        var outOfDate = verified(withQeIdentity(level, level.replace("UpToDate", "OutOfDate")));
        assertThat(outOfDate.status()).isEqualTo(TcbStatus.OUT_OF_DATE);
        assertThat(outOfDate.qeStatus()).isEqualTo(TcbStatus.OUT_OF_DATE);
        assertThat(verified(withQeIdentity(level, level.replace("UpToDate", "Revoked"))).status())
                .isEqualTo(TcbStatus.REVOKED);
        assertThat(code(withQeIdentity(level, level.replace("\"isvsvn\":4", "\"isvsvn\":7"))))
                .isEqualTo(ErrorCode.TCB_NOT_SUPPORTED);
    }

    @Test
    @DisplayName("A TD_QE identity replaced by an SGX QE identity id: QE_IDENTITY_MISMATCH (QVL 4.1.2.4.14)")
    void qeIdentityId() throws Exception {
        assertThat(code(withQeIdentity("\"id\":\"TD_QE\"", "\"id\":\"QE\""))).isEqualTo(ErrorCode.QE_IDENTITY_MISMATCH);
    }

    @Test
    @DisplayName("An attestation key that is not a P-256 point, bound and certified by the QE report: UNSUPPORTED_QUOTE (QVL rawToP256PubKey)")
    void attestationKeyNotAPoint() throws Exception {
        Quote q = Quote.decode(quote);
        QeReportCertificationData qe = q.signatureData().qeReportCertificationData().orElseThrow();
        byte[] key = new byte[64];
        key[63] = 1; // (0, 1): y^2 = 1 is not x^3 - 3x + b
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(key);
        sha.update(qe.qeAuthData());
        byte[] report = qe.qeReport().encode();
        System.arraycopy(sha.digest(), 0, report, QuoteLayout.REPORT_REPORT_DATA_OFFSET, 32);
        QeReportCertificationData bound = new QeReportCertificationData(SgxReportBody.decode(report),
                TestPki.signRaw(pki.pckKeys.getPrivate(), report), qe.qeAuthData(), qe.pckCertChain().orElseThrow());
        byte[] forged = q.withSignatureData(new QuoteSignatureData(q.signatureData().signature(), key, bound)).encode();
        assertThat(code(verifier.verify(forged, pki.collateral(real, rootCrl, pckCrl), AT_2025_07_01)))
                .isEqualTo(ErrorCode.UNSUPPORTED_QUOTE);
    }
}
