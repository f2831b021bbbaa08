package io.github.tdx4j.attest.eventlog;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One digest of a crypto-agile event ({@code TPMT_HA}): a TCG algorithm id and the digest bytes.
 *
 * @param algorithmId TCG algorithm id (TPM_ALG_ID): 0x000B SHA-256, 0x000C SHA-384, 0x000D SHA-512
 * @param digest      the digest
 */
public record EventDigest(int algorithmId, byte[] digest) {
    /** TPM_ALG_SHA384, the only algorithm a TDX CCEL uses. */
    public static final int TPM_ALG_SHA384 = 0x000C;

    public EventDigest {
        digest = digest.clone();
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventDigest other && algorithmId == other.algorithmId
                && Arrays.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return 31 * algorithmId + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return String.format("EventDigest[alg=0x%04x, digest=%s]", algorithmId, HexFormat.of().formatHex(digest));
    }
}
