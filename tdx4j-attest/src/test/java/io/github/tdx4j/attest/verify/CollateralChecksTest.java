package io.github.tdx4j.attest.verify;

import static io.github.tdx4j.attest.verify.Vectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.TcbStatus;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Dates and signatures of the collateral, on dcap-qvl/tdx_quote. */
class CollateralChecksTest {
    /** One verifier per test: no cache filled by another test (or, under PIT, another mutant) answers here. */
    private final QuoteVerifier verifier = QuoteVerifier.create();
    private static final byte[] QUOTE = Vectors.quote(DCAP_TDX);
    private static final Collateral COLLATERAL = Vectors.collateral(DCAP_TDX_COLLATERAL);

    private VerificationResult at(Collateral c, String time) {
        return verifier.verify(QUOTE, c, Instant.parse(time));
    }

    @Test
    @DisplayName("After the PCK CRL's nextUpdate the verdict stands and collateralExpired is set (Intel QvE collateral_expiration_status)")
    void expiredCollateralIsAFlag() {
        var r = at(COLLATERAL, "2025-07-19T10:10:00Z"); // PCK CRL nextUpdate 10:00:35Z < TCB info nextUpdate 10:16:03Z
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Verified.class, v -> {
            assertThat(v.status()).isEqualTo(TcbStatus.UP_TO_DATE);
            assertThat(v.collateralExpired()).isTrue();
            assertThat(v.expiringItem()).isEqualTo("PCK CRL");
        });
        var justBefore = at(COLLATERAL, "2025-07-19T10:00:34Z");
        assertThat(((VerificationResult.Verified) justBefore).collateralExpired()).isFalse();
        var exactlyAt = at(COLLATERAL, "2025-07-19T10:00:35Z");
        assertThat(((VerificationResult.Verified) exactlyAt).collateralExpired()).isTrue();
    }

    @Test
    @DisplayName("Years after every nextUpdate the verdict is still computed, flagged expired")
    void longExpired() {
        var r = at(COLLATERAL, "2030-01-01T00:00:00Z");
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Verified.class,
                v -> assertThat(v.collateralExpired()).isTrue());
    }

    @Test
    @DisplayName("Before the latest issue date (QE identity issued 2025-06-19T10:32:27Z) verification fails with COLLATERAL_NOT_YET_VALID")
    void notYetValid() {
        var r = at(COLLATERAL, "2025-06-19T10:32:26Z");
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Failed.class, f -> {
            assertThat(f.code()).isEqualTo(ErrorCode.COLLATERAL_NOT_YET_VALID);
            assertThat(f.detail()).contains("QE identity");
        });
        assertThat(at(COLLATERAL, "2025-06-19T10:32:27Z")).isInstanceOf(VerificationResult.Verified.class);
    }

    @Test
    @DisplayName("One changed character in the tcb_info text fails with TCB_INFO_SIGNATURE_INVALID")
    void changedTcbInfoCharacter() {
        String text = COLLATERAL.tcbInfo();
        // "tcbEvaluationDataNumber":17 -> 18 (still valid JSON: the signature alone must catch it)
        String changed = text.replace("\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":18");
        assertThat(changed).isNotEqualTo(text);
        var r = at(COLLATERAL.withTcbInfo(changed, COLLATERAL.tcbInfoSignature()), "2025-07-01T00:00:00Z");
        assertThat(((VerificationResult.Failed) r).code()).isEqualTo(ErrorCode.TCB_INFO_SIGNATURE_INVALID);
    }

    @Test
    @DisplayName("Re-serialized tcb_info (same JSON, other whitespace) fails: the signature covers the exact text")
    void reserializedTcbInfo() {
        String spaced = COLLATERAL.tcbInfo().replace(",\"", ", \"");
        var r = at(COLLATERAL.withTcbInfo(spaced, COLLATERAL.tcbInfoSignature()), "2025-07-01T00:00:00Z");
        assertThat(((VerificationResult.Failed) r).code()).isEqualTo(ErrorCode.TCB_INFO_SIGNATURE_INVALID);
    }

    @Test
    @DisplayName("One changed character in the qe_identity text fails with QE_IDENTITY_SIGNATURE_INVALID")
    void changedQeIdentityCharacter() {
        String text = COLLATERAL.qeIdentity();
        String changed = text.replace("\"isvprodid\":2", "\"isvprodid\":3");
        assertThat(changed).isNotEqualTo(text);
        var r = at(COLLATERAL.withQeIdentity(changed, COLLATERAL.qeIdentitySignature()), "2025-07-01T00:00:00Z");
        assertThat(((VerificationResult.Failed) r).code()).isEqualTo(ErrorCode.QE_IDENTITY_SIGNATURE_INVALID);
    }

    @Test
    @DisplayName("A changed byte of the tcb_info signature fails with TCB_INFO_SIGNATURE_INVALID")
    void changedTcbInfoSignature() {
        byte[] sig = COLLATERAL.tcbInfoSignature();
        sig[10] ^= 0x01;
        var r = at(COLLATERAL.withTcbInfo(COLLATERAL.tcbInfo(), sig), "2025-07-01T00:00:00Z");
        assertThat(((VerificationResult.Failed) r).code()).isEqualTo(ErrorCode.TCB_INFO_SIGNATURE_INVALID);
    }

    @Test
    @DisplayName("Collateral of another platform family fails with FMSPC_MISMATCH")
    void otherFmspc() {
        var r = at(Vectors.collateral(DCAP_OUTDATED_COLLATERAL), "2026-03-01T00:00:00Z");
        assertThat(((VerificationResult.Failed) r).code()).isEqualTo(ErrorCode.FMSPC_MISMATCH);
    }

    @Test
    @DisplayName("A root CRL that is not the trusted root's (the PCK CRL in its place) fails with CRL_INVALID")
    void wrongRootCrl() {
        var r = at(COLLATERAL.withCrls(COLLATERAL.pckCrl(), COLLATERAL.pckCrl()), "2025-07-01T00:00:00Z");
        assertThat(((VerificationResult.Failed) r).code()).isEqualTo(ErrorCode.CRL_INVALID);
    }

    @Test
    @DisplayName("A truncated quote fails with MALFORMED_QUOTE")
    void truncated() {
        byte[] shortQuote = java.util.Arrays.copyOf(QUOTE, 1000);
        var r = verifier.verify(shortQuote, COLLATERAL, Instant.parse("2025-07-01T00:00:00Z"));
        assertThat(((VerificationResult.Failed) r).code()).isEqualTo(ErrorCode.MALFORMED_QUOTE);
    }

    @Test
    @DisplayName("SunEC and BouncyCastle engines give the same verdicts")
    void enginesAgree() {
        QuoteVerifier sun = QuoteVerifier.builder().cryptoEngine(CryptoEngine.SUN_EC).build();
        var v = sun.verify(QUOTE, COLLATERAL, Instant.parse("2025-07-01T00:00:00Z"));
        assertThat(((VerificationResult.Verified) v).status()).isEqualTo(TcbStatus.UP_TO_DATE);
        byte[] changed = QUOTE.clone();
        changed[200] ^= 0x01;
        var f = sun.verify(changed, COLLATERAL, Instant.parse("2025-07-01T00:00:00Z"));
        assertThat(((VerificationResult.Failed) f).code()).isEqualTo(ErrorCode.INVALID_QUOTE_SIGNATURE);
    }
}
