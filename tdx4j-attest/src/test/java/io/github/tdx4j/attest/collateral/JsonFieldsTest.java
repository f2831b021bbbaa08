package io.github.tdx4j.attest.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The strict field readers of the collateral JSON at their edges: each accepts the exact boundary value and refuses
 * the first value past it with MALFORMED, naming the document and the field (Intel QVL {@code JsonParser} and
 * {@code TimeUtils.cpp}).
 */
class JsonFieldsTest {
    private static final JsonFields F = new JsonFields("test document");

    private static JsonNode json(String text) {
        return F.parse(text);
    }

    private static void malformed(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CollateralException.class, e -> {
            assertThat(e.reason()).isEqualTo(CollateralException.Reason.MALFORMED);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    @DisplayName("parse: a JSON array, a bare number or an empty text is 'not a JSON object'; bad syntax gives line and column")
    void parseNeedsAnObject() {
        malformed(() -> json("[1]"), "test document: not a JSON object");
        malformed(() -> json("7"), "test document: not a JSON object");
        malformed(() -> json(""), "test document: not a JSON object");
        assertThatThrownBy(() -> json("{\n  \"a\": }")).isInstanceOfSatisfying(CollateralException.class, e -> {
            assertThat(e.getMessage()).startsWith("test document: not valid JSON: Unexpected character ('}'");
            assertThat(e.getMessage()).endsWith(" at line 2, column 8, character offset 9");
            assertThat(e.getMessage()).doesNotContain("\n");
        });
    }

    @Test
    @DisplayName("syntaxError of an I/O error that is not a JSON error is its message")
    void syntaxErrorOfPlainIoError() {
        assertThat(JsonFields.syntaxError(new IOException("disk gone"))).isEqualTo("disk gone");
        assertThat(JsonFields.syntaxError(new IOException())).isEqualTo("null");
    }

    @Test
    @DisplayName("syntaxError names a byte offset from 0 up, and the character offset when the input was text")
    void syntaxErrorOffsets() {
        var atFirstByte = new com.fasterxml.jackson.core.JsonParseException(null, "Unexpected end-of-input",
                new com.fasterxml.jackson.core.JsonLocation(com.fasterxml.jackson.core.io.ContentReference.unknown(),
                        0L, -1L, 1, 1));
        assertThat(JsonFields.syntaxError(atFirstByte))
                .isEqualTo("Unexpected end-of-input at line 1, column 1, byte offset 0");
        var inText = new com.fasterxml.jackson.core.JsonParseException(null, "Unexpected end-of-input",
                new com.fasterxml.jackson.core.JsonLocation(com.fasterxml.jackson.core.io.ContentReference.unknown(),
                        -1L, 5L, 1, 6));
        assertThat(JsonFields.syntaxError(inText))
                .isEqualTo("Unexpected end-of-input at line 1, column 6, character offset 5");
    }

    @Test
    @DisplayName("field: absent and JSON null are both 'missing'")
    void missingField() {
        malformed(() -> F.field(json("{}"), "a"), "test document: field 'a' is missing");
        malformed(() -> F.field(json("{\"a\":null}"), "a"), "test document: field 'a' is missing");
        assertThat(F.field(json("{\"a\":0}"), "a").intValue()).isZero();
    }

    @Test
    @DisplayName("text: a number is 'not a string'")
    void textMustBeString() {
        malformed(() -> F.text(json("{\"a\":1}"), "a"), "test document: field 'a' is not a string");
        assertThat(F.text(json("{\"a\":\"x\"}"), "a")).isEqualTo("x");
    }

    @Test
    @DisplayName("integer: 0 and 2^31-1 are read; -1, 2^31, 1.5 and \"1\" are not non-negative integers")
    void integerBounds() {
        assertThat(F.integer(json("{\"a\":0}"), "a")).isZero();
        assertThat(F.integer(json("{\"a\":2147483647}"), "a")).isEqualTo(Integer.MAX_VALUE);
        malformed(() -> F.integer(json("{\"a\":-1}"), "a"), "test document: field 'a' is not a non-negative integer: -1");
        malformed(() -> F.integer(json("{\"a\":2147483648}"), "a"),
                "test document: field 'a' is not a non-negative integer: 2147483648");
        malformed(() -> F.integer(json("{\"a\":1.5}"), "a"), "test document: field 'a' is not a non-negative integer: 1.5");
        malformed(() -> F.integer(json("{\"a\":\"1\"}"), "a"),
                "test document: field 'a' is not a non-negative integer: \"1\"");
    }

    @Test
    @DisplayName("bounded: exactly the maximum is read, one above is 'above its maximum'; -1 and 1.5 are refused")
    void boundedAtItsMaximum() {
        assertThat(F.bounded(json("{\"a\":255}"), "a", 255)).isEqualTo(255);
        assertThat(F.bounded(json("{\"a\":0}"), "a", 255)).isZero();
        malformed(() -> F.bounded(json("{\"a\":256}"), "a", 255), "test document: field 'a' is 256, above its maximum 255");
        malformed(() -> F.bounded(json("{\"a\":-1}"), "a", 255),
                "test document: field 'a' is not a non-negative integer: -1");
        malformed(() -> F.bounded(json("{\"a\":1.5}"), "a", 255),
                "test document: field 'a' is not a non-negative integer: 1.5");
        malformed(() -> F.bounded(json("{\"a\":4294967296}"), "a", 255),
                "test document: field 'a' is not a non-negative integer: 4294967296");
    }

    @Test
    @DisplayName("instant: YYYY-MM-DDThh:mm:ssZ exactly and a real calendar time; fractions, offsets and 30 February are refused")
    void instantForm() {
        assertThat(F.instant(json("{\"t\":\"2024-02-29T23:59:59Z\"}"), "t"))
                .isEqualTo(Instant.parse("2024-02-29T23:59:59Z"));
        malformed(() -> F.instant(json("{\"t\":\"2024-02-29T23:59:59.5Z\"}"), "t"),
                "test document: field 't' is not a time of the form YYYY-MM-DDThh:mm:ssZ: 2024-02-29T23:59:59.5Z");
        malformed(() -> F.instant(json("{\"t\":\"2024-02-29T23:59:59+00:00\"}"), "t"),
                "test document: field 't' is not a time of the form YYYY-MM-DDThh:mm:ssZ: 2024-02-29T23:59:59+00:00");
        malformed(() -> F.instant(json("{\"t\":\"2023-02-29T00:00:00Z\"}"), "t"),
                "test document: field 't' is not a calendar time: 2023-02-29T00:00:00Z");
        malformed(() -> F.instant(json("{\"t\":\"2024-01-01T23:59:60Z\"}"), "t"),
                "test document: field 't' is not a calendar time: 2024-01-01T23:59:60Z");
    }

    @Test
    @DisplayName("optionalText: absent is fine, a present number is 'not a string'")
    void optionalText() {
        F.optionalText(json("{}"), "a");
        F.optionalText(json("{\"a\":\"x\"}"), "a");
        malformed(() -> F.optionalText(json("{\"a\":1}"), "a"), "test document: field 'a' is not a string");
        malformed(() -> F.optionalText(json("{\"a\":null}"), "a"), "test document: field 'a' is not a string");
    }

    @Test
    @DisplayName("hex: exactly 2n hex digits, returned in lowercase; one digit more or less, or a non-hex digit, is refused")
    void hexOfExactLength() {
        assertThat(F.hex(json("{\"h\":\"00AB\"}"), "h", 2)).isEqualTo("00ab");
        malformed(() -> F.hex(json("{\"h\":\"00A\"}"), "h", 2), "test document: field 'h' must be 2 bytes of hex, got '00A'");
        malformed(() -> F.hex(json("{\"h\":\"00ABC\"}"), "h", 2),
                "test document: field 'h' must be 2 bytes of hex, got '00ABC'");
        malformed(() -> F.hex(json("{\"h\":\"00AG\"}"), "h", 2), "test document: field 'h' is not hex: '00AG'");
    }

    @Test
    @DisplayName("array: an object is 'not an array'")
    void arrayMustBeArray() {
        malformed(() -> F.array(json("{\"a\":{}}"), "a"), "test document: field 'a' is not an array");
        assertThat(F.array(json("{\"a\":[1,2]}"), "a").size()).isEqualTo(2);
    }

    @Test
    @DisplayName("optionalStrings: absent is empty; null, a string or an array holding a number are refused")
    void optionalStrings() {
        assertThat(F.optionalStrings(json("{}"), "a")).isEmpty();
        assertThat(F.optionalStrings(json("{\"a\":[\"x\",\"y\"]}"), "a")).containsExactly("x", "y");
        malformed(() -> F.optionalStrings(json("{\"a\":null}"), "a"), "test document: field 'a' is not an array");
        malformed(() -> F.optionalStrings(json("{\"a\":\"x\"}"), "a"), "test document: field 'a' is not an array");
        malformed(() -> F.optionalStrings(json("{\"a\":[\"x\",1]}"), "a"), "test document: field 'a' holds a non-string");
    }

    @Test
    @DisplayName("status: Intel's names are read, any other is 'unknown'")
    void statusNames() {
        assertThat(F.status(json("{\"s\":\"UpToDate\"}"), "s")).isEqualTo(TcbStatus.UP_TO_DATE);
        malformed(() -> F.status(json("{\"s\":\"upToDate\"}"), "s"), "test document: unknown s 'upToDate'");
    }

    @Test
    @DisplayName("malformed(what) names the document")
    void malformedNamesDocument() {
        assertThat(F.malformed("tcbLevels is empty").getMessage()).isEqualTo("test document: tcbLevels is empty");
        assertThat(F.malformed("x").reason()).isEqualTo(CollateralException.Reason.MALFORMED);
    }
}
