package io.github.tdx4j.trace.internal;

import java.util.Objects;

/**
 * A self-contained HTML page written element by element, with one escaping function ({@link #esc}) that every value
 * goes through: {@link #text} and {@link #attr} are the only ways a value enters the page, and both escape it.
 * Markup comes only from string literals in tdx4j's code ({@link #raw}, {@link #open}, {@link #close}): the trace page
 * here, and the command line's verify, campaign and demo pages (the one module this package is exported to).
 *
 * <p>Why no template engine: the pages are a few tables and SVG shapes computed from records, not documents edited
 * by non-programmers. JTE needs a build plugin that generates classes per template, and Mustache.java resolves
 * names by reflection (which this project does not use) and is not a named Java module; either would add a
 * dependency to escape values, which is the one thing this class must get right, and which is five replacements.
 */
public final class Html {
    private final StringBuilder out = new StringBuilder(8192);

    Html() {
    }

    /**
     * The value as HTML text or a double-quoted attribute value: {@code & < > " '} become character references, and
     * characters that are not allowed in HTML documents (controls other than tab/newline/CR, lone surrogates) become
     * U+FFFD, so no input can close an element, start a tag or leave an attribute (HTML Living Standard, 13.1.2.6
     * "Restrictions on the contents of raw text and escapable raw text elements", and 13.2.5 "Tokenization").
     */
    public static String esc(String value) {
        String s = Objects.requireNonNull(value, "value");
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '\t', '\n', '\r' -> b.append(c);
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append('\uFFFD');
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** Markup written by this module (a literal), never a value from input. */
    public Html raw(String markupLiteral) {
        out.append(markupLiteral);
        return this;
    }

    /** A value from anywhere, escaped. */
    public Html text(Object value) {
        out.append(esc(String.valueOf(value)));
        return this;
    }

    /** {@code <tag} with no attributes yet; follow with {@link #attr} and {@link #end}. */
    public Html open(String tagLiteral) {
        out.append('<').append(tagLiteral);
        return this;
    }

    /** {@code  name="value"} with the value escaped. */
    public Html attr(String nameLiteral, Object value) {
        out.append(' ').append(nameLiteral).append("=\"").append(esc(String.valueOf(value))).append('"');
        return this;
    }

    /** Ends a start tag opened with {@link #open}. */
    public Html end() {
        out.append('>');
        return this;
    }

    /** {@code </tag>}. */
    public Html close(String tagLiteral) {
        out.append("</").append(tagLiteral).append('>');
        return this;
    }

    /** {@code <tag>value</tag>} with the value escaped. */
    public Html element(String tagLiteral, Object value) {
        return open(tagLiteral).end().text(value).close(tagLiteral);
    }

    /** {@code <tag class="cls">value</tag>} with both escaped. */
    public Html element(String tagLiteral, String cls, Object value) {
        return open(tagLiteral).attr("class", cls).end().text(value).close(tagLiteral);
    }

    /** The start of a page: doctype, charset, title, a Content-Security-Policy that forbids any network access. */
    public static Html page(String title, String cssLiteral) {
        Html h = new Html();
        h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .element("title", title).raw("<style>").raw(cssLiteral).raw("</style></head><body>\n");
        return h;
    }

    /** The finished document. */
    public String finish() {
        return out.append("\n</body></html>\n").toString();
    }
}
