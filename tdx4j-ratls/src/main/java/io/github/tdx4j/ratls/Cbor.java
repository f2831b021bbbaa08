package io.github.tdx4j.ratls;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The CBOR (RFC 8949) reading and writing of this module, on Jackson's CBOR codec: one factory, with its limits,
 * and the two shapes the format needs (a definite array of byte strings, a definite map of byte strings).
 */
final class Cbor {
    /** Largest evidence accepted: a TD quote with its PCK chain is about 5 KiB; 1 MiB leaves room for collateral. */
    static final int MAX_BYTES = 1 << 20;

    static final CBORFactory FACTORY = CBORFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16)
                    .maxDocumentLength(MAX_BYTES).build())
            .build();

    private Cbor() {
    }

    interface Writer {
        void write(CBORGenerator g) throws IOException;
    }

    /** The bytes {@code writer} produces; Jackson writes integers and lengths in their shortest form. */
    static byte[] write(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = FACTORY.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("CBOR to memory cannot fail: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    static CBORParser parser(byte[] bytes, String what) throws EvidenceFormatException {
        if (bytes.length > MAX_BYTES) {
            throw new EvidenceFormatException(what + " is " + bytes.length + " bytes, more than the "
                    + MAX_BYTES + " accepted");
        }
        try {
            return FACTORY.createParser(bytes);
        } catch (IOException e) {
            throw new EvidenceFormatException(what + " is not CBOR: " + e.getMessage(), e);
        }
    }

    /** Reads the next token, which must be {@code expected}. */
    static void expect(CBORParser p, JsonToken expected, String what) throws IOException, EvidenceFormatException {
        JsonToken t = p.nextToken();
        if (t != expected) {
            throw new EvidenceFormatException(what + ": expected " + name(expected) + ", found " + name(t));
        }
    }

    /** After the one top-level item, nothing may follow. */
    static void expectEnd(CBORParser p, String what) throws IOException, EvidenceFormatException {
        if (p.nextToken() != null) {
            throw new EvidenceFormatException(what + " has bytes after its CBOR item");
        }
    }

    static String name(JsonToken t) {
        if (t == null) {
            return "the end of the data";
        }
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "a map";
            case END_ARRAY -> "the end of the array";
            case END_OBJECT -> "the end of the map";
            case VALUE_EMBEDDED_OBJECT -> "a byte string";
            case VALUE_STRING -> "a text string";
            case VALUE_NUMBER_INT -> "an integer";
            case FIELD_NAME -> "a map key";
            default -> t.toString();
        };
    }
}
