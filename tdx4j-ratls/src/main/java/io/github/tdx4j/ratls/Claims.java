package io.github.tdx4j.ratls;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import java.io.IOException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The claims of the CCC interoperable RA-TLS format: a CBOR map with text keys and byte-string values
 * (CCC-Attestation/interoperable-ra-tls, "Interoperable RA-TLS certificate evidence formats", claims buffer).
 *
 * <ul>
 *   <li>{@code "pubkey-hash"} (required): a serialized {@link HashEntry} {@code [alg, H(SubjectPublicKeyInfo DER)]}
 *       inside a byte string;</li>
 *   <li>{@code "nonce"} (optional): the peer's challenge, for freshness.</li>
 * </ul>
 * Other claims are ignored on reading, as the format says. REPORTDATA = SHA-256(serialized claims) ‖ 32 zero bytes.
 *
 * @param pubkeyHash the hash of the certificate's SubjectPublicKeyInfo
 * @param nonce      the challenge, in challenge mode
 */
public record Claims(HashEntry pubkeyHash, Optional<byte[]> nonce) {
    /** The map key of the public key hash. */
    public static final String PUBKEY_HASH = "pubkey-hash";
    /** The map key of the nonce. */
    public static final String NONCE = "nonce";

    public Claims {
        Objects.requireNonNull(pubkeyHash, "pubkeyHash");
        nonce = nonce.map(byte[]::clone);
    }

    @Override
    public Optional<byte[]> nonce() {
        return nonce.map(byte[]::clone);
    }

    /**
     * The claims map, deterministically encoded (RFC 8949 section 4.2.1, "Core Deterministic Encoding
     * Requirements"): definite lengths, shortest heads, keys sorted by their encoded bytes. {@code "nonce"}
     * (head 0x65) sorts before {@code "pubkey-hash"} (head 0x6b).
     */
    public byte[] encode() {
        byte[] hashEntry = Cbor.write(g -> {
            g.writeStartArray(null, 2);
            g.writeNumber(pubkeyHash.algorithm());
            g.writeBinary(pubkeyHash.value());
            g.writeEndArray();
        });
        return Cbor.write(g -> {
            g.writeStartObject(null, nonce.isPresent() ? 2 : 1);
            if (nonce.isPresent()) {
                g.writeFieldName(NONCE);
                g.writeBinary(nonce.get());
            }
            g.writeFieldName(PUBKEY_HASH);
            g.writeBinary(hashEntry);
            g.writeEndObject();
        });
    }

    /**
     * Reads a claims map. Keys other than the two known ones are skipped whatever their values; a repeated key is
     * an error (two different answers to the same question).
     */
    public static Claims decode(byte[] bytes) throws EvidenceFormatException {
        HashEntry hash = null;
        byte[] nonce = null;
        try (CBORParser p = Cbor.parser(bytes, "the RA-TLS claims")) {
            Cbor.expect(p, JsonToken.START_OBJECT, "the RA-TLS claims");
            Set<String> seen = new HashSet<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    throw new EvidenceFormatException("the RA-TLS claims: expected a text key, found " + Cbor.name(t));
                }
                String key = p.currentName();
                if (!seen.add(key)) {
                    throw new EvidenceFormatException("the RA-TLS claims repeat the key \"" + key + "\"");
                }
                JsonToken value = p.nextToken();
                switch (key) {
                    case PUBKEY_HASH -> {
                        requireBytes(value, key);
                        hash = hashEntry(p.getBinaryValue());
                    }
                    case NONCE -> {
                        requireBytes(value, key);
                        nonce = p.getBinaryValue();
                    }
                    default -> p.skipChildren();
                }
            }
            Cbor.expectEnd(p, "the RA-TLS claims");
        } catch (IOException e) {
            throw new EvidenceFormatException("the RA-TLS claims are not well-formed CBOR: " + e.getMessage(), e);
        }
        if (hash == null) {
            throw new EvidenceFormatException("the RA-TLS claims have no \"" + PUBKEY_HASH + "\"");
        }
        return new Claims(hash, Optional.ofNullable(nonce));
    }

    private static void requireBytes(JsonToken t, String key) throws EvidenceFormatException {
        if (t != JsonToken.VALUE_EMBEDDED_OBJECT) {
            throw new EvidenceFormatException("the RA-TLS claim \"" + key + "\" is " + Cbor.name(t)
                    + ", expected a byte string");
        }
    }

    private static HashEntry hashEntry(byte[] bytes) throws EvidenceFormatException, IOException {
        try (CBORParser p = Cbor.parser(bytes, "the \"pubkey-hash\" claim")) {
            Cbor.expect(p, JsonToken.START_ARRAY, "the \"pubkey-hash\" claim");
            Cbor.expect(p, JsonToken.VALUE_NUMBER_INT, "the \"pubkey-hash\" algorithm id");
            long alg = p.getLongValue();
            if (alg < 0 || alg > 255) {
                throw new EvidenceFormatException("the \"pubkey-hash\" algorithm id " + alg + " is out of range");
            }
            Cbor.expect(p, JsonToken.VALUE_EMBEDDED_OBJECT, "the \"pubkey-hash\" value");
            byte[] value = p.getBinaryValue();
            Cbor.expect(p, JsonToken.END_ARRAY, "the \"pubkey-hash\" claim, after two elements,");
            Cbor.expectEnd(p, "the \"pubkey-hash\" claim");
            return new HashEntry((int) alg, value);
        }
    }

    /** REPORTDATA for these claims' bytes: SHA-256(claims) ‖ 32 zero bytes. */
    public static byte[] reportData(byte[] encodedClaims) {
        byte[] rd = new byte[64];
        System.arraycopy(HashEntry.digest(HashEntry.SHA_256, encodedClaims), 0, rd, 0, 32);
        return rd;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Claims c && c.pubkeyHash.equals(pubkeyHash)
                && c.nonce.map(HexFormat.of()::formatHex).equals(nonce.map(HexFormat.of()::formatHex));
    }

    @Override
    public int hashCode() {
        return pubkeyHash.hashCode();
    }

    @Override
    public String toString() {
        return "Claims[pubkey-hash=" + pubkeyHash + nonce.map(n -> ", nonce=" + HexFormat.of().formatHex(n))
                .orElse("") + "]";
    }
}
