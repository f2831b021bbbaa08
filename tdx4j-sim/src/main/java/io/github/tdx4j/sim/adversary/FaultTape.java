package io.github.tdx4j.sim.adversary;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A fault tape: the byte sequence an adversary reads its decisions from, in order, one byte per consulted input
 * site (plus eight for a fault that needs a value). When the tape ends every later decision is honest, so a tape
 * that is a prefix of another replays the same faults up to where it ends (what makes shrinking work, as with
 * kAFL's payloads). Not thread-safe: one tape per run.
 */
public final class FaultTape {
    private final byte[] bytes;
    private int position;

    public FaultTape(byte[] bytes) {
        this.bytes = Objects.requireNonNull(bytes, "bytes").clone();
    }

    /** The empty tape: an honest host. */
    public static FaultTape honest() {
        return new FaultTape(new byte[0]);
    }

    /** Parses lowercase or uppercase hex, as {@link #toString()} prints it. */
    public static FaultTape ofHex(String hex) {
        return new FaultTape(HexFormat.of().parseHex(hex.strip()));
    }

    /** The next byte 0..255, or −1 once the tape has ended. */
    public int next() {
        return position < bytes.length ? bytes[position++] & 0xFF : -1;
    }

    /** The next eight bytes little-endian; missing bytes read as 0. */
    public long nextLong() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int b = next();
            v |= (long) (b < 0 ? 0 : b) << (8 * i);
        }
        return v;
    }

    /** Bytes read so far. */
    public int position() {
        return position;
    }

    public int length() {
        return bytes.length;
    }

    /** A copy of the whole tape. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The tape as lowercase hex. */
    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaultTape t && Arrays.equals(bytes, t.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
