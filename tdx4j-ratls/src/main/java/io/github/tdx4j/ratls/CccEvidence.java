package io.github.tdx4j.ratls;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import java.io.IOException;
import java.util.Objects;

/**
 * The evidence of the CCC interoperable RA-TLS format: CBOR tag 60000 over a definite array of two byte strings,
 * {@code 60000([quote, claims])}, where {@code claims} is a serialized CBOR map ({@link Claims})
 * (CCC-Attestation/interoperable-ra-tls, "Interoperable RA-TLS SGX/TDX evidence formats").
 *
 * @param tag    the CBOR tag read or written: {@link #TAG_INTEL_QUOTE}, or on reading {@link #TAG_RATS_TLS_EARLY}
 * @param quote  the quote (TDX v4/v5, or SGX v3 in certificates of SGX peers)
 * @param claims the serialized claims map, exactly as hashed into REPORTDATA
 */
public record CccEvidence(int tag, byte[] quote, byte[] claims) {
    /** CBOR tag 60000: an Intel TEE quote, SGX or TDX ECDSA (IANA CBOR tags registry, as the CCC format cites). */
    public static final int TAG_INTEL_QUOTE = 60000;
    /**
     * 0x1a7501: the private tag early rats-tls used for the same content before moving to 60000
     * (inclavare-containers/rats-tls {@code src/include/internal/dice.h}, OCBR_TAG_EVIDENCE_INTEL_TEE_QUOTE before
     * PR #151). Read only, behind {@link ReadOptions#earlyRatsTlsTag()}.
     */
    public static final int TAG_RATS_TLS_EARLY = 0x1a7501;

    public CccEvidence {
        Objects.requireNonNull(quote, "quote");
        Objects.requireNonNull(claims, "claims");
        quote = quote.clone();
        claims = claims.clone();
    }

    /** Evidence with the standard tag 60000. */
    public static CccEvidence of(byte[] quote, byte[] claims) {
        return new CccEvidence(TAG_INTEL_QUOTE, quote, claims);
    }

    @Override
    public byte[] quote() {
        return quote.clone();
    }

    @Override
    public byte[] claims() {
        return claims.clone();
    }

    /** {@code tag([quote, claims])}, definite lengths. */
    public byte[] encode() {
        return Cbor.write(g -> {
            g.writeTag(tag);
            g.writeStartArray(null, 2);
            g.writeBinary(quote);
            g.writeBinary(claims);
            g.writeEndArray();
        });
    }

    /**
     * Reads {@code tag([quote, claims])}.
     *
     * @param acceptEarlyTag whether the early rats-tls tag 0x1a7501 is read as 60000
     * @throws EvidenceFormatException if it is not exactly that shape
     */
    public static CccEvidence decode(byte[] bytes, boolean acceptEarlyTag) throws EvidenceFormatException {
        try (CBORParser p = Cbor.parser(bytes, "the RA-TLS evidence")) {
            Cbor.expect(p, JsonToken.START_ARRAY, "the RA-TLS evidence");
            int tag = p.getCurrentTag();
            boolean known = tag == TAG_INTEL_QUOTE || acceptEarlyTag && tag == TAG_RATS_TLS_EARLY;
            if (!known) {
                throw new EvidenceFormatException("the RA-TLS evidence has CBOR tag " + (tag < 0 ? "none" : tag)
                        + ", expected " + TAG_INTEL_QUOTE + " (Intel TEE quote)"
                        + (tag == TAG_RATS_TLS_EARLY ? "; the early rats-tls tag 0x1a7501 is read only with "
                        + "ReadOptions.earlyRatsTlsTag" : ""));
            }
            Cbor.expect(p, JsonToken.VALUE_EMBEDDED_OBJECT, "the RA-TLS evidence's first element (the quote)");
            byte[] quote = p.getBinaryValue();
            Cbor.expect(p, JsonToken.VALUE_EMBEDDED_OBJECT, "the RA-TLS evidence's second element (the claims)");
            byte[] claims = p.getBinaryValue();
            Cbor.expect(p, JsonToken.END_ARRAY, "the RA-TLS evidence, after two elements,");
            Cbor.expectEnd(p, "the RA-TLS evidence");
            return new CccEvidence(tag, quote, claims);
        } catch (IOException e) {
            throw new EvidenceFormatException("the RA-TLS evidence is not well-formed CBOR: " + e.getMessage(), e);
        }
    }
}
