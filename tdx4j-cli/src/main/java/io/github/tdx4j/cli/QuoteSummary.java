package io.github.tdx4j.cli;

import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.attest.verify.DecodedQuote;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a quote a relying party checks, as {@code verify --json} and {@code demo --json} print them (the
 * {@code quote} object of {@code schemas/verify.schema.json}); {@code inspect} prints every field instead.
 */
final class QuoteSummary {
    private QuoteSummary() {
    }

    /** A verified or decoded quote; {@code fmspc} from its PCK certificate, or null. */
    static Map<String, Object> of(DecodedQuote d, String fmspc) {
        Map<String, Object> o = new LinkedHashMap<>();
        switch (d) {
            case DecodedQuote.Td td -> o.putAll(td(td.quote()));
            case DecodedQuote.Sgx sgx -> {
                o.put("version", d.header().version());
                o.put("teeType", JsonShapes.u32(d.header().teeType()));
                // An SGX enclave quote has no TD fields; its enclave identity instead.
                o.put("mrTd", null);
                o.put("rtmrs", List.of());
                o.put("reportData", JsonShapes.hex(sgx.reportData()));
                o.put("tdAttributes", null);
                o.put("mrEnclave", JsonShapes.hex(sgx.quote().enclaveReport().mrEnclave()));
                o.put("mrSigner", JsonShapes.hex(sgx.quote().enclaveReport().mrSigner()));
                o.put("trailingBytes", sgx.quote().trailingBytes().length);
            }
        }
        o.put("fmspc", fmspc);
        return o;
    }

    /** A TD quote (version 4 or 5). */
    static Map<String, Object> td(Quote q) {
        TdQuoteBody b = q.body();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("version", q.header().version());
        o.put("teeType", JsonShapes.u32(q.header().teeType()));
        o.put("bodyType", q.bodyType());
        o.put("mrTd", b.mrTd().hex());
        o.put("rtmrs", JsonShapes.measurements(b.rtmrs()));
        o.put("reportData", JsonShapes.hex(b.reportData()));
        o.put("tdAttributes", JsonShapes.tdAttributes(b.tdAttributes()));
        o.put("xfam", JsonShapes.u64(b.xfam()));
        o.put("teeTcbSvn", JsonShapes.hex(b.teeTcbSvn()));
        o.put("mrSeam", b.mrSeam().hex());
        // Bytes after the signature data (buffer padding, or data appended to the quote): ignored by verification,
        // reported so that a caller can tell a padded buffer from the quote alone.
        o.put("trailingBytes", q.trailingBytes().length);
        return o;
    }
}
