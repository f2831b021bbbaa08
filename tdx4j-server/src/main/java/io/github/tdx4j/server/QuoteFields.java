package io.github.tdx4j.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.attest.format.CertificationData;
import io.github.tdx4j.attest.format.PckCertChain;
import io.github.tdx4j.attest.format.QeReportCertificationData;
import io.github.tdx4j.attest.format.QuoteHeader;
import io.github.tdx4j.attest.format.SgxReportBody;
import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.attest.verify.DecodedQuote;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * Every decoded field of a quote as JSON, grouped as {@code tdx4j inspect} groups them: {@code header}, {@code body}
 * (TD quote body, or {@code enclaveReport} of an SGX quote), {@code signatureData} with the QE report and the PCK
 * certificate chain (subjects only). Names are the spec's fields in camel case (Intel TDX DCAP Quote Generation
 * Library, "Quote Format"). For the web page; {@code POST /verify?fields=true} returns it.
 */
final class QuoteFields {
    private static final HexFormat HEX = HexFormat.of();

    private QuoteFields() {
    }

    static ObjectNode of(DecodedQuote d) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        QuoteHeader h = d.header();
        ObjectNode hm = o.putObject("header");
        hm.put("version", h.version());
        hm.put("attestationKeyType", h.attestationKeyType());
        hm.put("teeType", String.format("0x%08x", h.teeType()));
        hm.put("qeVendorId", HEX.formatHex(h.qeVendorId()));
        hm.put("userData", HEX.formatHex(h.userData()));
        switch (d) {
            case DecodedQuote.Td td -> {
                o.put("kind", "TD quote");
                TdQuoteBody b = td.quote().body();
                ObjectNode bm = o.putObject("body");
                bm.put("bodyType", td.quote().bodyType());
                bm.put("teeTcbSvn", HEX.formatHex(b.teeTcbSvn()));
                bm.put("mrSeam", b.mrSeam().hex());
                bm.put("mrSignerSeam", b.mrSignerSeam().hex());
                bm.put("seamAttributes", String.format("0x%016x", b.seamAttributes()));
                bm.put("tdAttributes", String.format("0x%016x", b.tdAttributes().raw()));
                bm.put("tdAttributeFlags", String.join(" ", b.tdAttributes().setBitNames()));
                bm.put("xfam", String.format("0x%016x", b.xfam()));
                bm.put("mrTd", b.mrTd().hex());
                bm.put("mrConfigId", b.mrConfigId().hex());
                bm.put("mrOwner", b.mrOwner().hex());
                bm.put("mrOwnerConfig", b.mrOwnerConfig().hex());
                for (int i = 0; i < 4; i++) {
                    bm.put("rtmr" + i, b.rtmr(i).hex());
                }
                bm.put("reportData", HEX.formatHex(b.reportData()));
                if (b.tdx15()) {
                    bm.put("teeTcbSvn2", HEX.formatHex(b.teeTcbSvn2()));
                    bm.put("mrServiceTd", b.mrServiceTd().orElseThrow().hex());
                }
                ObjectNode sm = o.putObject("signatureData");
                sm.put("signature", HEX.formatHex(td.quote().signatureData().signature()));
                sm.put("attestationKey", HEX.formatHex(td.quote().signatureData().attestationKey()));
                certification(sm, td.quote().signatureData().certificationData());
            }
            case DecodedQuote.Sgx sgx -> {
                o.put("kind", "SGX quote");
                o.set("enclaveReport", report(sgx.quote().enclaveReport()));
                ObjectNode sm = o.putObject("signatureData");
                sm.put("signature", HEX.formatHex(sgx.quote().signature()));
                sm.put("attestationKey", HEX.formatHex(sgx.quote().attestationKey()));
                certification(sm, sgx.quote().qeReportCertificationData());
            }
        }
        return o;
    }

    private static void certification(ObjectNode sm, CertificationData data) {
        sm.put("certificationDataType", data.type().toString());
        if (data instanceof QeReportCertificationData qe) {
            sm.set("qeReport", report(qe.qeReport()));
            sm.put("qeReportSignature", HEX.formatHex(qe.qeReportSignature()));
            sm.put("qeAuthData", HEX.formatHex(qe.qeAuthData()));
            if (qe.certificationData() instanceof PckCertChain chain) {
                var certs = sm.putArray("pckCertChain");
                try {
                    for (X509Certificate c : chain.leafFirst()) {
                        certs.add(c.getSubjectX500Principal().getName());
                    }
                } catch (io.github.tdx4j.attest.format.MalformedEvidenceException e) {
                    certs.add("unreadable: " + e.getMessage());
                }
            }
        }
    }

    private static ObjectNode report(SgxReportBody r) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("cpuSvn", HEX.formatHex(r.cpuSvn()));
        m.put("miscSelect", String.format("0x%08x", r.miscSelect()));
        m.put("attributes", HEX.formatHex(r.attributes()));
        m.put("mrEnclave", HEX.formatHex(r.mrEnclave()));
        m.put("mrSigner", HEX.formatHex(r.mrSigner()));
        m.put("isvProdId", r.isvProdId());
        m.put("isvSvn", r.isvSvn());
        m.put("reportData", HEX.formatHex(r.reportData()));
        return m;
    }
}
