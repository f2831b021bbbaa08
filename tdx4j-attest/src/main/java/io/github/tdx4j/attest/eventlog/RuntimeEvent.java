package io.github.tdx4j.attest.eventlog;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One record of the runtime event log ({@link RuntimeEventLog}): an RTMR extend announced before it was made.
 *
 * @param recnum      the record number, 0 for the first record of the file, one more for each record after it
 * @param rtmr        the RTMR extended, 0..3 (written as the CC measurement register index 1..4)
 * @param digest      the 48-byte SHA-384 digest extended
 * @param rtmrBefore  the RTMR's value, read under the log's lock, just before the extend; replay uses it to tell an
 *                    extend that happened from one that did not
 * @param description what was measured
 * @param offset      byte offset of the record in the file (0 for a record not yet written)
 */
public record RuntimeEvent(long recnum, int rtmr, byte[] digest, byte[] rtmrBefore, String description, long offset) {
    /** SHA-384 digests and RTMRs are 48 bytes. */
    public static final int SIZE = 48;

    public RuntimeEvent {
        if (rtmr < 0 || rtmr > 3) {
            throw new IllegalArgumentException("RTMR index must be 0..3: " + rtmr);
        }
        if (digest.length != SIZE || rtmrBefore.length != SIZE) {
            throw new IllegalArgumentException("digest and RTMR value must be 48 bytes");
        }
        digest = digest.clone();
        rtmrBefore = rtmrBefore.clone();
        Objects.requireNonNull(description, "description");
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    @Override
    public byte[] rtmrBefore() {
        return rtmrBefore.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RuntimeEvent e && recnum == e.recnum && rtmr == e.rtmr && offset == e.offset
                && Arrays.equals(digest, e.digest) && Arrays.equals(rtmrBefore, e.rtmrBefore)
                && description.equals(e.description);
    }

    @Override
    public int hashCode() {
        return Objects.hash(recnum, rtmr, Arrays.hashCode(digest), description);
    }

    @Override
    public String toString() {
        return "record " + recnum + " (RTMR" + rtmr + ", digest " + HexFormat.of().formatHex(digest, 0, 8) + "…, \""
                + description + "\")";
    }
}
