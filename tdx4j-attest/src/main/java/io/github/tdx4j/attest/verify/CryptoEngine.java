package io.github.tdx4j.attest.verify;

/**
 * Which implementation verifies the ECDSA P-256 signatures (quote, QE report, certificates, CRLs, TCB info, QE
 * identity). Both give the same answers; they differ in speed.
 *
 * <p>Measured on the 2-vCPU AMD EPYC build machine (no AVX-512), JMH {@code io.github.tdx4j.bench.P256VerifyBenchmark}:
 * one verification takes 395 µs with SunEC (its pure-Java P-256 path on this CPU) and 72 µs with BouncyCastle
 * when the key object is reused (163 µs for a new key), hence the default; numbers in {@code tdx4j-attest/README.md}.
 */
public enum CryptoEngine {
    /** BouncyCastle's lightweight ECDSA on its dedicated secp256r1 arithmetic (the default). */
    BOUNCY_CASTLE,
    /** The JDK's SunEC provider, {@code SHA256withECDSAinP1363Format}. */
    SUN_EC
}
