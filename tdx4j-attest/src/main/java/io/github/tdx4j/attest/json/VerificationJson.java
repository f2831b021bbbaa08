package io.github.tdx4j.attest.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.attest.format.Measurement;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.attest.policy.PolicyViolation;
import io.github.tdx4j.attest.policy.TdPolicy;
import io.github.tdx4j.attest.verify.DecodedQuote;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The JSON of a quote verification, in the shape of {@code schemas/verify.schema.json}: what {@code tdx4j verify
 * --json} prints and what {@code tdx4j serve}'s {@code POST /verify} answers, each adding its own fields after these.
 * One renderer, so that the two cannot drift apart.
 *
 * <p>Field shapes (the repository's {@code schemas/common.schema.json}): names in lowerCamelCase; byte strings
 * (measurements, REPORTDATA) as lowercase hex without a prefix; fixed-width codes and masks (TEE type, XFAM, TD
 * attributes) as {@code 0x} and lowercase hex of their full width; versions and counts as numbers; times as ISO-8601
 * UTC; TCB statuses in Intel's spelling ({@code UpToDate}, ...).
 */
public final class VerificationJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private VerificationJson() {
    }

    /**
     * The verdict on one quote: {@code verified}, {@code verifiedAt}, {@code advisoryIds}, {@code status},
     * {@code collateralExpired} (any collateral item or certificate expired), {@code qveCollateralExpired} (the TCB
     * info's or QE identity's nextUpdate passed: Intel's current QvE rule), {@code error}, {@code detail}; when
     * verified, {@code collateralExpiry}, {@code platformStatus}, {@code moduleStatus} and {@code qeStatus}; then
     * {@code quoteFields} ({@link #quoteFields}, null when the quote did not decode).
     *
     * @param at the verification time
     */
    public static ObjectNode result(VerificationResult result, Instant at) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(at, "at");
        ObjectNode o = NODES.objectNode();
        o.put("verified", result instanceof VerificationResult.Verified);
        o.put("verifiedAt", at.toString());
        ArrayNode advisories = o.putArray("advisoryIds");
        switch (result) {
            case VerificationResult.Verified v -> {
                o.put("status", v.status().jsonName());
                v.advisoryIds().forEach(advisories::add);
                o.put("collateralExpired", v.collateralExpired());
                o.put("qveCollateralExpired", v.qveCollateralExpired());
                o.putNull("error");
                o.putNull("detail");
                o.put("collateralExpiry", v.collateralExpiry().toString());
                o.put("platformStatus", v.platformStatus().jsonName());
                o.put("moduleStatus", v.moduleStatus().map(s -> s.jsonName()).orElse(null));
                o.put("qeStatus", v.qeStatus().jsonName());
            }
            case VerificationResult.Failed f -> {
                o.putNull("status");
                o.put("collateralExpired", false);
                o.put("qveCollateralExpired", false);
                o.put("error", f.code().name());
                o.put("detail", f.detail());
            }
        }
        if (result.decodedQuote().isPresent()) {
            o.set("quoteFields", quoteFields(result.decodedQuote().get(), result.platformFmspc().orElse(null)));
        } else {
            o.putNull("quoteFields");
        }
        return o;
    }

    /**
     * The fields of a quote a relying party checks ({@code $defs/quoteFields} of the schema): for a TD quote
     * {@link #tdQuoteFields}, for an SGX enclave quote its version, TEE type, REPORTDATA, MRENCLAVE and MRSIGNER
     * (the TD fields null or empty); then {@code fmspc}.
     *
     * @param fmspc the platform family from the PCK certificate (lowercase hex), or null
     */
    public static ObjectNode quoteFields(DecodedQuote quote, String fmspc) {
        ObjectNode o;
        switch (quote) {
            case DecodedQuote.Td td -> o = tdQuoteFields(td.quote());
            case DecodedQuote.Sgx sgx -> {
                o = NODES.objectNode();
                o.put("version", quote.header().version());
                o.put("teeType", u32(quote.header().teeType()));
                // An SGX enclave quote has no TD fields; its enclave identity instead.
                o.putNull("mrTd");
                o.putArray("rtmrs");
                o.put("reportData", HEX.formatHex(sgx.reportData()));
                o.putNull("tdAttributes");
                o.put("mrEnclave", HEX.formatHex(sgx.quote().enclaveReport().mrEnclave()));
                o.put("mrSigner", HEX.formatHex(sgx.quote().enclaveReport().mrSigner()));
                o.put("trailingBytes", sgx.quote().trailingBytes().length);
            }
        }
        o.put("fmspc", fmspc);
        return o;
    }

    /**
     * A TD quote's (version 4 or 5) fields: {@code version}, {@code teeType}, {@code bodyType}, {@code mrTd},
     * {@code rtmrs}, {@code reportData}, {@code tdAttributes} ({@code raw} and the names of the set bits),
     * {@code xfam}, {@code teeTcbSvn}, {@code mrSeam}, {@code trailingBytes}.
     */
    public static ObjectNode tdQuoteFields(Quote quote) {
        TdQuoteBody b = quote.body();
        ObjectNode o = NODES.objectNode();
        o.put("version", quote.header().version());
        o.put("teeType", u32(quote.header().teeType()));
        o.put("bodyType", quote.bodyType());
        o.put("mrTd", b.mrTd().hex());
        ArrayNode rtmrs = o.putArray("rtmrs");
        for (Measurement m : b.rtmrs()) {
            rtmrs.add(m.hex());
        }
        o.put("reportData", HEX.formatHex(b.reportData()));
        o.set("tdAttributes", tdAttributes(b.tdAttributes()));
        o.put("xfam", u64(b.xfam()));
        o.put("teeTcbSvn", HEX.formatHex(b.teeTcbSvn()));
        o.put("mrSeam", b.mrSeam().hex());
        // Bytes after the signature data (buffer padding, or data appended to the quote): ignored by verification,
        // reported so that a caller can tell a padded buffer from the quote alone.
        o.put("trailingBytes", quote.trailingBytes().length);
        return o;
    }

    /**
     * A relying party's policy applied to a result: {@code accepted} (verified and no rule broken), {@code evaluated}
     * (false when verification failed before the policy could apply), {@code violations} ({@code rule},
     * {@code expected}, {@code actual}, {@code detail}) and the effective policy {@code document}.
     *
     * @param evaluated  whether the policy was applied: only to a quote that verified
     * @param violations the rules the verified quote breaks (empty when it was not evaluated)
     */
    public static ObjectNode policy(TdPolicy policy, boolean evaluated, List<PolicyViolation> violations) {
        Objects.requireNonNull(policy, "policy");
        ObjectNode p = NODES.objectNode();
        p.put("accepted", evaluated && violations.isEmpty());
        p.put("evaluated", evaluated);
        ArrayNode list = p.putArray("violations");
        for (PolicyViolation v : violations) {
            ObjectNode item = list.addObject();
            item.put("rule", v.rule().name());
            item.put("expected", v.expected());
            item.put("actual", v.actual());
            item.put("detail", v.detail());
        }
        try {
            p.set("document", MAPPER.readTree(policy.toJson()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // TdPolicy.toJson writes valid JSON
        }
        return p;
    }

    /** A 32-bit code or mask (its low 32 bits): {@code 0x} and eight lowercase hex digits. */
    static String u32(long value) {
        return "0x" + HexFormat.of().toHexDigits((int) value);
    }

    /** A 64-bit code or mask: {@code 0x} and sixteen lowercase hex digits. */
    static String u64(long value) {
        return "0x" + HexFormat.of().toHexDigits(value);
    }

    /** TD attributes: the 64-bit value ({@code raw}) and the names of its set bits ({@code flags}). */
    static ObjectNode tdAttributes(TdAttributes a) {
        ObjectNode o = NODES.objectNode();
        o.put("raw", u64(a.raw()));
        ArrayNode flags = o.putArray("flags");
        a.setBitNames().forEach(flags::add);
        return o;
    }
}
