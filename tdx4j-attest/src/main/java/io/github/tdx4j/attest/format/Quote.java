package io.github.tdx4j.attest.format;

import static io.github.tdx4j.attest.format.QuoteLayout.BODY_TYPE_SGX;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_TYPE_TDX10;
import static io.github.tdx4j.attest.format.QuoteLayout.BODY_TYPE_TDX15;
import static io.github.tdx4j.attest.format.QuoteLayout.HEADER_SIZE;
import static io.github.tdx4j.attest.format.QuoteLayout.TDX10_BODY_SIZE;
import static io.github.tdx4j.attest.format.QuoteLayout.TDX15_BODY_SIZE;

import io.github.tdx4j.attest.format.MalformedEvidenceException.Code;
import java.util.Arrays;
import java.util.Optional;

/**
 * A TDX quote, version 4 or 5, decoded: header, TD quote body, signature data and whatever bytes follow the
 * signature data.
 *
 * <p>Layouts in {@link QuoteLayout}. A v4 quote always carries the TDX 1.0 body; a v5 quote says its body type
 * (2 = TDX 1.0, 3 = TDX 1.5) and size in a descriptor that the quote signature also covers. Real quotes often come
 * in a larger buffer: bytes after the signature data (zero padding, or go-tdx-guest's test text) are tolerated and
 * kept in {@link #trailingBytes()}. {@link #decode(byte[])} is strict about every length inside the quote, so for
 * every input it accepts, {@link #encode()} returns exactly that input.
 *
 * @param header        the 48-byte header
 * @param body          the TD quote body
 * @param signatureData the ECDSA signature data
 * @param trailingBytes the bytes after the signature data, usually none
 */
public record Quote(QuoteHeader header, TdQuoteBody body, QuoteSignatureData signatureData, byte[] trailingBytes) {
    /** Quote version 4: fixed TDX 1.0 body. */
    public static final int VERSION_4 = 4;
    /** Quote version 5: typed body (TDX 1.0 or 1.5). */
    public static final int VERSION_5 = 5;

    public Quote {
        if (header == null || body == null || signatureData == null) {
            throw new NullPointerException("header, body and signatureData must not be null");
        }
        if (header.version() != VERSION_4 && header.version() != VERSION_5) {
            throw new IllegalArgumentException("quote version must be 4 or 5: " + header.version());
        }
        if (header.version() == VERSION_4 && body.tdx15()) {
            throw new IllegalArgumentException("a v4 quote carries the 584-byte TDX 1.0 body");
        }
        trailingBytes = Values.copyAtMost(trailingBytes, Integer.MAX_VALUE, "trailingBytes");
    }

    /**
     * Decodes a TD quote v4 or v5.
     *
     * @throws MalformedEvidenceException {@link Code#MALFORMED_QUOTE} or {@link Code#MALFORMED_CERTIFICATION_DATA}
     *                                    naming the field and offset that is wrong, {@link Code#UNSUPPORTED_QUOTE}
     *                                    for a well-formed quote of another kind (SGX, P-384 key, version ≠ 4, 5)
     */
    public static Quote decode(byte[] bytes) throws MalformedEvidenceException {
        if (bytes == null) {
            throw new NullPointerException("bytes");
        }
        EvidenceReader r = new EvidenceReader(bytes, Code.MALFORMED_QUOTE);
        QuoteHeader header = QuoteHeader.read(r);
        checkHeader(header);
        boolean tdx15 = false;
        if (header.version() == VERSION_5) {
            int typeOffset = r.position();
            int type = r.u16("body_type");
            int sizeOffset = r.position();
            long size = r.u32("body_size");
            long expected = switch (type) {
                case BODY_TYPE_TDX10 -> TDX10_BODY_SIZE;
                case BODY_TYPE_TDX15 -> TDX15_BODY_SIZE;
                case BODY_TYPE_SGX -> throw new MalformedEvidenceException(Code.UNSUPPORTED_QUOTE, "body_type",
                        typeOffset, "is 1 (SGX enclave report); only TD report bodies (2, 3) are decoded");
                default -> throw new MalformedEvidenceException(Code.MALFORMED_QUOTE, "body_type", typeOffset,
                        "is " + type + ", not 2 (TDX 1.0) or 3 (TDX 1.5)");
            };
            if (size != expected) {
                throw new MalformedEvidenceException(Code.MALFORMED_QUOTE, "body_size", sizeOffset,
                        "is " + size + ", body type " + type + " has " + expected + " bytes");
            }
            tdx15 = type == BODY_TYPE_TDX15;
        }
        TdQuoteBody body = TdQuoteBody.read(r, tdx15);
        long signatureDataLength = r.u32("signature_data_len");
        EvidenceReader signatureReader = r.slice("signature_data", signatureDataLength, Code.MALFORMED_QUOTE);
        QuoteSignatureData signatureData = QuoteSignatureData.read(signatureReader);
        return new Quote(header, body, signatureData, r.rest());
    }

