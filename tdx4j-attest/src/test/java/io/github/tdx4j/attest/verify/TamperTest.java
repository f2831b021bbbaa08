package io.github.tdx4j.attest.verify;

import static io.github.tdx4j.attest.verify.Vectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.SgxQuote;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every single-byte change of a valid quote inside what its signatures cover makes verification fail: the signed
 * region (header ‖ body, v5 with the body descriptor) under the quote signature, and the signature data up to the
 * PCK chain (quote signature, attestation key, certification data header, QE report, QE report signature, QE auth
 * data) under the QE report signature and QE report data. One warm verifier checks all of them.
 */
class TamperTest {
    /** One verifier per test: no cache filled by another test (or, under PIT, another mutant) answers here. */
    private final QuoteVerifier verifier = QuoteVerifier.create();

    static Stream<Arguments> validQuotes() {
        return Stream.of(
                Arguments.of(DCAP_TDX, DCAP_TDX_COLLATERAL, AT_2025_07_01),
                Arguments.of(GO_V5, DCAP_OUTDATED_COLLATERAL, AT_2026_03_01),
                Arguments.of(TRUSTEE_DEBUG, GO_V4_COLLATERAL, AT_2023_07_01));
    }

    @org.junit.jupiter.api.Test
    @DisplayName("dcap-qvl/sgx_quote (v3): each byte of [0, 432) and of the signature data before the PCK chain, changed alone, fails verification")
    void everySignedByteOfTheSgxQuoteMatters() throws Exception {
        byte[] quote = Vectors.quote("dcap-qvl/sgx_quote");
        Collateral collateral = Vectors.collateral("dcap-qvl/sgx_quote_collateral.json");
        assertThat(verifier.verify(quote, collateral, AT_2025_07_01)).isInstanceOf(VerificationResult.Verified.class);
        SgxQuote q = SgxQuote.decode(quote);
        // signature_data_len (4) ‖ signature (64) ‖ key (64) ‖ QE report (384) ‖ QE report signature (64) ‖
        // auth size (2) ‖ auth data ‖ certification data type (2) ‖ size (4), then the PEM chain.
        int end = SgxQuote.SIGNATURE_DATA_LEN_OFFSET + 4 + 64 + 64 + 384 + 64 + 2
                + q.qeReportCertificationData().qeAuthData().length + 2 + 4;
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < end; i++) {
            byte[] changed = quote.clone();
            changed[i] ^= 0x01;
            if (verifier.verify(changed, collateral, AT_2025_07_01) instanceof VerificationResult.Verified) {
                accepted.add("offset " + i);
            }
        }
        assertThat(accepted).as("changed bytes that still verified").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validQuotes")
    @DisplayName("Each byte of the signed region and of the signature data before the PCK chain, changed alone, fails verification")
    void everySignedByteMatters(String quotePath, String collateralPath, Instant at) throws Exception {
        byte[] quote = Vectors.quote(quotePath);
        Collateral collateral = Vectors.collateral(collateralPath);
        assertThat(verifier.verify(quote, collateral, at)).isInstanceOf(VerificationResult.Verified.class);

        Quote q = Quote.decode(quote);
        int signed = q.signedLength();
        // signature_data_len (4) ‖ signature (64) ‖ attestation key (64) ‖ type (2) ‖ size (4) ‖ QE report (384) ‖
        // QE report signature (64) ‖ auth size (2) ‖ auth data ‖ inner type (2) ‖ inner size (4), then the PEM chain.
        int authData = q.signatureData().qeReportCertificationData().orElseThrow().qeAuthData().length;
        int end = signed + 4 + 64 + 64 + 2 + 4 + 384 + 64 + 2 + authData + 2 + 4;

        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < end; i++) {
            byte[] changed = quote.clone();
            changed[i] ^= 0x01;
            if (verifier.verify(changed, collateral, at) instanceof VerificationResult.Verified) {
                accepted.add("offset " + i);
            }
        }
        assertThat(accepted).as("changed bytes that still verified").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validQuotes")
    @DisplayName("A changed quote body byte fails with INVALID_QUOTE_SIGNATURE; a changed QE report byte with INVALID_QE_REPORT_SIGNATURE")
    void failuresNameTheSignature(String quotePath, String collateralPath, Instant at) throws Exception {
        byte[] quote = Vectors.quote(quotePath);
        Collateral collateral = Vectors.collateral(collateralPath);
        Quote q = Quote.decode(quote);
        int signed = q.signedLength();

        byte[] mrTd = quote.clone();
        mrTd[signed - 584 + 136 - (q.body().tdx15() ? 64 : 0)] ^= 0x01; // MRTD, body offset 136
        assertThat(code(mrTd, collateral, at)).isEqualTo(ErrorCode.INVALID_QUOTE_SIGNATURE);

        byte[] reportData = quote.clone();
        reportData[signed - 1 - (q.body().tdx15() ? 64 : 0)] ^= 0x01; // last REPORTDATA byte
        assertThat(code(reportData, collateral, at)).isEqualTo(ErrorCode.INVALID_QUOTE_SIGNATURE);

        byte[] qeReport = quote.clone();
        qeReport[signed + 4 + 128 + 6 + 100] ^= 0x01; // inside the QE report (MRENCLAVE)
        assertThat(code(qeReport, collateral, at)).isEqualTo(ErrorCode.INVALID_QE_REPORT_SIGNATURE);

        byte[] attKey = quote.clone();
        attKey[signed + 4 + 64 + 5] ^= 0x01; // attestation key: no longer what the QE report data binds
        assertThat(code(attKey, collateral, at)).isEqualTo(ErrorCode.INVALID_QE_REPORT_DATA);
    }

    private ErrorCode code(byte[] quote, Collateral c, Instant at) {
        VerificationResult r = verifier.verify(quote, c, at);
        assertThat(r).isInstanceOf(VerificationResult.Failed.class);
        return ((VerificationResult.Failed) r).code();
    }
}
