package io.github.tdx4j.attest.verify;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A P-256 public key's x‖y (64 bytes) as a map key, equal by content. The verifier's caches of decoded keys use it:
 * {@link QuoteVerifier}'s attestation keys across calls and {@link CallKeys}'s keys within one call. A record over
 * an array would compare the array's identity, so two copies of one key would miss the cache, and a wrong equality
 * would hand one key's decoded point (and BouncyCastle's precomputation on it) to another key's signature checks.
 */
record KeyBytes(byte[] xy) {
    @Override
    public boolean equals(Object o) {
        return o instanceof KeyBytes k && Arrays.equals(xy, k.xy);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(xy);
    }

    /** x‖y in lower-case hex, as a cache's entry reads in a debugger or a log. */
    @Override
    public String toString() {
        return HexFormat.of().formatHex(xy);
    }
}