    private static void checkHeader(QuoteHeader h) throws MalformedEvidenceException {
        if (h.version() != VERSION_4 && h.version() != VERSION_5) {
            throw new MalformedEvidenceException(Code.UNSUPPORTED_QUOTE, "version", QuoteLayout.VERSION_OFFSET,
                    "is " + h.version() + "; only TD quotes of version 4 and 5 are decoded");
        }
        if (h.attestationKeyType() != QuoteHeader.ATT_KEY_TYPE_ECDSA_P256) {
            throw new MalformedEvidenceException(Code.UNSUPPORTED_QUOTE, "att_key_type",
                    QuoteLayout.ATT_KEY_TYPE_OFFSET,
                    "is " + h.attestationKeyType() + "; only 2 (ECDSA-256 with P-256) is decoded");
        }
        if (h.teeType() != QuoteHeader.TEE_TYPE_TDX) {
            throw new MalformedEvidenceException(
                    h.teeType() == QuoteHeader.TEE_TYPE_SGX ? Code.UNSUPPORTED_QUOTE : Code.MALFORMED_QUOTE,
                    "tee_type", QuoteLayout.TEE_TYPE_OFFSET,
                    String.format("is 0x%x; a TD quote has 0x81 (SGX: 0)", h.teeType()));
        }
    }

    /** The v5 body type: 2 (TDX 1.0) or 3 (TDX 1.5); a v4 quote's body is always type 2. */
    public int bodyType() {
        return body.tdx15() ? BODY_TYPE_TDX15 : BODY_TYPE_TDX10;
    }

    /** Length of the region the quote signature covers: 632 for v4, 54 + body size for v5. */
    public int signedLength() {
        return header.version() == VERSION_4 ? QuoteLayout.V4_SIGNATURE_DATA_LEN_OFFSET
                : QuoteLayout.V5_BODY_OFFSET + body.size();
    }

    /** The bytes the quote signature covers: header ‖ body (v4), header ‖ body type ‖ body size ‖ body (v5). */
    public byte[] signedBytes() {
        byte[] out = new byte[signedLength()];
        header.write(out, 0);
        if (header.version() == VERSION_5) {
            Le.put16(out, QuoteLayout.V5_BODY_TYPE_OFFSET, bodyType());
            Le.put32(out, QuoteLayout.V5_BODY_SIZE_OFFSET, body.size());
            body.write(out, QuoteLayout.V5_BODY_OFFSET);
        } else {
            body.write(out, HEADER_SIZE);
        }
        return out;
    }

    /** The encoded quote, trailing bytes included: byte-identical to what {@link #decode(byte[])} accepted. */
    public byte[] encode() {
        byte[] signed = signedBytes();
        byte[] signature = signatureData.encode();
        byte[] out = new byte[signed.length + 4 + signature.length + trailingBytes.length];
        System.arraycopy(signed, 0, out, 0, signed.length);
        Le.put32(out, signed.length, signature.length);
        System.arraycopy(signature, 0, out, signed.length + 4, signature.length);
        System.arraycopy(trailingBytes, 0, out, signed.length + 4 + signature.length, trailingBytes.length);
        return out;
    }

    /**
     * The PCK certificate chain, if the signature data carries QE report certification data (type 6) whose inner
     * certification data is the chain (type 5), as every production TD quote does.
     */
    public Optional<PckCertChain> pckCertChain() {
        return signatureData.qeReportCertificationData().flatMap(QeReportCertificationData::pckCertChain);
    }

    /** This quote without trailing bytes: exactly what signature_data_len delimits. */
    public Quote withoutTrailingBytes() {
        return new Quote(header, body, signatureData, new byte[0]);
    }

    /** This quote with other signature data (a simulator signs {@link #signedBytes()} and then sets it). */
    public Quote withSignatureData(QuoteSignatureData newSignatureData) {
        return new Quote(header, body, newSignatureData, trailingBytes);
    }

    @Override
    public byte[] trailingBytes() {
        return trailingBytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quote other && header.equals(other.header) && body.equals(other.body)
                && signatureData.equals(other.signatureData) && Arrays.equals(trailingBytes, other.trailingBytes);
    }

    @Override
    public int hashCode() {
        return Values.hash(new Object[] {header, body, signatureData, trailingBytes});
    }

    @Override
    public String toString() {
        return Values.text("Quote", "header", header, "body", body, "signatureData", signatureData,
                "trailingBytes", trailingBytes);
    }
}
