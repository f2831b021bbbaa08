package io.github.tdx4j.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.QuoteHeader;
import io.github.tdx4j.attest.format.TdQuoteBody;
import java.util.HexFormat;

/**
 * The claims that Confidential Containers' Trustee parses from a TD quote, by Trustee's names and in its text form,
 * for the {@code "tdx"} entry of an EAR's annotated evidence ({@link EarTokens}): {@code quote.header.*},
 * {@code quote.body.*} (with {@code tee_tcb_svn2} and {@code mr_servicetd} for a TDX 1.5 body), {@code quote.type}
 * and {@code quote.size} (a v5 quote's body descriptor), {@code report_data}, {@code init_data} (MRCONFIGID) and the
 * {@code td_attributes.*} flags.
 * Byte strings are hex; integer fields are the hex of their little-endian bytes ({@link LittleEndianHex}). Trustee's
 * output for a public quote, {@code vectors/trustee/parse_tdx_claims_expected.json}, is the reference a test holds
 * these to. The verdict's own claims (TCB status, advisories, FMSPC) are added by the caller.
 */
final class TrusteeClaims {
    private TrusteeClaims() {
    }

    static ObjectNode of(Quote quote) {
        HexFormat hex = HexFormat.of();
        ObjectNode tdx = JsonNodeFactory.instance.objectNode();
        ObjectNode q = tdx.putObject("quote");
        QuoteHeader h = quote.header();
        ObjectNode header = q.putObject("header");
        header.put("version", LittleEndianHex.of(h.version(), 2));
        header.put("att_key_type", LittleEndianHex.of(h.attestationKeyType(), 2));
        header.put("tee_type", LittleEndianHex.of(h.teeType(), 4));
        header.put("reserved", hex.formatHex(h.reserved()));
        header.put("vendor_id", hex.formatHex(h.qeVendorId()));
        header.put("user_data", hex.formatHex(h.userData()));
        TdQuoteBody b = quote.body();
        ObjectNode body = q.putObject("body");
        body.put("tcb_svn", hex.formatHex(b.teeTcbSvn()));
        body.put("mr_seam", b.mrSeam().hex());
        body.put("mrsigner_seam", b.mrSignerSeam().hex());
        body.put("seam_attributes", LittleEndianHex.of(b.seamAttributes(), 8));
        body.put("td_attributes", LittleEndianHex.of(b.tdAttributes().raw(), 8));
        body.put("xfam", LittleEndianHex.of(b.xfam(), 8));
        body.put("mr_td", b.mrTd().hex());
        body.put("mr_config_id", b.mrConfigId().hex());
        body.put("mr_owner", b.mrOwner().hex());
        body.put("mr_owner_config", b.mrOwnerConfig().hex());
        for (int i = 0; i < 4; i++) {
            body.put("rtmr_" + i, b.rtmr(i).hex());
        }
        body.put("report_data", hex.formatHex(b.reportData()));
        if (b.tdx15()) {
            body.put("tee_tcb_svn2", hex.formatHex(b.teeTcbSvn2()));
            body.put("mr_servicetd", b.mrServiceTd().orElseThrow().hex()); // present exactly in a TDX 1.5 body
        }
        if (h.version() == Quote.VERSION_5) {
            // The v5 body descriptor: body type (2 = TDX 1.0, 3 = TDX 1.5) and body size, as in the quote.
            q.put("type", LittleEndianHex.of(quote.bodyType(), 2));
            q.put("size", LittleEndianHex.of(b.size(), 4));
        }
        tdx.put("report_data", hex.formatHex(b.reportData()));
        tdx.put("init_data", b.mrConfigId().hex());
        TdAttributes a = b.tdAttributes();
        ObjectNode flags = tdx.putObject("td_attributes");
        flags.put("debug", a.debug());
        flags.put("key_locker", a.has(TdAttributes.KL_BIT));
        flags.put("perfmon", a.has(TdAttributes.PERFMON_BIT));
        flags.put("protection_keys", a.has(TdAttributes.PKS_BIT));
        flags.put("septve_disable", a.septVeDisable());
        return tdx;
    }
}
