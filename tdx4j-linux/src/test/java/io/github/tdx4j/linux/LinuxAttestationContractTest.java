package io.github.tdx4j.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdx4j.guest.attest.TdAttestation;
import io.github.tdx4j.testkit.TdAttestationContract;
import io.github.tdx4j.linux.TdxDiagnostics.Feature;

/**
 * The attestation contract on the real Linux backend. Runs only inside a TD offering TDREPORT, quotes and the RTMR
 * files; elsewhere every test is skipped with the diagnostics' reason. Extending RTMR 3 is permanent, so those
 * tests run only with {@code TDX4J_TEST_EXTEND=1}.
 */
class LinuxAttestationContractTest extends TdAttestationContract {
    @Override
    protected TdAttestation open() {
        TdxDiagnostics d = TdxDiagnostics.probe();
        for (Feature f : new Feature[] {Feature.REPORT, Feature.QUOTE, Feature.RTMR}) {
            assumeTrue(d.offers(f), () -> "skipped, needs a TDX guest with " + f + ": " + d.whyNot(f).orElse(""));
        }
        return LinuxTdAttestation.open();
    }

    @Override
    protected boolean mayExtend() {
        return "1".equals(System.getenv("TDX4J_TEST_EXTEND"));
    }
}
