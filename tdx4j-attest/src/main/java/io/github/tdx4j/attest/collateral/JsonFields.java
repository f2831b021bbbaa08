package io.github.tdx4j.attest.collateral;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Strict readers for the fields of Intel's collateral JSON: every required field must be present with the right
 * type, and every failure names the document and the field.
 */
final class JsonFields {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern QVL_DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");
    private static final DateTimeFormatter QVL_DATE_FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
            .withResolverStyle(ResolverStyle.STRICT);

    private final String document;

    JsonFields(String document) {
        this.document = document;
    }

    /**
     * A JSON syntax error in one line: Jackson's message without the multi-line source excerpt it appends, plus the
     * line, column and offset where parsing stopped (characters for text input, bytes for byte input).
     */
    static String syntaxError(IOException e) {
        if (e instanceof JsonProcessingException j) {
            JsonLocation at = j.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()
                    + (at.getByteOffset() >= 0 ? ", byte offset " + at.getByteOffset()
                    : ", character offset " + at.getCharOffset());
            return j.getOriginalMessage().lines().findFirst().orElse("") + where;
        }
        return String.valueOf(e.getMessage());
    }

    JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || !node.isObject()) {
                throw CollateralException.malformed(document + ": not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw CollateralException.malformed(document + ": not valid JSON: " + syntaxError(e), e);
        }
    }

    JsonNode field(JsonNode parent, String name) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            throw CollateralException.malformed(document + ": field '" + name + "' is missing");
        }
        return n;
    }

    String text(JsonNode parent, String name) {
        JsonNode n = field(parent, name);
        if (!n.isTextual()) {
            throw CollateralException.malformed(document + ": field '" + name + "' is not a string");
        }
        return n.textValue();
    }

    int integer(JsonNode parent, String name) {
        JsonNode n = field(parent, name);
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
            throw CollateralException.malformed(document + ": field '" + name + "' is not a non-negative integer: "
                    + n);
        }
        return n.intValue();
    }

    /**
     * A date field in the one form Intel's collateral uses and Intel's QVL accepts: {@code YYYY-MM-DDThh:mm:ssZ},
     * exactly, and a real calendar time (Intel QVL {@code TimeUtils.cpp} {@code isValidTimeString}: the regular
     * expression {@code [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z} and a round trip through
     * {@code timegm}). Fractions of a second, offsets other than {@code Z} and leap seconds are malformed.
     */
    Instant instant(JsonNode parent, String name) {
        String s = text(parent, name);
        if (!QVL_DATE.matcher(s).matches()) {
            throw CollateralException.malformed(document + ": field '" + name
                    + "' is not a time of the form YYYY-MM-DDThh:mm:ssZ: " + s);
        }
        try {
            return LocalDateTime.parse(s, QVL_DATE_FORMAT).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw CollateralException.malformed(document + ": field '" + name + "' is not a calendar time: " + s, e);
        }
    }

    /**
     * An unsigned integer of at most {@code max} (Intel QVL {@code JsonParser::getUintFieldOf} reads a JSON
     * unsigned integer; the field's width is what the specification gives it).
     */
    int bounded(JsonNode parent, String name, int max) {
        JsonNode n = field(parent, name);
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
            throw CollateralException.malformed(document + ": field '" + name + "' is not a non-negative integer: "
                    + n);
        }
        if (n.intValue() > max) {
            throw CollateralException.malformed(document + ": field '" + name + "' is " + n.intValue()
                    + ", above its maximum " + max);
        }
        return n.intValue();
    }

    /** An optional string field: absent is fine, present must be a string (Intel QVL {@code TcbComponent}). */
    void optionalText(JsonNode parent, String name) {
        JsonNode n = parent.get(name);
        if (n != null && !n.isTextual()) {
            throw CollateralException.malformed(document + ": field '" + name + "' is not a string");
        }
    }

    /** A hex string field of exactly {@code bytes} bytes, returned in lowercase. */
    String hex(JsonNode parent, String name, int bytes) {
        String s = text(parent, name);
        if (s.length() != 2 * bytes) {
            throw CollateralException.malformed(document + ": field '" + name + "' must be " + bytes
                    + " bytes of hex, got '" + s + "'");
        }
        try {
            HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            throw CollateralException.malformed(document + ": field '" + name + "' is not hex: '" + s + "'", e);
        }
        return s.toLowerCase(Locale.ROOT);
    }

    JsonNode array(JsonNode parent, String name) {
        JsonNode n = field(parent, name);
        if (!n.isArray()) {
            throw CollateralException.malformed(document + ": field '" + name + "' is not an array");
        }
        return n;
    }

    /** An optional array of strings (absent means empty), e.g. {@code advisoryIDs}. */
    List<String> optionalStrings(JsonNode parent, String name) {
        JsonNode n = parent.get(name);
        if (n == null) {
            return List.of();
        }
        if (!n.isArray()) { // null included: Intel QVL getStringVecFieldOf rejects a present non-array
            throw CollateralException.malformed(document + ": field '" + name + "' is not an array");
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw CollateralException.malformed(document + ": field '" + name + "' holds a non-string");
            }
            out.add(e.textValue());
        }
        return List.copyOf(out);
    }

    TcbStatus status(JsonNode parent, String name) {
        String s = text(parent, name);
        return TcbStatus.fromJsonName(s).orElseThrow(
                () -> CollateralException.malformed(document + ": unknown " + name + " '" + s + "'"));
    }

    CollateralException malformed(String what) {
        return CollateralException.malformed(document + ": " + what);
    }
}
