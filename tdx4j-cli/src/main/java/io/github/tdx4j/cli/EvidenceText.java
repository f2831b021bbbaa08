package io.github.tdx4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Evidence files as {@code verify} and {@code inspect} accept them: binary; hex text with an optional 0x prefix and
 * whitespace ignored (dcap-qvl's {@code tdx-quote.hex}); or the JSON object {@code tdx4j quote --json} prints, whose
 * {@code "quote"} field holds the quote in hex. Other JSON objects (collateral) are left to the caller.
 */
final class EvidenceText {
    private static final Pattern HEX_TEXT = Pattern.compile("(0[xX])?[0-9a-fA-F\\s]+");

    private EvidenceText() {
    }

    /** How the file was written. A closed set: these are the forms this class decodes. */
    enum Encoding {
        BINARY("binary"), HEX("hex text"), QUOTE_JSON("tdx4j quote --json"), OTHER_JSON("JSON");

        final String label;

        Encoding(String label) {
            this.label = label;
        }
    }

    /**
     * The decoded content.
     *
     * @param bytes    the evidence bytes; for {@link Encoding#OTHER_JSON} the file as read
     * @param encoding how the file was written
     * @param json     the parsed object for the JSON encodings, else null
     * @param text     the file as trimmed printable ASCII, or null if it is not such text
     */
    record Decoded(byte[] bytes, Encoding encoding, JsonNode json, String text) {
    }

    /**
     * Decodes {@code content}.
     *
     * @throws IllegalArgumentException with a sentence fragment ("holds an odd number of hex digits (3)") if the
     *                                  content looks like hex or JSON but is not valid as such
     */
    static Decoded decode(byte[] content) {
        String text = asciiText(content);
        if (text != null && text.startsWith("{")) {
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(text);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("starts with '{' but " + JsonInput.problem(e, text));
            }
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("is JSON but not an object");
            }
            JsonNode quote = root.get("quote");
            if (quote != null && quote.isTextual()) {
                return new Decoded(hex(quote.asText(), "has a \"quote\" field that"), Encoding.QUOTE_JSON, root, text);
            }
            return new Decoded(content, Encoding.OTHER_JSON, root, text);
        }
        if (text != null && !text.isEmpty() && HEX_TEXT.matcher(text).matches()) {
            return new Decoded(hex(text, ""), Encoding.HEX, null, text);
        }
        return new Decoded(content, Encoding.BINARY, null, text);
    }

    /** Hex digits to bytes; {@code subject} starts the error phrase ("" for the whole file). */
    private static byte[] hex(String text, String subject) {
        String prefix = subject.isEmpty() ? "" : subject + " ";
        if (!HEX_TEXT.matcher(text).matches()) {
            throw new IllegalArgumentException(prefix + "is not hex");
        }
        String digits = text.replaceFirst("^0[xX]", "").replaceAll("\\s", "");
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException(prefix + "holds an odd number of hex digits (" + digits.length() + ")");
        }
        return HexFormat.of().parseHex(digits);
    }

    /** The content as text if it is printable ASCII (with whitespace), trimmed; else null. */
    private static String asciiText(byte[] content) {
        for (byte b : content) {
            if (b < 0x09 || (b > 0x0d && b < 0x20) || b > 0x7e) {
                return null;
            }
        }
        return new String(content, StandardCharsets.US_ASCII).strip();
    }
}
