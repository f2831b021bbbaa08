package io.github.tdx4j.attest.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.TestData;
import io.github.tdx4j.attest.policy.PolicyViolation.Rule;
import io.github.tdx4j.attest.verify.DecodedQuote;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The policy layer on top of verification. */
class TdPolicyTest {
    /** One verifier per test: no cache filled by another test (or, under PIT, another mutant) answers here. */
    private final QuoteVerifier verifier = QuoteVerifier.create();

    private VerificationResult.Verified verify(String quote, String collateral, long at) {
        return (VerificationResult.Verified) verifier.verify(TestData.bytes(quote),
                QuoteCollateralV3.parse(TestData.bytes(collateral)), Instant.ofEpochSecond(at));
    }

    /** A verified result for a quote that does not verify with saved collateral: to test rules on its fields. */
    private static VerificationResult.Verified assumed(String quote, TcbStatus status, boolean expired) throws Exception {
        return new VerificationResult.Verified(new DecodedQuote.Td(Quote.decode(TestData.bytes(quote))), status, List.of("INTEL-SA-00615"),
                expired, Instant.parse("2025-01-01T00:00:00Z"), "PCK CRL", status, Optional.empty(), TcbStatus.UP_TO_DATE,
                "50806f000000");
    }

    private static List<Rule> rules(TdPolicy p, VerificationResult.Verified v) {
        return p.violations(v).stream().map(PolicyViolation::rule).toList();
    }

    @Test
    @DisplayName("trustee tdx_quote_4 passes cryptographic verification and fails the default policy: DEBUG_TD")
    void trusteeDebugQuoteFailsDebugPolicy() {
        var v = verify("trustee/tdx_quote_4.dat", "go-tdx-guest/derived_collateral_v4.json", 1688173200);
        assertThat(rules(TdPolicy.strict(), v)).containsExactly(Rule.DEBUG_TD);
        assertThat(TdPolicy.builder().allowDebug(true).build().accepts(v)).isTrue();
    }

    @Test
    @DisplayName("dcap-qvl/tdx_quote is accepted by the strict policy and by its own MRTD and RTMRs")
    void expectedMeasurements() {
        var v = verify("dcap-qvl/tdx_quote", "dcap-qvl/tdx_quote_collateral.json", 1751328000);
        assertThat(TdPolicy.strict().accepts(v)).isTrue();
        HexFormat hex = HexFormat.of();
        var body = v.tdQuote().orElseThrow().body();
        TdPolicy own = TdPolicy.builder().mrTd(body.mrTd().hex().toUpperCase())
                .rtmr(0, body.rtmr(0).hex()).rtmr(3, body.rtmr(3).hex())
                .mrConfigId(body.mrConfigId().hex()).mrOwner(body.mrOwner().hex())
                .mrOwnerConfig(body.mrOwnerConfig().hex()).minTeeTcbSvn(hex.formatHex(body.teeTcbSvn()))
                .build();
        assertThat(own.violations(v)).isEmpty();

        TdPolicy other = TdPolicy.builder().mrTd("00".repeat(48)).rtmr(2, "11".repeat(48))
                .mrConfigId("22".repeat(48)).mrOwner("33".repeat(48)).mrOwnerConfig("44".repeat(48))
                .minTeeTcbSvn("07" + "00".repeat(15)).build();
        assertThat(rules(other, v)).containsExactly(Rule.MRTD_MISMATCH, Rule.RTMR_MISMATCH, Rule.MRCONFIGID_MISMATCH,
                Rule.MROWNER_MISMATCH, Rule.MROWNERCONFIG_MISMATCH, Rule.TEE_TCB_SVN_TOO_LOW);
    }

    @Test
    @DisplayName("SPR_E4 lacks SEPT_VE_DISABLE: SEPT_VE_DISABLE_OFF unless the policy relaxes it")
    void septVeDisable() throws Exception {
        var v = assumed("go-tdx-guest/tdx_prod_quote_SPR_E4.dat", TcbStatus.UP_TO_DATE, false);
        assertThat(rules(TdPolicy.strict(), v)).containsExactly(Rule.SEPT_VE_DISABLE_OFF);
        assertThat(TdPolicy.builder().requireSeptVeDisable(false).build().accepts(v)).isTrue();
    }

    @Test
    @DisplayName("TCB status outside the accepted set and expired collateral are violations unless accepted")
    void statusAndExpiry() throws Exception {
        var v = assumed("dcap-qvl/tdx_quote", TcbStatus.SW_HARDENING_NEEDED, true);
        assertThat(rules(TdPolicy.strict(), v)).containsExactly(Rule.TCB_STATUS_NOT_ACCEPTED, Rule.COLLATERAL_EXPIRED);
        TdPolicy lenient = TdPolicy.builder()
                .acceptedStatuses(EnumSet.of(TcbStatus.UP_TO_DATE, TcbStatus.SW_HARDENING_NEEDED))
                .acceptExpiredCollateral(true).build();
        assertThat(lenient.accepts(v)).isTrue();
    }

    @Test
    @DisplayName("MRSERVICETD: trustee tdx_quote_5 binds a service TD, rejected by default, accepted when expected or any")
    void mrServiceTd() throws Exception {
        var v = assumed("trustee/tdx_quote_5.dat", TcbStatus.UP_TO_DATE, false);
        assertThat(rules(TdPolicy.strict(), v)).containsExactly(Rule.MRSERVICETD_MISMATCH);
        String bound = "383c87d3bbb047b2d171eaca95312ede99f258088dc788f6ae2ccf8b6dd848fe8d47629e08b3f6cbd4a00dd47a5a033d";
        assertThat(TdPolicy.builder().mrServiceTd(bound).build().accepts(v)).isTrue();
        assertThat(TdPolicy.builder().anyMrServiceTd().build().accepts(v)).isTrue();
        // The TDX 1.5 sample without a service TD passes the default.
        var v5 = verify("go-tdx-guest/quote_v5_sample.dat", "dcap-qvl/tdx_quote_outdated_collateral.json", 1772323200);
        assertThat(TdPolicy.strict().accepts(v5)).isTrue();
    }

    @Test
    @DisplayName("A verified SGX enclave quote breaks the TD policy with NOT_A_TD")
    void sgxQuoteIsNotATd() {
        var v = verify("dcap-qvl/sgx_quote", "dcap-qvl/sgx_quote_collateral.json", 1751328000);
        assertThat(rules(TdPolicy.strict(), v)).containsExactly(Rule.NOT_A_TD);
    }
}
