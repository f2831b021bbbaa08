package io.github.tdx4j.attest.format;

import io.github.tdx4j.attest.format.MalformedEvidenceException.Code;
import java.util.Arrays;

/**
 * A bounds-checked little-endian cursor over untrusted evidence bytes.
 *
 * <p>Every read names the field it reads, so a short or inconsistent input becomes a
 * {@link MalformedEvidenceException} naming that field and its absolute offset, never an index exception. Lengths
 * taken from the input are checked against the bytes that remain before anything is allocated.
 */
final class EvidenceReader {
    private final byte[] data;
    private final int end;
    private final Code code;
    private int position;

    /** Reads {@code data[start, end)}; offsets in errors are indices into {@code data}. */
    EvidenceReader(byte[] data, int start, int end, Code code) {
        this.data = data;
        this.position = start;
        this.end = end;
        this.code = code;
    }

    EvidenceReader(byte[] data, Code code) {
        this(data, 0, data.length, code);
    }

    int position() {
        return position;
    }

    int remaining() {
        return end - position;
    }

    Code code() {
        return code;
    }

    MalformedEvidenceException error(String field, long offset, String detail) {
        return new MalformedEvidenceException(code, field, offset, detail);
    }

    /** Checks that {@code size} more bytes are there for {@code field}. */
    void require(String field, long size) throws MalformedEvidenceException {
        if (size < 0 || size > remaining()) {
            throw error(field, position, "needs " + size + " bytes, only " + remaining() + " remain");
        }
    }

    byte[] bytes(String field, long size) throws MalformedEvidenceException {
        require(field, size);
        byte[] out = Arrays.copyOfRange(data, position, position + (int) size);
        position += (int) size;
        return out;
    }

    int u8(String field) throws MalformedEvidenceException {
        require(field, 1);
        return data[position++] & 0xFF;
    }

    int u16(String field) throws MalformedEvidenceException {
        require(field, 2);
        int v = (data[position] & 0xFF) | (data[position + 1] & 0xFF) << 8;
        position += 2;
        return v;
    }

    /** An unsigned 32-bit value, widened so that values above 2^31 stay positive. */
    long u32(String field) throws MalformedEvidenceException {
        require(field, 4);
        long v = Le.u32(data, position);
        position += 4;
        return v;
    }

    long u64(String field) throws MalformedEvidenceException {
        require(field, 8);
        long v = Le.u64(data, position);
        position += 8;
        return v;
    }

    /** A sub-reader over the next {@code size} bytes (a length-delimited structure); skips them here. */
    EvidenceReader slice(String field, long size, Code sliceCode) throws MalformedEvidenceException {
        require(field, size);
        EvidenceReader sub = new EvidenceReader(data, position, position + (int) size, sliceCode);
        position += (int) size;
        return sub;
    }

    /** The rest of the input. */
    byte[] rest() {
        byte[] out = Arrays.copyOfRange(data, position, end);
        position = end;
        return out;
    }

    /** Fails unless every byte of this reader was consumed by the structure. */
    void expectEnd(String field) throws MalformedEvidenceException {
        if (position != end) {
            throw error(field, position, (end - position) + " bytes left over after the structure its size covers");
        }
    }
}
