package io.github.tdx4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.policy.TdPolicy;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.VerificationResult;
import io.github.tdx4j.guest.attest.TdAttestation;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.trace.TraceRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four examples of README.md, "Use tdx4j from your project", line for line except that what they print is
 * collected and asserted (and the page is written to a temporary folder). The examples/ project runs the first three
 * uses against the installed artifacts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeLibraryExamplesTest {
    private static final Path VECTORS = Path.of(System.getProperty("tdx4j.vectors", "../vectors"));

    @Test
    @DisplayName("1. verify a quote with its collateral and a policy: UpToDate, no violation")
    void verifyWithCollateralAndPolicy() throws Exception {
        List<String> out = new ArrayList<>();
        byte[] quote = Files.readAllBytes(VECTORS.resolve("dcap-qvl/tdx_quote"));
        Collateral collateral = QuoteCollateralV3.parse(Files.readAllBytes(VECTORS.resolve("dcap-qvl/tdx_quote_collateral.json")));
        TdPolicy policy = TdPolicy.builder().mrTd("91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7").build();
        switch (QuoteVerifier.create().verify(quote, collateral, Instant.parse("2025-07-01T00:00:00Z"))) {
            case VerificationResult.Verified v -> out.add(v.status() + ", policy " + policy.violations(v));
            case VerificationResult.Failed f -> out.add("not verified: " + f.code() + ": " + f.detail());
        }

        assertThat(out).containsExactly("UpToDate, policy []");
    }

    @Test
    @DisplayName("2. get and verify a quote on the simulator, trusting its root: UpToDate")
    void simulatorQuoteWithItsRoot() {
        List<Object> out = new ArrayList<>();
        SimulatedTdx td = Tdx.simulated();
        byte[] reportData = new byte[64];
        byte[] quote = td.quote(reportData);
        QuoteVerifier verifier = QuoteVerifier.builder().trustedRoot(td.trustedRoot()).build();
        VerificationResult result = verifier.verify(quote, td.collateral(), Instant.now());
        if (result instanceof VerificationResult.Verified v) {
            out.add(v.status());
        }

        assertThat(out).containsExactly(TcbStatus.UP_TO_DATE);
    }

    @Test
    @DisplayName("3. a quote on a real TD with a fallback: here (no TD) the simulator, and the reason printed")
    void realTdWithFallback() {
        List<String> out = new ArrayList<>();
        boolean thisIsATd = io.github.tdx4j.linux.TdxDiagnostics.probe()
                .offers(io.github.tdx4j.linux.TdxDiagnostics.Feature.QUOTE);
        TdAttestation td = Tdx.detect(why -> {
            out.add("no TDX guest here (" + why + "); using the simulator");
            return Tdx.simulated();
        });
        byte[] quote = td.quote(new byte[64]);

        assertThat(quote.length).isGreaterThan(1020);
        if (thisIsATd) {
            assertThat(out).isEmpty();
        } else {
            assertThat(td).isInstanceOf(SimulatedTdx.class);
            assertThat(out).singleElement().asString().startsWith("no TDX guest here (this is not a TDX guest");
        }
    }

    @Test
    @DisplayName("4. draw a traced simulated TD as a sequence-diagram page: one arrow per recorded call, the text trace too")
    void tracedSimulatorPage(@TempDir Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        Path html = dir.resolve("trace.html");
        TraceRecorder trace = new TraceRecorder();
        SimulatedTdx td = Tdx.simulated(TdConfig.production(), SimSettings.strict(), trace);   // the boot is traced too
        trace.section("Get a quote", "TDG.MR.REPORT, then GetQuote through the quoting service");
        byte[] quote = td.quote(new byte[64]);
        long sharedMask = td.guest().info().sharedMask();
        Files.writeString(html, trace.page("my TD", sharedMask));
        trace.lines(false, sharedMask).forEach(out::add);

        String page = Files.readString(html);
        assertThat(quote.length).isGreaterThan(1020);
        assertThat(page.split("<g class=\"arrow\"", -1).length - 1).isEqualTo(trace.events().size());
        assertThat(out).startsWith("== Boot ==").contains("== Get a quote ==")
                .anyMatch(l -> l.startsWith("TDVMCALL GetQuote"));
    }
}
