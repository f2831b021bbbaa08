package io.github.tdx4j.attest.verify;

import static io.github.tdx4j.attest.verify.Vectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.QuoteLayout;
import java.math.BigInteger;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Cases where tdx4j used to differ from Intel's current QVL (intel/confidential-computing.tee.dcap.qvl), each built
 * with re-signed collateral (and, for the TDX 1.5 cases, a quote signed anew by a {@link TestPki}) and each with the
 * QVL's verdict: QE identity level statuses, unmasked expected QE values, SGX quotes of another TEE type, TCB info
 * the QVL refuses, TEE_TCB_SVN_2 and the relaunch advice. Every case uses a verifier of its own.
 */
class QvlSemanticsTest {
    private static final String QE_LEVEL =
            "{\"tcb\":{\"isvsvn\":4},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"}";
    /** Where a v5 quote's body starts: after the header and the body descriptor (type u16, size u32). */
    private static final int V5_BODY = 48 + 6;
    private static TestPki v4Pki;
    private static byte[] v4Quote;
    private static Collateral v4Collateral;
    private static TestPki v5Pki;
    private static byte[] v5Real;
    private static Collateral v5Collateral;

    @BeforeAll
    static void setUp() throws Exception {
        byte[] real = Vectors.quote(DCAP_TDX);
        v4Pki = new TestPki(pck(real));
        v4Quote = v4Pki.recertify(real);
        v4Collateral = Vectors.collateral(DCAP_TDX_COLLATERAL);
        v5Real = Vectors.quote(GO_V5);
        v5Pki = new TestPki(pck(v5Real));
        v5Collateral = Vectors.collateral(GO_V5_HYBRID);
    }

    private static java.security.cert.X509Certificate pck(byte[] quote) throws Exception {
        return Quote.decode(quote).signatureData().qeReportCertificationData().orElseThrow().pckCertChain()
                .orElseThrow().certificates().getFirst();
    }

    private static Collateral signed(TestPki pki, Collateral c) throws Exception {
        return pki.collateral(c, pki.crl(pki.root, pki.rootKeys.getPrivate(), BigInteger.TEN),
                pki.crl(pki.pckCa, pki.pckCaKeys.getPrivate(), BigInteger.TEN));
    }

    private static VerificationResult v4(Collateral unsigned) throws Exception {
        return QuoteVerifier.builder().trustedRoot(v4Pki.trustedRoot()).build()
                .verify(v4Quote, signed(v4Pki, unsigned), AT_2025_07_01);
    }

    private static VerificationResult qeIdentity(String from, String to) throws Exception {
        assertThat(v4Collateral.qeIdentity()).contains(from);
        return v4(v4Collateral.withQeIdentity(v4Collateral.qeIdentity().replace(from, to), new byte[64]));
    }

    private static VerificationResult tcbInfo(String from, String to) throws Exception {
        assertThat(v4Collateral.tcbInfo()).contains(from);
        return v4(v4Collateral.withTcbInfo(v4Collateral.tcbInfo().replace(from, to), new byte[64]));
    }

    /** The v5 TDX 1.5 sample quote with TEE_TCB_SVN / TEE_TCB_SVN_2 edited, against the re-signed hybrid collateral. */
    private static VerificationResult v5(Consumer<byte[]> edit, Collateral unsigned) throws Exception {
        return QuoteVerifier.builder().trustedRoot(v5Pki.trustedRoot()).build()
                .verify(v5Pki.forge(v5Real, edit), signed(v5Pki, unsigned), AT_2026_02_25);
    }

    private static void fails(VerificationResult r, ErrorCode code, String fragment) {
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Failed.class, f -> {
            assertThat(f.code()).isEqualTo(code);
            assertThat(f.detail()).contains(fragment);
        });
    }

    private static void status(VerificationResult r, TcbStatus expected) {
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Verified.class,
                v -> assertThat(v.status()).isEqualTo(expected));
    }

    @ParameterizedTest(name = "QE identity level status {0}: MALFORMED_COLLATERAL, never UpToDate")
    @ValueSource(strings = {"SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded",
            "OutOfDateConfigurationNeeded", "TDRelaunchAdvised", "Unknown", "uptodate"})
    @DisplayName("QE identity levels are UpToDate, OutOfDate or Revoked only (QVL IdentityTcbLevel.cpp: unsupported format)")
    void qeIdentityLevelStatus(String status) throws Exception {
        fails(qeIdentity(QE_LEVEL, QE_LEVEL.replace("UpToDate", status)), ErrorCode.MALFORMED_COLLATERAL,
                "is not a QE identity level status");
    }

    @Test
    @DisplayName("QE identity levels UpToDate, OutOfDate and Revoked keep their meaning (harness)")
    void qeIdentityValidStatuses() throws Exception {
        status(qeIdentity(QE_LEVEL, QE_LEVEL), TcbStatus.UP_TO_DATE);
        status(qeIdentity(QE_LEVEL, QE_LEVEL.replace("UpToDate", "OutOfDate")), TcbStatus.OUT_OF_DATE);
        status(qeIdentity(QE_LEVEL, QE_LEVEL.replace("UpToDate", "Revoked")), TcbStatus.REVOKED);
    }

    @Test
    @DisplayName("Two QE identity levels of ISVSVN 4: the later tcbDate is the QE's level whatever the JSON order (QVL IdentityTcbLevel::operator>); the same date twice is MALFORMED_COLLATERAL")
    void qeLevelsOfOneSvn() throws Exception {
        String later = QE_LEVEL.replace("2024-03-13", "2024-05-01").replace("UpToDate", "OutOfDate");
        status(qeIdentity(QE_LEVEL, QE_LEVEL + "," + later), TcbStatus.OUT_OF_DATE);
        status(qeIdentity(QE_LEVEL, later + "," + QE_LEVEL), TcbStatus.OUT_OF_DATE);
        fails(qeIdentity(QE_LEVEL, QE_LEVEL + "," + QE_LEVEL.replace("UpToDate", "OutOfDate")),
                ErrorCode.MALFORMED_COLLATERAL, "two TCB levels have isvsvn 4");
    }

    @Test
    @DisplayName("QE identity miscselect 00000001 under mask FFFFFFFE: the expected value is not masked, QE_IDENTITY_MISMATCH (QVL 4.1.2.9.5)")
    void miscselectOutsideMask() throws Exception {
        fails(qeIdentity("\"miscselect\":\"00000000\",\"miscselectMask\":\"FFFFFFFF\"",
                "\"miscselect\":\"00000001\",\"miscselectMask\":\"FFFFFFFE\""), ErrorCode.QE_IDENTITY_MISMATCH,
                "MISCSELECT");
    }

    @Test
    @DisplayName("QE identity attributes with a bit where the mask is 0: the expected value is not masked, QE_IDENTITY_MISMATCH (QVL 4.1.2.9.6)")
    void attributesOutsideMask() throws Exception {
        fails(qeIdentity("\"attributes\":\"11000000000000000000000000000000\"",
                "\"attributes\":\"11000000000000000000000000000001\""), ErrorCode.QE_IDENTITY_MISMATCH,
                "ATTRIBUTES");
    }

    @Test
    @DisplayName("An SGX v3 quote whose TEE type is 0x81: UNSUPPORTED_QUOTE (QVL Quote::validate), not verified")
    void sgxQuoteWithTdxTeeType() {
        byte[] q = Vectors.quote("dcap-qvl/sgx_quote");
        q[QuoteLayout.TEE_TYPE_OFFSET] = (byte) 0x81;
        fails(QuoteVerifier.create().verify(q, Vectors.collateral("dcap-qvl/sgx_quote_collateral.json"),
                AT_2025_07_01), ErrorCode.UNSUPPORTED_QUOTE, "TEE type 0x81");
    }

    @Test
    @DisplayName("TCB info with two levels of the same SVNs: MALFORMED_COLLATERAL (QVL 'Detected duplicated TCB levels')")
    void duplicateTcbLevels() throws Exception {
        String levels = "\"tcbLevels\":[";
        int start = v4Collateral.tcbInfo().lastIndexOf(levels) + levels.length(); // the platform levels come last
        int end = v4Collateral.tcbInfo().indexOf("},{\"tcb\":{\"sgxtcbcomponents\"", start) + 1;
        String first = v4Collateral.tcbInfo().substring(start, end);
        fails(tcbInfo(levels + first, levels + first + "," + first.replace("\"UpToDate\"", "\"OutOfDate\"")),
                ErrorCode.MALFORMED_COLLATERAL, "two TCB levels have the same SVNs");
    }

    @Test
    @DisplayName("TCB info of tcbType 1: MALFORMED_COLLATERAL (QVL 4.1.2.7.4, only type 0 is defined)")
    void tcbType() throws Exception {
        fails(tcbInfo("\"tcbType\":0", "\"tcbType\":1"), ErrorCode.MALFORMED_COLLATERAL, "tcbType 1 is not supported");
    }

    @ParameterizedTest(name = "nextUpdate {0}: MALFORMED_COLLATERAL")
    @ValueSource(strings = {"2025-07-19T10:16:03.000Z", "2025-07-19T10:16:03+00:00", "2025-07-19T10:16:03z",
            "2025-07-19 10:16:03Z", "2025-02-30T10:16:03Z", "2025-07-19T10:16:60Z"})
    @DisplayName("Dates exactly as the QVL parser accepts: YYYY-MM-DDThh:mm:ssZ and a real calendar time (TimeUtils isValidTimeString)")
    void nextUpdateFormat(String date) throws Exception {
        fails(tcbInfo("\"nextUpdate\":\"2025-07-19T10:16:03Z\"", "\"nextUpdate\":\"" + date + "\""),
                ErrorCode.MALFORMED_COLLATERAL, "nextUpdate");
    }

    @Test
    @DisplayName("tdxModuleIdentities empty, or a module identity with two levels of one isvsvn or none: MALFORMED_COLLATERAL (QVL parsePartV3, TdxModuleIdentity)")
    void moduleIdentityLevels() throws Exception {
        int start = v4Collateral.tcbInfo().indexOf("\"tdxModuleIdentities\":[");
        int end = v4Collateral.tcbInfo().indexOf("],\"tcbLevels\":[{\"tcb\":{\"sgxtcbcomponents\"");
        String identities = v4Collateral.tcbInfo().substring(start, end + 1);
        fails(tcbInfo(identities, "\"tdxModuleIdentities\":[]"), ErrorCode.MALFORMED_COLLATERAL,
                "tdxModuleIdentities must be a non-empty array");
        String tdx03 = "\"tcbLevels\":[{\"tcb\":{\"isvsvn\":3},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"}]";
        fails(tcbInfo(tdx03, tdx03.replace("}]", "},{\"tcb\":{\"isvsvn\":3},\"tcbDate\":\"2023-03-13T00:00:00Z\",\"tcbStatus\":\"OutOfDate\"}]")),
                ErrorCode.MALFORMED_COLLATERAL, "two TCB levels of isvsvn 3");
        fails(tcbInfo(tdx03, "\"tcbLevels\":[]"), ErrorCode.MALFORMED_COLLATERAL, "has no TCB level");
    }

    @Test
    @DisplayName("TD 1.5 harness: the v5 sample signed anew (TEE_TCB_SVN 0b01 04, TEE_TCB_SVN_2 0d01 04) is UpToDate")
    void td15Harness() throws Exception {
        status(v5(raw -> { }, v5Collateral), TcbStatus.UP_TO_DATE);
    }

    @Test
    @DisplayName("TD 1.5: TEE_TCB_SVN_2 with module SVN 1, below every TDX_01 level: TCB_NOT_SUPPORTED although TEE_TCB_SVN is UpToDate (QVL 4.1.2.5.1.20.1)")
    void teeTcbSvn2WithoutLevel() throws Exception {
        fails(v5(raw -> raw[V5_BODY + QuoteLayout.BODY_TEE_TCB_SVN_2_OFFSET] = 1, v5Collateral),
                ErrorCode.TCB_NOT_SUPPORTED, "TEE_TCB_SVN_2");
    }

    @Test
    @DisplayName("TD 1.5: launched on module SVN 5 (OutOfDate), platform now at 13 (UpToDate): TDRelaunchAdvised")
    void relaunchAdvised() throws Exception {
        status(v5(raw -> raw[V5_BODY + QuoteLayout.BODY_TEE_TCB_SVN_OFFSET] = 5, v5Collateral),
                TcbStatus.TD_RELAUNCH_ADVISED);
    }

    @Test
    @DisplayName("TD 1.5: the newest TDX_01 level itself OutOfDate: no relaunch advice, OutOfDate (current QVL; the 2024 QVL advised a relaunch)")
    void noRelaunchWhenNewestModuleLevelIsOutOfDate() throws Exception {
        String newest = "{\"tcb\":{\"isvsvn\":6},\"tcbDate\":\"2024-11-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"}";
        assertThat(v5Collateral.tcbInfo()).contains(newest);
        Collateral c = v5Collateral.withTcbInfo(v5Collateral.tcbInfo().replace(newest,
                newest.replace("UpToDate", "OutOfDate")), new byte[64]);
        status(v5(raw -> raw[V5_BODY + QuoteLayout.BODY_TEE_TCB_SVN_OFFSET] = 5, c), TcbStatus.OUT_OF_DATE);
    }
}
