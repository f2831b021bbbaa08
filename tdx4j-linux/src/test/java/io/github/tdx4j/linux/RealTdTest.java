package io.github.tdx4j.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdx4j.linux.TdxDiagnostics.Feature;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.PcsClient;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * On a real TD only; elsewhere each test is skipped with the diagnostics' reason. The checks are the kernel
 * selftest's (tools/testing/selftests/tdx/tdx_guest_test.c, verify_report) plus the quote's header.
 */
class RealTdTest {
    /** Prints, in the build log, why these tests are skipped on a machine that is not a TD. */
    @BeforeAll
    static void sayWhyWhenSkipped() {
        TdxDiagnostics d = TdxDiagnostics.probe();
        for (Feature f : new Feature[] {Feature.REPORT, Feature.QUOTE}) {
            if (!d.offers(f)) {
                System.out.println("RealTdTest: " + f + " tests skipped on this machine: " + d.whyNot(f).orElse("?"));
            }
        }
    }

    private static byte[] countingReportData() {
        byte[] d = new byte[64];
        for (int i = 0; i < 64; i++) {
            d[i] = (byte) i;
        }
        return d;
    }

    private static void assumeOffered(Feature feature) {
        TdxDiagnostics d = TdxDiagnostics.probe();
        assumeTrue(d.offers(feature), () -> "skipped, needs a TDX guest with " + feature + ": "
                + d.whyNot(feature).orElse(""));
    }

    @Test
    @DisplayName("TDX_CMD_GET_REPORT0 returns a TDREPORT that echoes REPORTDATA 0..63 (verify_report)")
    void reportEchoesReportData() {
        assumeOffered(Feature.REPORT);

        byte[] report = LinuxTdAttestation.open().report(countingReportData());

        assertThat(report).hasSize(1024);
        assertThat(report[0]).as("REPORTTYPE.TYPE").isEqualTo((byte) 0x81);
        assertThat(Arrays.copyOfRange(report, 128, 192)).isEqualTo(countingReportData());
    }

    /**
     * Intel TDX DCAP Quoting Library API, "Quote Format": a 48-byte header (version u16, attestation key type u16,
     * TEE type u32 = 0x81 for TDX, ...); in v4 the TD report body follows at 48, in v5 a 6-byte body descriptor
     * (type u16, size u32) comes first. REPORTDATA is at offset 520 of the body in both TD report body versions.
     */
    @Test
    @DisplayName("a configfs-tsm quote is a TDX quote v4 or v5 (TEE type 0x81) carrying REPORTDATA in its body")
    void quoteHeaderAndReportData() {
        assumeOffered(Feature.QUOTE);

        byte[] quote = LinuxTdAttestation.open().quote(countingReportData());

        ByteBuffer b = ByteBuffer.wrap(quote).order(ByteOrder.LITTLE_ENDIAN);
        int version = Short.toUnsignedInt(b.getShort(0));
        assertThat(version).as("quote version").isIn(4, 5);
        assertThat(b.getInt(4)).as("TEE type").isEqualTo(0x81);
        int body = version == 4 ? 48 : 48 + 6;
        assertThat(Arrays.copyOfRange(quote, body + 520, body + 584)).isEqualTo(countingReportData());
    }

    /**
     * The quote verifies (Intel QVL semantics, Intel's production root) against collateral fetched from Intel PCS,
     * or from the PCS/PCCS at {@code $TDX4J_PCS_URL}. Fetching needs the network; a machine that cannot reach the
     * service skips this test and says so, since the property is about the quote, not the network.
     */
    @Test
    @DisplayName("a configfs-tsm quote verifies with collateral from PCS (the kernel selftest's property, end to end)")
    void quoteVerifies() throws Exception {
        assumeOffered(Feature.QUOTE);
        byte[] quote = LinuxTdAttestation.open().quote(countingReportData());
        Quote decoded = Quote.decode(quote);
        String fmspc = HexFormat.of().formatHex(decoded.pckCertChain().orElseThrow().pckExtensions().fmspc());
        String url = System.getenv().getOrDefault("TDX4J_PCS_URL", PcsClient.INTEL_PCS.toString());
        Collateral collateral;
        try {
            collateral = PcsClient.builder().baseUri(URI.create(url)).build().fetchTdx(fmspc, PcsClient.PckCa.PLATFORM);
        } catch (RuntimeException e) {
            assumeTrue(false, () -> "skipped, cannot fetch collateral for FMSPC " + fmspc + " from " + url + ": " + e);
            return;
        }
        VerificationResult r = QuoteVerifier.create().verify(quote, collateral, Instant.now());
        assertThat(r).as(r.toString()).isInstanceOf(VerificationResult.Verified.class);
    }

    @Test
    @DisplayName("the RTMRs read through sysfs equal those in a fresh TDREPORT")
    void rtmrsMatchReport() {
        assumeOffered(Feature.RTMR);
        assumeOffered(Feature.REPORT);
        LinuxTdAttestation att = LinuxTdAttestation.open();

        byte[] report = att.report(new byte[64]);
        for (int i = 0; i < 4; i++) {
            int at = io.github.tdx4j.abi.TdReportLayout.rtmrOffset(i);
            assertThat(att.rtmrs().get(i)).as("RTMR[%d]", i).isEqualTo(Arrays.copyOfRange(report, at, at + 48));
        }
    }
}
