package io.github.tdx4j.attest.verify;

import static io.github.tdx4j.attest.verify.Vectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which decoder reads a quote (version 3, the first little-endian u16, is an SGX quote; anything else a TD quote) and
 * the TCB info kind a quote needs. Each test uses a verifier of its own.
 */
class QuoteKindTest {
    private final QuoteVerifier verifier = QuoteVerifier.create();
    private static final Collateral TDX_COLLATERAL = Vectors.collateral(DCAP_TDX_COLLATERAL);

    private static VerificationResult.Failed failed(VerificationResult r) {
        assertThat(r).isInstanceOf(VerificationResult.Failed.class);
        return (VerificationResult.Failed) r;
    }

    @Test
    @DisplayName("Version 0x0103 (bytes 03 01) is not version 3: the TD decoder reads it and refuses it as UNSUPPORTED_QUOTE")
    void highVersionByteCounts() {
        byte[] q = Vectors.quote("dcap-qvl/sgx_quote");
        q[1] = 1;
        VerificationResult.Failed f = failed(verifier.verify(q, TDX_COLLATERAL, AT_2025_07_01));
        assertThat(f.code()).isEqualTo(ErrorCode.UNSUPPORTED_QUOTE);
        assertThat(f.detail()).contains("is 259; only TD quotes of version 4 and 5 are decoded");
    }

    @Test
    @DisplayName("Two bytes 03 00 are the start of an SGX quote, read by the SGX decoder: MALFORMED_QUOTE")
    void twoBytesOfVersion3() {
        VerificationResult.Failed f = failed(verifier.verify(new byte[] {3, 0}, TDX_COLLATERAL, AT_2025_07_01));
        assertThat(f.code()).isEqualTo(ErrorCode.MALFORMED_QUOTE);
        assertThat(f.detail()).doesNotContain("only TD quotes");
    }

    @Test
    @DisplayName("A TD quote with SGX collateral: TCB_INFO_MISMATCH 'a TD quote needs a TDX TCB info'; the reverse names SGX")
    void tcbInfoKindMismatch() {
        Collateral sgx = Vectors.collateral("dcap-qvl/sgx_quote_collateral.json");
        // Both TCB infos are signed by Intel's TCB signing key, so each verifies in the other collateral.
        Collateral tdxWithSgxTcbInfo = TDX_COLLATERAL.withTcbInfo(sgx.tcbInfo(), sgx.tcbInfoSignature());
        Collateral sgxWithTdxTcbInfo = sgx.withTcbInfo(TDX_COLLATERAL.tcbInfo(), TDX_COLLATERAL.tcbInfoSignature());
        VerificationResult.Failed td = failed(verifier.verify(Vectors.quote(DCAP_TDX), tdxWithSgxTcbInfo,
                AT_2025_07_01));
        assertThat(td.code()).isEqualTo(ErrorCode.TCB_INFO_MISMATCH);
        assertThat(td.detail()).contains("a TD quote needs a TDX TCB info");
        VerificationResult.Failed sgxQuote = failed(QuoteVerifier.create().verify(Vectors.quote("dcap-qvl/sgx_quote"),
                sgxWithTdxTcbInfo, AT_2025_07_01));
        assertThat(sgxQuote.code()).isEqualTo(ErrorCode.TCB_INFO_MISMATCH);
        assertThat(sgxQuote.detail()).contains("an SGX quote needs an SGX TCB info");
    }
}
