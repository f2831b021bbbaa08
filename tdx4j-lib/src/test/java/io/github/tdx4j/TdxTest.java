package io.github.tdx4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.verify.ErrorCode;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.VerificationResult;
import io.github.tdx4j.guest.attest.TdAttestation;
import io.github.tdx4j.linux.TdxDiagnostics;
import io.github.tdx4j.linux.TdxDiagnostics.Check;
import io.github.tdx4j.linux.TdxDiagnostics.Item;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The entry point: what README "Use tdx4j from your project" promises. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TdxTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    @DisplayName("Tdx.simulated(): a quote binding REPORTDATA verifies UpToDate against the simulator's own root")
    void simulatedQuote_verifiesWithTheSimulatorsRoot() throws Exception {
        SimulatedTdx td = Tdx.simulated();
        byte[] reportData = new byte[64];
        reportData[0] = 0x42;
        reportData[63] = 0x24;

        byte[] quote = td.quote(reportData);
        VerificationResult result = QuoteVerifier.builder().trustedRoot(td.trustedRoot()).build()
                .verify(quote, td.collateral(), AT);

        assertThat(result).isInstanceOf(VerificationResult.Verified.class);
        assertThat(((VerificationResult.Verified) result).status()).isEqualTo(TcbStatus.UP_TO_DATE);
        assertThat(Quote.decode(quote).body().reportData()).isEqualTo(reportData);
    }

    @Test
    @DisplayName("Tdx.simulated(): Intel's production root rejects the simulator's quotes")
    void simulatedQuote_rejectedByIntelsRoot() {
        SimulatedTdx td = Tdx.simulated();

        VerificationResult result = QuoteVerifier.create().verify(td.quote(new byte[64]), td.collateral(), AT);

        assertThat(result).isInstanceOf(VerificationResult.Failed.class);
        assertThat(((VerificationResult.Failed) result).code()).isNotEqualTo(ErrorCode.MALFORMED_QUOTE);
    }

    @Test
    @DisplayName("Tdx.simulated(): the root PEM and collateral JSON are the ones trustedRoot() and collateral() read")
    void simulatedEvidence_textFormsMatch() {
        SimulatedTdx td = Tdx.simulated();

        assertThat(td.rootCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(td.trustedRoot().certificate().getSubjectX500Principal().getName())
                .contains("tdx4j Simulated SGX Root CA");
        assertThat(td.collateralJson()).contains("\"tcb_info\"");
    }

    @Test
    @DisplayName("Tdx.simulated(): RTMR extends show in rtmrs() and the event log")
    void simulatedRtmrExtend() {
        SimulatedTdx td = Tdx.simulated();
        byte[] before = td.rtmrs().get(2);

        td.extendRtmr(2, new byte[48], "config");

        assertThat(td.rtmrs().get(2)).isNotEqualTo(before);
        assertThat(td.eventLog()).extracting(TdAttestation.RtmrEvent::description).containsExactly("config");
    }

    @Test
    @DisplayName("Tdx.detect(fallback) on a machine without quotes: the fallback, given the reason")
    void detect_withoutQuotes_callsTheFallbackWithTheReason() {
        List<String> reasons = new ArrayList<>();
        TdAttestation fallback = Tdx.simulated();

        TdAttestation chosen = Tdx.detect(diagnostics(false, false), () -> {
            throw new AssertionError("the Linux backend must not be opened");
        }, why -> {
            reasons.add(why);
            return fallback;
        });

        assertThat(chosen).isSameAs(fallback);
        assertThat(reasons).singleElement().asString().startsWith("this is not a TDX guest");
    }

    @Test
    @DisplayName("Tdx.detect(fallback) on a TDX guest with configfs-tsm: the Linux backend, no fallback")
    void detect_onATdWithQuotes_usesLinux() {
        TdAttestation linux = Tdx.simulated();

        TdAttestation chosen = Tdx.detect(diagnostics(true, true), () -> linux, why -> {
            throw new AssertionError("no fallback expected: " + why);
        });

        assertThat(chosen).isSameAs(linux);
    }

    @Test
    @DisplayName("Tdx.detect(fallback) on a TDX guest without configfs-tsm: the fallback, with that reason")
    void detect_onATdWithoutConfigfsTsm_callsTheFallback() {
        List<String> reasons = new ArrayList<>();

        Tdx.detect(diagnostics(true, false), () -> {
            throw new AssertionError("the Linux backend must not be opened");
        }, why -> {
            reasons.add(why);
            return Tdx.simulated();
        });

        assertThat(reasons).containsExactly("configfs-tsm is not mounted");
    }

    private static TdxDiagnostics diagnostics(boolean tdxGuest, boolean configfsTsm) {
        return new TdxDiagnostics("6.16.0", List.of(
                new Check(Item.CPU_FLAG, "/proc/cpuinfo", tdxGuest, tdxGuest ? "tdx_guest" : "no tdx_guest flag"),
                new Check(Item.REPORT_DEVICE, "/dev/tdx_guest", tdxGuest, tdxGuest ? "present" : "missing"),
                new Check(Item.CONFIGFS_TSM, "/sys/kernel/config/tsm/report", configfsTsm,
                        configfsTsm ? "provider tdx_guest" : "configfs-tsm is not mounted"),
                new Check(Item.MEASUREMENTS, "/sys/class/misc/tdx_guest/measurements", false, "missing")));
    }
}
