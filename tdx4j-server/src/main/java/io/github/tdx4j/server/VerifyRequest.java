package io.github.tdx4j.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.CollateralException;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.policy.TdPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;

/**
 * A {@code POST /verify} request, read from its body by content type:
 * <ul>
 *   <li>{@code application/octet-stream}: the quote bytes;</li>
 *   <li>{@code text/plain}: the quote as hex (optional {@code 0x}, white space ignored) or base64 (standard or
 *       URL-safe, padding optional);</li>
 *   <li>{@code application/json}: {@code {"quote": hex|base64, "collateral"?: QuoteCollateralV3 object or its text,
 *       "policy"?: policy document, "nonce"?: string}}.</li>
 * </ul>
 *
 * @param quote      the quote bytes
 * @param collateral collateral sent with the request, used instead of the server's
 * @param policy     the policy to judge the verified quote by ({@link PolicyDocuments#defaults()} when none is sent)
 * @param policyId   a short name of the policy for the token: {@code default} or {@code request}
 * @param nonce      the caller's nonce, echoed in the token as {@code eat_nonce}
 */
record VerifyRequest(byte[] quote, Optional<Collateral> collateral, TdPolicy policy, String policyId,
                     Optional<String> nonce) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The largest quote accepted: Intel's quotes are about 5 KB; the quote buffer of the GetQuote ABI is 64 KiB. */
    static final int MAX_QUOTE_BYTES = 64 * 1024;
    /** The longest nonce accepted: EAT's eat_nonce is 8 to 64 bytes (RFC 9711, "Nonce Claim"); base64 or hex of that. */
    static final int MAX_NONCE_CHARS = 128;

    /**
     * Reads a request.
     *
     * @param contentType the Content-Type header, if sent (absent: sniffed, JSON if it starts with '{')
     * @throws ApiException 400 naming what is wrong
     */
    static VerifyRequest read(Optional<String> contentType, byte[] body) {
        String type = contentType.map(t -> t.split(";", 2)[0].strip().toLowerCase(Locale.ROOT)).orElse("");
        if (type.isEmpty()) {
            type = body.length > 0 && body[0] == '{' ? "application/json" : "application/octet-stream";
        }
        return switch (type) {
            case "application/json" -> json(body);
            case "text/plain" -> new VerifyRequest(quote(new String(body, StandardCharsets.US_ASCII)), Optional.empty(),
                    PolicyDocuments.defaults(), "default", Optional.empty());
            case "application/octet-stream" -> {
                checkQuoteSize(body.length);
                if (body.length == 0) {
                    throw ApiException.badRequest("NO_QUOTE", "the request body is empty; send the quote");
                }
                yield new VerifyRequest(body, Optional.empty(), PolicyDocuments.defaults(), "default",
                        Optional.empty());
            }
            default -> throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type " + bounded(type)
                    + " is not one of application/json, application/octet-stream, text/plain"
                    + (type.equals("application/x-www-form-urlencoded")
                    ? " (curl -d and --data-binary send this type unless -H 'Content-Type: ...' names another)" : ""));
        };
    }

    private static VerifyRequest json(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("BAD_JSON", "the request body " + problem(e));
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("BAD_JSON", "the request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("BAD_JSON", "the request body must be a JSON object with a \"quote\" field");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("quote") && !name.equals("collateral") && !name.equals("policy")
                    && !name.equals("nonce")) {
                throw ApiException.badRequest("BAD_JSON", "unknown field \"" + bounded(name)
                        + "\"; the fields are quote, collateral, policy and nonce");
            }
        }
        JsonNode q = root.get("quote");
        if (q == null || !q.isTextual()) {
            throw ApiException.badRequest("NO_QUOTE", "field \"quote\" must be a string: the quote in hex or base64");
        }
        byte[] quote = quote(q.textValue());
        Optional<Collateral> collateral = Optional.empty();
        JsonNode c = root.get("collateral");
        if (c != null && !c.isNull()) {
            if (c.isTextual()) {
                // Collateral sent as JSON text: its syntax is checked here, so that the answer names the line and
                // column rather than quoting the JSON parser.
                try {
                    c = JSON.readTree(c.textValue());
                } catch (JsonProcessingException e) {
                    throw ApiException.badRequest("BAD_COLLATERAL", "field \"collateral\" is a string, and its text "
                            + problem(e));
                }
            }
            if (c == null || !c.isObject()) {
                throw ApiException.badRequest("BAD_COLLATERAL", "field \"collateral\" must be a QuoteCollateralV3 "
                        + "object, or its JSON text");
            }
            byte[] text = c.toString().getBytes(StandardCharsets.UTF_8);
            try {
                collateral = Optional.of(QuoteCollateralV3.parse(text));
            } catch (CollateralException e) {
                throw ApiException.badRequest("BAD_COLLATERAL", "field \"collateral\" is not QuoteCollateralV3 "
                        + "collateral: " + e.getMessage());
            }
        }
        TdPolicy policy = PolicyDocuments.defaults();
        String policyId = "default";
        JsonNode p = root.get("policy");
        if (p != null && !p.isNull()) {
            policy = PolicyDocuments.parse(p);
            policyId = "request";
        }
        Optional<String> nonce = Optional.empty();
        JsonNode n = root.get("nonce");
        if (n != null && !n.isNull()) {
            if (!n.isTextual() || n.textValue().isEmpty() || n.textValue().length() > MAX_NONCE_CHARS) {
                throw ApiException.badRequest("BAD_NONCE", "field \"nonce\" must be a string of 1 to "
                        + MAX_NONCE_CHARS + " characters");
            }
            nonce = Optional.of(n.textValue());
        }
        return new VerifyRequest(quote, collateral, policy, policyId, nonce);
    }

    /**
     * What is wrong with JSON the parser refused, as a predicate without the parser's words (which quote the input):
     * "nests arrays and objects deeper than 1000 levels", "is not valid JSON (line 1, column 11)".
     */
    static String problem(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return "is beyond the JSON reader's limits (nesting deeper than "
                    + StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels, or a value longer than it reads)";
        }
        JsonLocation at = e.getLocation();
        return "is not valid JSON" + (at == null || at.getLineNr() < 1 ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }

    /** A quote given as text: hex when every character is a hex digit, else base64. */
    static byte[] quote(String text) {
        String s = text.strip();
        if (s.startsWith("0x") || s.startsWith("0X")) {
            s = s.substring(2);
        }
        s = s.replaceAll("\\s", "");
        if (s.isEmpty()) {
            throw ApiException.badRequest("NO_QUOTE", "the quote is empty");
        }
        checkQuoteSize(s.length() / 2);
        byte[] out;
        if (s.matches("[0-9a-fA-F]+")) {
            if (s.length() % 2 != 0) {
                throw ApiException.badRequest("BAD_QUOTE_ENCODING", "the quote is hex with an odd number of digits");
            }
            out = HexFormat.of().parseHex(s);
        } else {
            try {
                out = s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(s)
                        : Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("BAD_QUOTE_ENCODING", "the quote is neither hex nor base64");
            }
        }
        checkQuoteSize(out.length);
        return out;
    }

    private static void checkQuoteSize(int bytes) {
        if (bytes > MAX_QUOTE_BYTES) {
            throw new ApiException(413, "QUOTE_TOO_LARGE", "the quote is larger than " + MAX_QUOTE_BYTES + " bytes");
        }
    }

    private static String bounded(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
