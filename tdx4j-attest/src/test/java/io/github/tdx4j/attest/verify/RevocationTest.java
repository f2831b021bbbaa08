package io.github.tdx4j.attest.verify;

import static io.github.tdx4j.attest.verify.Vectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.format.Quote;
import java.math.BigInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Revocation and trust-anchor cases end to end, on dcap-qvl/tdx_quote re-certified by a {@link TestPki} (the real
 * quote signature and TCB data, a test PCK chain and test CRLs).
 */
class RevocationTest {
    private static TestPki pki;
    private static byte[] quote;
    private static Collateral real;
    /** One verifier per test: no cache filled by another test (or, under PIT, another mutant) answers here. */
    private QuoteVerifier verifier;

    @BeforeEach
    void freshVerifier() {
        verifier = QuoteVerifier.builder().trustedRoot(pki.trustedRoot()).build();
    }

    @BeforeAll
    static void setUp() throws Exception {
        byte[] realQuote = Vectors.quote(DCAP_TDX);
        var realPck = Quote.decode(realQuote).signatureData().qeReportCertificationData().orElseThrow()
                .pckCertChain().orElseThrow().certificates().getFirst();
        pki = new TestPki(realPck);
        quote = pki.recertify(realQuote);
        real = Vectors.collateral(DCAP_TDX_COLLATERAL);
    }

    private VerificationResult verify(byte[] rootCrl, byte[] pckCrl) throws Exception {
        return verifier.verify(quote, pki.collateral(real, rootCrl, pckCrl), AT_2025_07_01);
    }

    private static byte[] rootCrl(BigInteger... revoked) throws Exception {
        return pki.crl(pki.root, pki.rootKeys.getPrivate(), revoked);
    }

    private static byte[] pckCrl(BigInteger... revoked) throws Exception {
        return pki.crl(pki.pckCa, pki.pckCaKeys.getPrivate(), revoked);
    }

    @Test
    @DisplayName("Re-certified quote with empty test CRLs verifies: UpToDate (the harness itself is sound)")
    void baseline() throws Exception {
        var r = verify(rootCrl(BigInteger.TEN), pckCrl(BigInteger.TEN));
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Verified.class,
                v -> assertThat(v.status()).isEqualTo(TcbStatus.UP_TO_DATE));
    }

    @Test
    @DisplayName("PCK certificate serial listed in the PCK CRL: PCK_REVOKED (QVL 4.1.2.4.7)")
    void pckRevoked() throws Exception {
        var r = verify(rootCrl(), pckCrl(BigInteger.valueOf(99), pki.pck.getSerialNumber()));
        assertThat(((VerificationResult.Failed) r).code()).isEqualTo(ErrorCode.PCK_REVOKED);
    }

    @Test
    @DisplayName("PCK CA serial listed in the root CA CRL: INTERMEDIATE_CA_REVOKED")
    void pckCaRevoked() throws Exception {
        var r = verify(rootCrl(pki.pckCa.getSerialNumber()), pckCrl());
        assertThat(((VerificationResult.Failed) r).code()).isEqualTo(ErrorCode.INTERMEDIATE_CA_REVOKED);
    }

    @Test
    @DisplayName("TCB signing certificate listed in the root CA CRL: TCB_SIGNING_CERT_REVOKED")
    void tcbSigningRevoked() throws Exception {
        var r = verify(rootCrl(pki.tcbSigning.getSerialNumber()), pckCrl());
        assertThat(((VerificationResult.Failed) r).code()).isEqualTo(ErrorCode.TCB_SIGNING_CERT_REVOKED);
    }

    @Test
    @DisplayName("A PCK CRL signed with a key other than the PCK CA's: CRL_INVALID")
    void pckCrlWrongSigner() throws Exception {
        byte[] forged = pki.crl(pki.pckCa, pki.tcbKeys.getPrivate());
        var r = verify(rootCrl(), forged);
        assertThat(((VerificationResult.Failed) r).code()).isEqualTo(ErrorCode.CRL_INVALID);
    }

    @Test
    @DisplayName("The test chain under Intel's production root: PCK_CHAIN_INVALID, wherever the collateral comes from")
    void untrustedRoot() throws Exception {
        var r = QuoteVerifier.create().verify(quote, real, AT_2025_07_01);
        assertThat(((VerificationResult.Failed) r).code()).isEqualTo(ErrorCode.PCK_CHAIN_INVALID);
    }

    @Test
    @DisplayName("Real collateral under the test root: the TCB signing chain does not reach it, TCB_SIGNING_CHAIN_INVALID")
    void collateralFromAnotherRoot() throws Exception {
        Collateral mixed = real.withCrls(rootCrl(), pckCrl());
        var r = verifier.verify(quote, mixed, AT_2025_07_01);
        assertThat(((VerificationResult.Failed) r).code()).isEqualTo(ErrorCode.TCB_SIGNING_CHAIN_INVALID);
    }
}
