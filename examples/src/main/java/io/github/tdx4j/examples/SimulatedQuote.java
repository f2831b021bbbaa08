package io.github.tdx4j.examples;

import io.github.tdx4j.SimulatedTdx;
import io.github.tdx4j.Tdx;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Use 2: get a quote from a TD on the embedded simulator and verify it, trusting the simulator's root instead of
 * Intel's (dependency: tdx4j). Exit 0 when the quote verifies and binds the REPORTDATA asked for.
 */
public final class SimulatedQuote {
    private SimulatedQuote() {
    }

    public static void main(String[] args) {
        SimulatedTdx td = Tdx.simulated();
        byte[] reportData = new byte[64];                       // e.g. a hash of your nonce and public key
        reportData[0] = 0x42;
        byte[] quote = td.quote(reportData);

        QuoteVerifier verifier = QuoteVerifier.builder().trustedRoot(td.trustedRoot()).build();
        VerificationResult result = verifier.verify(quote, td.collateral(), Instant.now());
        if (result instanceof VerificationResult.Verified v) {
            byte[] bound = v.quote().reportData();
            System.out.println("simulated quote: " + quote.length + " bytes, TCB status " + v.status()
                    + ", REPORTDATA " + HexFormat.of().formatHex(bound, 0, 4) + "...");
            System.exit(Arrays.equals(bound, reportData) ? 0 : 2);
        }
        System.out.println("not verified: " + result);
        System.exit(2);
    }
}
