package io.github.tdx4j.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * JSON files named on the command line, checked before a library reads them, so that a file that is not JSON gets
 * one sentence naming the file and the problem (not text; nested too deep; a syntax error at a line and column)
 * instead of the parser's own message.
 */
final class JsonInput {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonInput() {
    }

    /**
     * The JSON object in {@code content}, read from {@code file}.
     *
     * @param expected what the file should be, for the message ("QuoteCollateralV3 collateral JSON")
     * @throws CliFiles.FileFailure "F is not EXPECTED: PROBLEM" if it is not a JSON object
     */
    static JsonNode object(byte[] content, Path file, String expected) throws CliFiles.FileFailure {
        String prefix = CliPaths.show(file) + " is not " + expected + ": ";
        String notText = notText(content);
        if (notText != null) {
            throw new CliFiles.FileFailure(prefix + notText);
        }
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw new CliFiles.FileFailure(prefix + "it is empty");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CliFiles.FileFailure(prefix + "it " + problem(e, text));
        }
        if (root == null || !root.isObject()) {
            throw new CliFiles.FileFailure(prefix + "it is JSON but not an object");
        }
        return root;
    }

    /**
     * What is wrong with JSON {@code text} that the parser rejected, as a predicate without the parser's wording:
     * "nests arrays and objects deeper than 1000 levels", "ends in the middle of a JSON value at line 1, column 9",
     * "is not valid JSON: unexpected 'x' at line 1, column 2".
     */
    static String problem(JsonProcessingException e, String text) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column "
                + at.getColumnNr();
        return switch (e) {
            case StreamConstraintsException _ -> depth(text) > StreamReadConstraints.DEFAULT_MAX_DEPTH
                    ? "nests arrays and objects deeper than " + StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels"
                    : "holds a number, string or name longer than the JSON reader accepts" + where;
            case JsonEOFException _ -> "ends in the middle of a JSON value" + where;
            default -> {
                long offset = at == null ? -1 : at.getCharOffset();
                String what = offset >= 0 && offset < text.length() ? "'" + printable(text.charAt((int) offset)) + "'"
                        : "input";
                yield "is not valid JSON: unexpected " + what + where;
            }
        };
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }

    /**
     * Why {@code content} is not JSON text (RFC 8259, section 8.1, "Character Encoding": UTF-8; section 7: control
     * characters only escaped), naming the first offending byte; null if it is text.
     */
    static String notText(byte[] content) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content);
        CoderResult r = utf8.decode(in, CharBuffer.allocate(content.length), true);
        int invalid = r.isError() ? in.position() : content.length;
        for (int i = 0; i < invalid; i++) {
            int b = content[i] & 0xFF;
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f) {
                return String.format("it is not text (control byte 0x%02x at offset %d)", b, i);
            }
        }
        return invalid < content.length
                ? String.format("it is not UTF-8 text (byte 0x%02x at offset %d)", content[invalid] & 0xFF, invalid)
                : null;
    }

    /** The deepest nesting of arrays and objects in JSON {@code text}, brackets inside strings not counted. */
    private static int depth(String text) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                max = Math.max(max, ++depth);
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return max;
    }
}
