package io.github.tdx4j.attest.verify;

import static io.github.tdx4j.attest.verify.Vectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.format.TestData;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every vector of {@code vectors/README.md} gets its stated verdict at its stated time. */
class VectorVerdictTest {
    /** One verifier per test: no cache filled by another test (or, under PIT, another mutant) answers here. */
    private final QuoteVerifier verifier = QuoteVerifier.create();

    private VerificationResult.Verified verified(String quote, String collateral, Instant at) {
        VerificationResult r = verifier.verify(Vectors.quote(quote), Vectors.collateral(collateral), at);
        assertThat(r).as("%s with %s at %s", quote, collateral, at).isInstanceOf(VerificationResult.Verified.class);
        return (VerificationResult.Verified) r;
    }

    private VerificationResult.Failed failed(String quote, String collateral, Instant at) {
        VerificationResult r = verifier.verify(Vectors.quote(quote), Vectors.collateral(collateral), at);
        assertThat(r).as("%s with %s at %s", quote, collateral, at).isInstanceOf(VerificationResult.Failed.class);
        return (VerificationResult.Failed) r;
    }

    @Test
    @DisplayName("dcap-qvl/tdx_quote (v4) with its collateral at 1751328000: UpToDate, no advisories (dcap-qvl tests/verify_quote.rs)")
    void dcapQvlTdxQuoteUpToDate() {
        var v = verified(DCAP_TDX, DCAP_TDX_COLLATERAL, AT_2025_07_01);
        assertThat(v.status()).isEqualTo(TcbStatus.UP_TO_DATE);
        assertThat(v.advisoryIds()).isEmpty();
        assertThat(v.collateralExpired()).isFalse();
        assertThat(v.fmspc()).isEqualTo("b0c06f000000");
        assertThat(v.moduleStatus()).contains(TcbStatus.UP_TO_DATE);
        assertThat(v.qeStatus()).isEqualTo(TcbStatus.UP_TO_DATE);
        assertThat(v.tdQuote().orElseThrow().body().mrTd().hex()).isEqualTo(
                "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7");
        // The PCK CRL's nextUpdate is the earliest expiry of this collateral (README window).
        assertThat(v.collateralExpiry()).isEqualTo(Instant.parse("2025-07-19T10:00:35Z"));
    }

    @Test
    @DisplayName("go-tdx-guest quote_v5_sample (v5, TDX 1.5) with dcap-qvl tdx_quote_outdated_collateral at 1772323200: UpToDate")
    void goV5SampleUpToDateWithDcapCollateral() {
        var v = verified(GO_V5, DCAP_OUTDATED_COLLATERAL, AT_2026_03_01);
        assertThat(v.status()).isEqualTo(TcbStatus.UP_TO_DATE);
        assertThat(v.advisoryIds()).isEmpty();
        assertThat(v.collateralExpired()).isFalse();
        assertThat(v.tdQuote().orElseThrow().body().tdx15()).isTrue();
    }

    @Test
    @DisplayName("go-tdx-guest quote_v5_sample with derived_collateral_v5_hybrid at 1772000000: UpToDate")
    void goV5SampleUpToDateWithHybridCollateral() {
        var v = verified(GO_V5, GO_V5_HYBRID, AT_2026_02_25);
        assertThat(v.status()).isEqualTo(TcbStatus.UP_TO_DATE);
        assertThat(v.collateralExpired()).isFalse();
    }

