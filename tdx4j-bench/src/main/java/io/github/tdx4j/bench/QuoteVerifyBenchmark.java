package io.github.tdx4j.bench;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.verify.CryptoEngine;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verification of dcap-qvl/tdx_quote with its collateral at 2025-07-01T00:00Z (UpToDate). {@code warm}: one
 * verifier, collateral and PCK chain already checked, the steady state of a service verifying quotes; {@code cold}:
 * a new verifier per call, so every chain, CRL and JSON signature is checked again (what dcap-qvl does per call).
 * Also {@code decodeOnly}, the quote parsing share.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class QuoteVerifyBenchmark {
    @Param({"BOUNCY_CASTLE", "SUN_EC"})
    public CryptoEngine engine;

    private static final Instant AT = Instant.ofEpochSecond(1751328000);
    private byte[] quote;
    private Collateral collateral;
    private QuoteVerifier verifier;

    @Setup
    public void setUp() {
        quote = BenchData.bytes("dcap-qvl/tdx_quote");
        collateral = QuoteCollateralV3.parse(BenchData.bytes("dcap-qvl/tdx_quote_collateral.json"));
        verifier = QuoteVerifier.builder().cryptoEngine(engine).build();
        if (!(warm() instanceof VerificationResult.Verified)) {
            throw new IllegalStateException("the benchmark quote does not verify");
        }
    }

    @Benchmark
    public VerificationResult warm() {
        return verifier.verify(quote, collateral, AT);
    }

    @Benchmark
    public VerificationResult cold() {
        return QuoteVerifier.builder().cryptoEngine(engine).build().verify(quote, collateral, AT);
    }

    @Benchmark
    public Quote decodeOnly() throws Exception {
        return Quote.decode(quote);
    }
}
