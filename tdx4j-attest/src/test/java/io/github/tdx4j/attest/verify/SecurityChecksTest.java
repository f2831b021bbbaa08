package io.github.tdx4j.attest.verify;

import static io.github.tdx4j.attest.collateral.TcbStatus.*;
import static io.github.tdx4j.attest.verify.Vectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.IsvTcbLevel;
import io.github.tdx4j.attest.collateral.TcbInfo;
import io.github.tdx4j.attest.collateral.TcbLevel;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.collateral.TdxModuleIdentity;
import io.github.tdx4j.attest.format.QeReportCertificationData;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.QuoteLayout;
import io.github.tdx4j.attest.format.QuoteSignatureData;
import io.github.tdx4j.attest.format.SgxReportBody;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One negative test per security check of the verifier, each built so that the check it names is the only thing
 * that rejects the case: with the check removed the case would verify. Every test uses a verifier that has not
 * seen the good case, so no cached success can hide a broken check; {@link #secondQuoteGetsItsOwnVerdict} verifies
 * a good case first on purpose and expects each later, different input to fail on its own.
 */
class SecurityChecksTest {
    private static final X500Name ROOT_NAME = TestPki.name("Intel SGX Root CA");
    private static TestPki pki;
    private static byte[] realQuote;
    private static byte[] quote;
    private static Collateral collateral;

    @BeforeAll
    static void setUp() throws Exception {
        realQuote = Vectors.quote(DCAP_TDX);
        pki = new TestPki(Quote.decode(realQuote).signatureData().qeReportCertificationData().orElseThrow()
                .pckCertChain().orElseThrow().certificates().getFirst());
        quote = pki.recertify(realQuote);
        collateral = pki.collateral(Vectors.collateral(DCAP_TDX_COLLATERAL),
                pki.crl(pki.root, pki.rootKeys.getPrivate()), pki.crl(pki.pckCa, pki.pckCaKeys.getPrivate()));
    }

    private static QuoteVerifier fresh() {
        return QuoteVerifier.builder().trustedRoot(pki.trustedRoot()).build();
    }

    private static void fails(VerificationResult r, ErrorCode code, String fragment) {
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Failed.class, f -> {
            assertThat(f.code()).isEqualTo(code);
            assertThat(f.detail()).contains(fragment);
        });
    }

    private static X500Name nameOf(X509Certificate c) {
        return X500Name.getInstance(c.getSubjectX500Principal().getEncoded());
    }

    @Test
    @DisplayName("The harness: the re-certified quote with re-signed collateral verifies UpToDate")
    void goodCase() {
        assertThat(fresh().verify(quote, collateral, AT_2025_07_01))
                .isInstanceOfSatisfying(VerificationResult.Verified.class,
                        v -> assertThat(v.status()).isEqualTo(UP_TO_DATE));
    }

    @Test
    @DisplayName("Chains#verify length: a PCK chain with a second CA (four certificates) and a PCK CRL issuer chain of three fail, each on its length")
    void chainLength() throws Exception {
        KeyPair ca2Keys = pki.newKeys();
        X500Name ca2Name = TestPki.name("Intel SGX PCK Platform CA 2");
        X509Certificate ca2 = TestPki.cert(nameOf(pki.pckCa), ca2Name, BigInteger.valueOf(78), ca2Keys, pki.pckCaKeys,
                true, null);
        X509Certificate leaf = TestPki.cert(ca2Name, nameOf(pki.pck), pki.pck.getSerialNumber(), pki.pckKeys, ca2Keys,
                false, pki.realPck());
        byte[] q = TestPki.recertify(realQuote, pki.pckKeys.getPrivate(), leaf, ca2, pki.pckCa, pki.root);
        fails(fresh().verify(q, collateral, AT_2025_07_01), ErrorCode.PCK_CHAIN_INVALID,
                "has 4 certificates, expected 3");
        // Collateral that fits the longer chain: its PCK CRL by the second CA, with that CA's chain of three.
        Collateral fitting = new Collateral(TestPki.pem(ca2, pki.pckCa, pki.root), collateral.rootCaCrl(),
                pki.crl(ca2, ca2Keys.getPrivate()), collateral.tcbInfoIssuerChain(), collateral.tcbInfo(),
                collateral.tcbInfoSignature(), collateral.qeIdentityIssuerChain(), collateral.qeIdentity(),
                collateral.qeIdentitySignature());
        fails(fresh().verify(q, fitting, AT_2025_07_01), ErrorCode.CRL_INVALID, "has 3 certificates, expected 2");
    }

    @Test
    @DisplayName("Chains#verify root: a chain ending in a certificate with the root's name, signed by the root's key but with another key, is PCK_CHAIN_INVALID")
    void pckChainRoot() throws Exception {
        X509Certificate rogueRoot = TestPki.cert(ROOT_NAME, ROOT_NAME, BigInteger.valueOf(77), pki.newKeys(),
                pki.rootKeys, true, null);
        byte[] q = TestPki.recertify(realQuote, pki.pckKeys.getPrivate(), pki.pck, pki.pckCa, rogueRoot);
        fails(fresh().verify(q, collateral, AT_2025_07_01), ErrorCode.PCK_CHAIN_INVALID,
                "which is not the trusted root");
    }

    @Test
    @DisplayName("Chains#verify root copy: the chain's root with the trusted name and key but a broken self-signature is PCK_CHAIN_INVALID (QVL verifyRootCACert)")
    void rootCopySelfSignature() throws Exception {
        byte[] der = pki.root.getEncoded();
        der[der.length - 1] ^= 0x01; // the last byte of the signature's s
        X509Certificate broken = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(der));
        byte[] q = TestPki.recertify(realQuote, pki.pckKeys.getPrivate(), pki.pck, pki.pckCa, broken);
        fails(fresh().verify(q, collateral, AT_2025_07_01), ErrorCode.PCK_CHAIN_INVALID, "self-signature");
    }

    @Test
    @DisplayName("Chains#verify signature: a PCK certificate with the right names and key but signed by another key is PCK_CHAIN_INVALID")
    void pckChainSignature() throws Exception {
        X509Certificate forged = TestPki.cert(nameOf(pki.pckCa), nameOf(pki.pck), pki.pck.getSerialNumber(),
                pki.pckKeys, pki.newKeys(), false, pki.realPck());
        byte[] q = TestPki.recertify(realQuote, pki.pckKeys.getPrivate(), forged, pki.pckCa, pki.root);
        fails(fresh().verify(q, collateral, AT_2025_07_01), ErrorCode.PCK_CHAIN_INVALID,
                "does not verify with its issuer's key");
    }

    @Test
    @DisplayName("Chains#verify issuer name: a TCB signing certificate signed by the root's key but naming another issuer is TCB_SIGNING_CHAIN_INVALID")
    void tcbSigningChainIssuerName() throws Exception {
        X509Certificate misnamed = TestPki.cert(TestPki.name("Intel SGX Rogue Root CA"), nameOf(pki.tcbSigning),
                pki.tcbSigning.getSerialNumber(), pki.tcbKeys, pki.rootKeys, false, null);
        String chain = TestPki.pem(misnamed, pki.root);
        Collateral c = new Collateral(collateral.pckCrlIssuerChain(), collateral.rootCaCrl(), collateral.pckCrl(),
                chain, collateral.tcbInfo(), collateral.tcbInfoSignature(), chain, collateral.qeIdentity(),
                collateral.qeIdentitySignature());
        fails(fresh().verify(quote, c, AT_2025_07_01), ErrorCode.TCB_SIGNING_CHAIN_INVALID,
                "not by the next certificate");
    }

    @Test
    @DisplayName("Chains#verify CA: a PCK CA certificate without the CA basic constraint cannot issue the PCK certificate: PCK_CHAIN_INVALID")
    void pckIssuerMustBeCa() throws Exception {
        X509Certificate notCa = TestPki.cert(ROOT_NAME, nameOf(pki.pckCa), pki.pckCa.getSerialNumber(), pki.pckCaKeys,
                pki.rootKeys, false, null);
        byte[] q = TestPki.recertify(realQuote, pki.pckKeys.getPrivate(), pki.pck, notCa, pki.root);
        fails(fresh().verify(q, collateral, AT_2025_07_01), ErrorCode.PCK_CHAIN_INVALID, "is not a CA");
    }

    @Test
    @DisplayName("PCK CRL signer: a PCK CRL issued under the PCK CA's name by another CA key (certified by the root) is CRL_INVALID")
    void pckCrlSignerIsThePckCa() throws Exception {
        KeyPair rogueKeys = pki.newKeys();
        X509Certificate rogueCa = TestPki.cert(ROOT_NAME, nameOf(pki.pckCa), BigInteger.valueOf(79), rogueKeys,
                pki.rootKeys, true, null);
        Collateral c = new Collateral(TestPki.pem(rogueCa, pki.root), collateral.rootCaCrl(),
                pki.crl(rogueCa, rogueKeys.getPrivate()), collateral.tcbInfoIssuerChain(), collateral.tcbInfo(),
                collateral.tcbInfoSignature(), collateral.qeIdentityIssuerChain(), collateral.qeIdentity(),
                collateral.qeIdentitySignature());
        fails(fresh().verify(quote, c, AT_2025_07_01), ErrorCode.CRL_INVALID, "not by the PCK certificate's issuer");
    }

    @Test
    @DisplayName("TrustedRoot pin: a chain whose root has Intel's name but the test key, under Intel's root and Intel's collateral, is PCK_CHAIN_INVALID")
    void intelRootPinnedByKey() {
        fails(QuoteVerifier.create().verify(quote, Vectors.collateral(DCAP_TDX_COLLATERAL), AT_2025_07_01),
                ErrorCode.PCK_CHAIN_INVALID, "which is not the trusted root");
    }

    @Test
    @DisplayName("QE vendor id: a validly signed quote from a QE vendor other than Intel is UNSUPPORTED_QUOTE (QVL Quote::validate)")
    void qeVendorId() throws Exception {
        byte[] q = pki.forge(realQuote, raw -> raw[QuoteLayout.QE_VENDOR_ID_OFFSET] ^= 0x01);
        fails(fresh().verify(q, collateral, AT_2025_07_01), ErrorCode.UNSUPPORTED_QUOTE, "is not Intel's");
        // The forge itself is sound: the same forge without the edit verifies.
        assertThat(fresh().verify(pki.forge(realQuote, raw -> { }), collateral, AT_2025_07_01))
                .isInstanceOf(VerificationResult.Verified.class);
    }

    @Test
    @DisplayName("VerifiedPck name: a leaf signed by the PCK CA with the SGX extension but not named 'SGX PCK Certificate' is PCK_CHAIN_INVALID (QVL 4.1.2.5.5)")
    void pckCertificateName() throws Exception {
        X509Certificate other = TestPki.cert(nameOf(pki.pckCa), TestPki.name("Intel SGX Platform Key"),
                pki.pck.getSerialNumber(), pki.pckKeys, pki.pckCaKeys, false, pki.realPck());
        byte[] q = TestPki.recertify(realQuote, pki.pckKeys.getPrivate(), other, pki.pckCa, pki.root);
        fails(fresh().verify(q, collateral, AT_2025_07_01), ErrorCode.PCK_CHAIN_INVALID,
                "not an SGX PCK Certificate");
    }

    private static TcbLevel level(int pceSvn, TcbStatus status) {
        List<Integer> sgx = List.of(3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        return new TcbLevel(sgx, pceSvn, List.of(0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                Instant.parse("2024-03-13T00:00:00Z"), status, List.of());
    }

    @Test
    @DisplayName("TcbEvaluation#sgxMeets PCESVN: a PCK with PCESVN 13 does not meet a level of PCESVN 14 (exactly one below): the next level, OutOfDate")
    void pceSvnBelowLevel() throws Refusal {
        TcbInfo info = new TcbInfo("TDX", 3, Instant.EPOCH, Instant.EPOCH.plusSeconds(1), "b0c06f000000", "0000", 0, 1,
                Optional.of(new TdxModuleIdentity("", "00".repeat(48), "0000000000000000", "ffffffffffffffff",
                        List.of())), List.of(), List.of(level(14, UP_TO_DATE), level(13, OUT_OF_DATE)));
        int[] pck = new int[16];
        pck[0] = 3;
        byte[] tee = new byte[16];
        tee[2] = 3;
        var qe = Optional.of(new IsvTcbLevel(4, Instant.EPOCH, UP_TO_DATE, List.of()));
        assertThat(TcbEvaluation.evaluate(info, new TcbEvaluation.Input(pck, 13, tee, null, qe)).status())
                .isEqualTo(OUT_OF_DATE);
        assertThat(TcbEvaluation.evaluate(info, new TcbEvaluation.Input(pck, 14, tee, null, qe)).status())
                .isEqualTo(UP_TO_DATE);
        assertThat(TcbEvaluation.sgxMeets(pck, 13, level(14, UP_TO_DATE))).isFalse();
        assertThat(TcbEvaluation.sgxMeets(pck, 14, level(14, UP_TO_DATE))).isTrue();
    }

    @Test
    @DisplayName("TcbEvaluation#relaunch, the whole matrix of Intel's checkForRelaunch: launch status x current status")
    void relaunchMatrix() {
        TcbStatus[] current = {UP_TO_DATE, SW_HARDENING_NEEDED, CONFIGURATION_NEEDED,
                CONFIGURATION_AND_SW_HARDENING_NEEDED, OUT_OF_DATE, OUT_OF_DATE_CONFIGURATION_NEEDED, REVOKED};
        // One row per launch status, one column per current status above; written out from TDRelaunchCheck.cpp.
        Object[][] expected = {
                {OUT_OF_DATE, TD_RELAUNCH_ADVISED, TD_RELAUNCH_ADVISED, TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED,
                        TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED, OUT_OF_DATE, OUT_OF_DATE, OUT_OF_DATE},
                {OUT_OF_DATE_CONFIGURATION_NEEDED, TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED,
                        TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED, TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED,
                        TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED, OUT_OF_DATE_CONFIGURATION_NEEDED,
                        OUT_OF_DATE_CONFIGURATION_NEEDED, OUT_OF_DATE_CONFIGURATION_NEEDED},
                {UP_TO_DATE, UP_TO_DATE, UP_TO_DATE, UP_TO_DATE, UP_TO_DATE, UP_TO_DATE, UP_TO_DATE, UP_TO_DATE},
                {SW_HARDENING_NEEDED, SW_HARDENING_NEEDED, SW_HARDENING_NEEDED, SW_HARDENING_NEEDED,
                        SW_HARDENING_NEEDED, SW_HARDENING_NEEDED, SW_HARDENING_NEEDED, SW_HARDENING_NEEDED},
                {CONFIGURATION_NEEDED, CONFIGURATION_NEEDED, CONFIGURATION_NEEDED, CONFIGURATION_NEEDED,
                        CONFIGURATION_NEEDED, CONFIGURATION_NEEDED, CONFIGURATION_NEEDED, CONFIGURATION_NEEDED},
                {REVOKED, REVOKED, REVOKED, REVOKED, REVOKED, REVOKED, REVOKED, REVOKED},
        };
        for (Object[] row : expected) {
            for (int c = 0; c < current.length; c++) {
                assertThat(TcbEvaluation.relaunch((TcbStatus) row[0], current[c]))
                        .as("launch %s, current %s", row[0], current[c]).isEqualTo(row[c + 1]);
            }
        }
    }

    /** {@code quote} with its QE report signature replaced by other bytes of the same {@link Arrays#hashCode}. */
    private static byte[] qeSignatureWithSameHash(byte[] q) throws Exception {
        Quote decoded = Quote.decode(q);
        QeReportCertificationData qe = decoded.signatureData().qeReportCertificationData().orElseThrow();
        byte[] sig = qe.qeReportSignature();
        int i = 0;
        while (sig[i] == Byte.MAX_VALUE || sig[i + 1] < Byte.MIN_VALUE + 31) {
            i++;
        }
        sig[i] += 1;      // + 31^(n-1-i)
        sig[i + 1] -= 31; // - 31 * 31^(n-2-i): the polynomial hash is unchanged
        assertThat(Arrays.hashCode(sig)).isEqualTo(Arrays.hashCode(qe.qeReportSignature()));
        QeReportCertificationData edited = new QeReportCertificationData(qe.qeReport(), sig, qe.qeAuthData(),
                qe.pckCertChain().orElseThrow());
        return decoded.withSignatureData(new QuoteSignatureData(decoded.signatureData().signature(),
                decoded.signatureData().attestationKey(), edited)).encode();
    }

    @Test
    @DisplayName("One verifier, two different quotes: after the good quote, a QE report signature with the same hash code, a changed QE report, a forged PCK certificate and a tampered TCB info each fail on their own")
    void secondQuoteGetsItsOwnVerdict() throws Exception {
        QuoteVerifier verifier = fresh();
        assertThat(verifier.verify(quote, collateral, AT_2025_07_01)).isInstanceOf(VerificationResult.Verified.class);
        // QeCertification#equals: same PCK key object, same QE report, same hash code, other signature bytes.
        fails(verifier.verify(qeSignatureWithSameHash(quote), collateral, AT_2025_07_01),
                ErrorCode.INVALID_QE_REPORT_SIGNATURE, "does not verify with the PCK certificate's key");
        // A QE report with another ISVSVN under the first quote's QE report signature.
        Quote decoded = Quote.decode(quote);
        QeReportCertificationData qe = decoded.signatureData().qeReportCertificationData().orElseThrow();
        byte[] report = qe.qeReport().encode();
        report[QuoteLayout.REPORT_ISV_SVN_OFFSET] ^= 1;
        byte[] changedReport = decoded.withSignatureData(new QuoteSignatureData(decoded.signatureData().signature(),
                decoded.signatureData().attestationKey(), new QeReportCertificationData(SgxReportBody.decode(report),
                qe.qeReportSignature(), qe.qeAuthData(), qe.pckCertChain().orElseThrow()))).encode();
        fails(verifier.verify(changedReport, collateral, AT_2025_07_01), ErrorCode.INVALID_QE_REPORT_SIGNATURE,
                "does not verify with the PCK certificate's key");
        // A PCK chain whose leaf is not signed by the CA, after the good chain was cached.
        KeyPair other = pki.newKeys();
        X509Certificate forged = TestPki.cert(nameOf(pki.pckCa), nameOf(pki.pck), pki.pck.getSerialNumber(),
                pki.pckKeys, other, false, pki.realPck());
        fails(verifier.verify(TestPki.recertify(realQuote, pki.pckKeys.getPrivate(), forged, pki.pckCa, pki.root),
                collateral, AT_2025_07_01), ErrorCode.PCK_CHAIN_INVALID, "does not verify with its issuer's key");
        // A TCB info whose text changed after it was signed, after the good collateral was cached.
        Collateral tampered = collateral.withTcbInfo(collateral.tcbInfo().replace("\"tcbEvaluationDataNumber\":17",
                "\"tcbEvaluationDataNumber\":18"), collateral.tcbInfoSignature());
        assertThat(tampered.tcbInfo()).isNotEqualTo(collateral.tcbInfo());
        fails(verifier.verify(quote, tampered, AT_2025_07_01), ErrorCode.TCB_INFO_SIGNATURE_INVALID,
                "does not verify over its text");
        // And the good quote still verifies.
        assertThat(verifier.verify(quote, collateral, AT_2025_07_01)).isInstanceOf(VerificationResult.Verified.class);
    }
}
