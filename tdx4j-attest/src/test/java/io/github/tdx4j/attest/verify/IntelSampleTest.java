package io.github.tdx4j.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.PcsResponses;
import io.github.tdx4j.attest.format.TestData;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Intel QVL's synthetic TDX sample (vectors/intel-qvl: test PKI, root-first chains, DER inside the type-5
 * certification data, QE auth data of length 0) under its own test root. The README asserts no verdict; what it
 * does establish is checked here by how far verification gets: the step after the PCK chain, CRLs, TCB info and QE
 * identity signatures and the FMSPC match (QVL 4.1.2.4.11, the TDX module identity) is where it stops.
 */
class IntelSampleTest {
    private static String text(String path) {
        return new String(TestData.bytes(path), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("Intel QVL sample: root-first chains, CRLs and the TCB info signature pass under the test root; its SVNs above 255 then make the TCB info MALFORMED_COLLATERAL (deviation D7)")
    void intelSample() {
        PcsResponses.SignedJson tcb = PcsResponses.tcbInfo(TestData.bytes("intel-qvl/tcbInfo.json"));
        PcsResponses.SignedJson qe = PcsResponses.qeIdentity(TestData.bytes("intel-qvl/qeIdentity.json"));
        Collateral c = new Collateral(text("intel-qvl/pckSignChain.pem"), TestData.bytes("intel-qvl/rootCaCrl.der"),
                TestData.bytes("intel-qvl/intermediateCaCrl.der"), text("intel-qvl/tcbSignChain.pem"), tcb.text(),
                tcb.signature(), text("intel-qvl/tcbSignChain.pem"), qe.text(), qe.signature());
        QuoteVerifier verifier = QuoteVerifier.builder()
                .trustedRoot(TrustedRoot.of(TestData.bytes("intel-qvl/trustedRootCaCert.pem"))).build();
        VerificationResult r = verifier.verify(TestData.bytes("intel-qvl/quote.dat"), c,
                Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Failed.class, f -> {
            // The TCB info is read only after its chain and signature verified (PreparedCollateral), so this code
            // also says that those passed.
            assertThat(f.code()).isEqualTo(ErrorCode.MALFORMED_COLLATERAL);
            assertThat(f.detail()).contains("'svn' is 65473, above its maximum 255");
        });
    }
}