    @Test
    @DisplayName("dcap-qvl/tdx_quote_outdated (v5) with its collateral at 1772323200: TCB_NOT_SUPPORTED (PCK CPUSVN comp 8 = 3 < 5)")
    void dcapQvlOutdatedNotSupported() {
        var f = failed(DCAP_OUTDATED, DCAP_OUTDATED_COLLATERAL, AT_2026_03_01);
        assertThat(f.code()).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED);
        assertThat(f.platformFmspc()).contains("90c06f000000");
    }

    @Test
    @DisplayName("dcap-qvl/tdx-quote.hex with tdx_quote_collateral at 1751328000: TCB_NOT_SUPPORTED")
    void dcapQvlHexQuoteNotSupported() {
        assertThat(failed("dcap-qvl/tdx-quote.hex", DCAP_TDX_COLLATERAL, AT_2025_07_01).code())
                .isEqualTo(ErrorCode.TCB_NOT_SUPPORTED);
    }

    @Test
    @DisplayName("go-tdx-guest SPR_E4 quote (39 trailing bytes) with derived_collateral_v4 at 1688173200: TCB_NOT_SUPPORTED after all signatures pass")
    void sprE4NotSupported() {
        var f = failed(GO_SPR_E4, GO_V4_COLLATERAL, AT_2023_07_01);
        assertThat(f.code()).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED);
        assertThat(f.detail()).contains("PCK certificate's TCB");
    }

    @Test
    @DisplayName("trustee tdx_quote_4 (debug TD) with derived_collateral_v4 at 1688173200: crypto and TCB pass, UpToDate")
    void trusteeDebugQuotePassesCrypto() {
        var v = verified(TRUSTEE_DEBUG, GO_V4_COLLATERAL, AT_2023_07_01);
        assertThat(v.status()).isEqualTo(TcbStatus.UP_TO_DATE);
        assertThat(v.tdQuote().orElseThrow().body().tdAttributes().debug()).isTrue();
        assertThat(v.moduleStatus()).isEmpty(); // TEE_TCB_SVN[1] = 0: the module is judged by tdxtcbcomponents
    }

    @Test
    @DisplayName("trustee tdx_quote_5 (v5, MRSERVICETD set) with tdx_quote_outdated_collateral at 1772323200: TCB_NOT_SUPPORTED")
    void trusteeV5NotSupported() {
        assertThat(failed(TRUSTEE_V5, DCAP_OUTDATED_COLLATERAL, AT_2026_03_01).code())
                .isEqualTo(ErrorCode.TCB_NOT_SUPPORTED);
    }

    @Test
    @DisplayName("dcap-qvl/sgx_quote (SGX v3) with its collateral at 1751328000: ConfigurationAndSWHardeningNeeded, INTEL-SA-00289 and INTEL-SA-00615")
    void sgxQuote() {
        var v = verified("dcap-qvl/sgx_quote", "dcap-qvl/sgx_quote_collateral.json", AT_2025_07_01);
        assertThat(v.status()).isEqualTo(TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED);
        assertThat(v.advisoryIds()).containsExactlyInAnyOrder("INTEL-SA-00289", "INTEL-SA-00615");
        assertThat(v.quote()).isInstanceOf(DecodedQuote.Sgx.class);
        assertThat(v.tdQuote()).isEmpty();
        assertThat(v.moduleStatus()).isEmpty();
        assertThat(v.collateralExpired()).isFalse();
    }

    @Test
    @DisplayName("go-tdx-guest cos-113 quote in an 8000-byte buffer: its PCK chain verifies, then FMSPC 00806f050000 mismatches the b0c06f collateral")
    void cos113ChainVerifiesThenFmspcMismatch() {
        var f = failed("go-tdx-guest/ccel/cos-113-tdx-quote.dat", DCAP_TDX_COLLATERAL, AT_2025_07_01);
        assertThat(f.code()).isEqualTo(ErrorCode.FMSPC_MISMATCH);
        assertThat(f.platformFmspc()).contains("00806f050000");
    }

    @Test
    @DisplayName("The default trust anchor is Intel's production root, SHA-256 44a0196b…74d3")
    void defaultRootIsIntels() {
        assertThat(TrustedRoot.intelProduction().sha256()).isEqualTo(TrustedRoot.INTEL_ROOT_SHA256);
        assertThat(TrustedRoot.intelProduction()).isEqualTo(TrustedRoot.of(TestData.bytes("dcap-qvl/TrustedRootCA.der")));
        assertThat(TrustedRoot.of(TestData.bytes("go-tdx-guest/trusted_root.pem")))
                .isEqualTo(TrustedRoot.intelProduction());
    }
}
