package io.github.tdx4j.attest.verify;

import static io.github.tdx4j.attest.verify.Vectors.AT_2025_07_01;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.SgxQuote;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What a caller reads off a verdict besides the status: the decoded quote, its REPORTDATA, the platform's FMSPC. */
class VerificationResultTest {
    @Test
    @DisplayName("A verified SGX quote gives its decoded quote, the enclave report's REPORTDATA and the PCK's FMSPC")
    void verifiedSgxQuote() throws Exception {
        byte[] q = Vectors.quote("dcap-qvl/sgx_quote");
        VerificationResult r = QuoteVerifier.create().verify(q,
                Vectors.collateral("dcap-qvl/sgx_quote_collateral.json"), AT_2025_07_01);
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Verified.class, v -> {
            assertThat(v.decodedQuote()).get().isInstanceOf(DecodedQuote.Sgx.class);
            assertThat(v.decodedQuote().orElseThrow().reportData()).hasSize(64)
                    .isEqualTo(decodeSgx(q).enclaveReport().reportData());
            assertThat(v.platformFmspc()).contains("00a067110000");
            assertThat(v.tdQuote()).isEmpty();
        });
    }

    @Test
    @DisplayName("A TD quote that fails a check still gives its decoded quote and REPORTDATA, and prints as CODE: detail")
    void failedTdQuote() throws Exception {
        byte[] q = Vectors.quote(Vectors.DCAP_TDX);
        // Intel's real quote under its real collateral, judged two years before the collateral was issued.
        VerificationResult r = QuoteVerifier.create().verify(q, Vectors.collateral(Vectors.DCAP_TDX_COLLATERAL),
                Vectors.AT_2023_07_01);
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Failed.class, f -> {
            assertThat(f.decodedQuote()).get().isInstanceOf(DecodedQuote.Td.class);
            assertThat(f.decodedQuote().orElseThrow().reportData()).hasSize(64)
                    .isEqualTo(decodeTd(q).body().reportData());
            assertThat(f.toString()).isEqualTo(f.code().name() + ": " + f.detail());
        });
    }

    @Test
    @DisplayName("Failed#toString is the code, a colon and the detail")
    void failedPrintsCodeAndDetail() {
        VerificationResult.Failed f = new VerificationResult.Failed(ErrorCode.MALFORMED_QUOTE, "header: too short",
                Optional.empty(), Optional.empty());
        assertThat(f).hasToString("MALFORMED_QUOTE: header: too short");
    }

    private static SgxQuote decodeSgx(byte[] q) {
        try {
            return SgxQuote.decode(q);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Quote decodeTd(byte[] q) {
        try {
            return Quote.decode(q);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
