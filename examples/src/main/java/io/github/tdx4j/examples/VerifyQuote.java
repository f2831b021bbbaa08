package io.github.tdx4j.examples;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.policy.TdPolicy;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Use 1: verify a TD quote with its DCAP collateral against Intel's root, then apply a policy (dependency:
 * tdx4j-attest). Arguments: QUOTE COLLATERAL_JSON [TIME [MRTD]]; exit 0 accepted, 2 rejected.
 */
public final class VerifyQuote {
    private VerifyQuote() {
    }

    public static void main(String[] args) throws Exception {
        byte[] quote = Files.readAllBytes(Path.of(args[0]));
        Collateral collateral = QuoteCollateralV3.parse(Files.readAllBytes(Path.of(args[1])));
        Instant at = args.length > 2 ? Instant.parse(args[2]) : Instant.now();
        TdPolicy policy = args.length > 3 ? TdPolicy.builder().mrTd(args[3]).build() : TdPolicy.strict();

        VerificationResult result = QuoteVerifier.create().verify(quote, collateral, at);
        boolean accepted = switch (result) {
            case VerificationResult.Verified v -> {
                System.out.println("verified, TCB status " + v.status() + ", policy " + policy.violations(v));
                yield policy.accepts(v);
            }
            case VerificationResult.Failed f -> {
                System.out.println("not verified: " + f.code() + ": " + f.detail());
                yield false;
            }
        };
        System.out.println(accepted ? "accepted" : "rejected");
        System.exit(accepted ? 0 : 2);
    }
}
