package io.github.tdx4j.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.TrustedRoot;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The simulator's quotes and collateral against tdx4j-attest's verifier: the simulated platform is a complete DCAP
 * platform for a verifier that trusts its root, and nothing for one that trusts Intel's.
 */
class SimulatedQuoteVerificationTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private static byte[] reportData() {
        byte[] rd = new byte[64];
        rd[0] = 0x42;
        return rd;
    }

    @ParameterizedTest(name = "quote v{0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("A verifier trusting the simulated root reaches UpToDate on the default TD; Intel's root rejects it")
    void upToDateUnderSimulatedRootOnly(int version) throws Exception {
        SimulatedTd td = SimulatedTd.boot(TdConfig.production(),
                SimSettings.strict().toBuilder().quoteVersion(version).build());
        byte[] quote = SimulatedQuoteTest.quote(td, reportData());
        Collateral collateral = QuoteCollateralV3.parse(
                td.quotingService().collateral().quoteCollateralV3Json().getBytes(StandardCharsets.UTF_8));

        VerificationResult simulated = QuoteVerifier.builder()
                .trustedRoot(TrustedRoot.of(td.quotingService().pki().rootCertificate())).build()
                .verify(quote, collateral, NOW);
        assertThat(simulated).isInstanceOfSatisfying(VerificationResult.Verified.class, v -> {
            assertThat(v.status()).isEqualTo(TcbStatus.UP_TO_DATE);
            assertThat(v.collateralExpired()).isFalse();
        });

        VerificationResult intel = QuoteVerifier.create().verify(quote, collateral, NOW);
        assertThat(intel).isInstanceOfSatisfying(VerificationResult.Failed.class,
                f -> assertThat(f.code()).isNotNull());
    }

    @ParameterizedTest(name = "TEE_TCB_SVN minor {0}")
    @ValueSource(ints = {3})
    @DisplayName("A TD whose TDX module SVN is below the simulated TCB info's level is OutOfDate")
    void outOfDateModule(int minorSvn) throws Exception {
        byte[] svn = TdConfig.production().teeTcbSvn();
        svn[0] = (byte) minorSvn;
        SimulatedTd td = SimulatedTd.boot(TdConfig.production().toBuilder().teeTcbSvn(svn).build(), SimSettings.strict());
        byte[] quote = SimulatedQuoteTest.quote(td, reportData());
        Collateral collateral = QuoteCollateralV3.parse(
                td.quotingService().collateral().quoteCollateralV3Json().getBytes(StandardCharsets.UTF_8));
        VerificationResult r = QuoteVerifier.builder()
                .trustedRoot(TrustedRoot.of(td.quotingService().pki().rootCertificate())).build()
                .verify(quote, collateral, NOW);
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Verified.class,
                v -> assertThat(v.status()).isEqualTo(TcbStatus.OUT_OF_DATE));
    }

}
