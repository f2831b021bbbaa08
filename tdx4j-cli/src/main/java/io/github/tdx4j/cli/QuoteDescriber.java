package io.github.tdx4j.cli;

import io.github.tdx4j.attest.format.CertificationData;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.OpaqueCertificationData;
import io.github.tdx4j.attest.format.PckCertChain;
import io.github.tdx4j.attest.format.QeReportCertificationData;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.QuoteHeader;
import io.github.tdx4j.attest.format.SgxQuote;
import io.github.tdx4j.attest.format.SgxReportBody;
import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.attest.format.TdReport;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code tdx4j inspect} shows of a TDREPORT_STRUCT, a TD quote (v4, v5) and an SGX quote (v3): every decoded
 * field, the certification data nested as the quote nests it, and the TDREPORT's own hash checks. Decoding is
 * tdx4j-attest's ({@link TdReport}, {@link Quote}, {@link SgxQuote}); nothing is verified.
 */
final class QuoteDescriber {
    private static final HexFormat HEX = HexFormat.of();

    private QuoteDescriber() {
    }

    // ---- TDREPORT ----

    static Map<String, Object> tdReport(TdReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "TDREPORT_STRUCT");
        var mac = r.reportMacStruct();
        Map<String, Object> rm = new LinkedHashMap<>();
        var type = mac.reportType();
        Map<String, Object> tm0 = new LinkedHashMap<>();
        tm0.put("type", String.format("0x%02x", type.type()));
        tm0.put("subtype", type.subtype());
        tm0.put("version", type.version());
        tm0.put("reserved", type.reserved());
        rm.put("reportType", tm0);
        rm.put("layout", type.isTdx15Layout() ? "TDX 1.5" : "TDX 1.0");
        rm.put("reserved1", hex(mac.reserved1()));
        rm.put("cpuSvn", hex(mac.cpuSvn()));
        rm.put("teeTcbInfoHash", hex(mac.teeTcbInfoHash()));
        rm.put("teeInfoHash", hex(mac.teeInfoHash()));
        rm.put("reportData", hex(mac.reportData()));
        rm.put("reserved2", hex(mac.reserved2()));
        rm.put("mac", hex(mac.mac()));
        m.put("reportMacStruct", rm);
        var t = r.teeTcbInfo();
        Map<String, Object> tm = new LinkedHashMap<>();
        tm.put("valid", String.format("0x%016x", t.valid()));
        tm.put("teeTcbSvn", hex(t.teeTcbSvn()));
        tm.put("mrSeam", t.mrSeam().hex());
        tm.put("mrSignerSeam", t.mrSignerSeam().hex());
        tm.put("attributes", String.format("0x%016x", t.attributes()));
        tm.put("teeTcbSvn2", hex(t.teeTcbSvn2()));
        tm.put("reserved", hex(t.reserved()));
        m.put("teeTcbInfo", tm);
        m.put("reserved", hex(r.reserved()));
        var d = r.tdInfo();
        Map<String, Object> dm = new LinkedHashMap<>();
        dm.put("tdAttributes", JsonShapes.tdAttributes(d.attributes()));
        dm.put("xfam", JsonShapes.u64(d.xfam()));
        dm.put("mrTd", d.mrTd().hex());
        dm.put("mrConfigId", d.mrConfigId().hex());
        dm.put("mrOwner", d.mrOwner().hex());
        dm.put("mrOwnerConfig", d.mrOwnerConfig().hex());
        List<String> rtmrs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rtmrs.add(d.rtmr(i).hex());
        }
        dm.put("rtmrs", rtmrs);
        dm.put("servTdHash", d.servTdHash().hex());
        dm.put("reserved", hex(d.reserved()));
        m.put("tdInfo", dm);
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("teeTcbInfoHashMatches", MessageDigest.isEqual(r.computeTeeTcbInfoHash(), mac.teeTcbInfoHash()));
        check.put("teeInfoHashMatches", MessageDigest.isEqual(r.computeTeeInfoHash(), mac.teeInfoHash()));
        check.put("mac", "not checkable off the platform that made the report");
        m.put("selfCheck", check);
        return m;
    }

    // ---- quote ----

    static Map<String, Object> quote(Quote q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "TD quote");
        QuoteHeader h = q.header();
        Map<String, Object> hm = new LinkedHashMap<>();
        hm.put("version", h.version());
        hm.put("attestationKeyType", h.attestationKeyType());
        hm.put("teeType", JsonShapes.u32(h.teeType()));
        hm.put("reserved", hex(h.reserved()));
        hm.put("qeVendorId", hex(h.qeVendorId()));
        hm.put("userData", hex(h.userData()));
        m.put("header", hm);
        m.put("bodyType", q.bodyType());
        m.put("layout", q.body().tdx15() ? "TDX 1.5" : "TDX 1.0");
        m.put("body", body(q.body()));
        m.put("signedLength", q.signedLength());
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("length", q.signatureData().encode().length);
        sm.put("signature", hex(q.signatureData().signature()));
        sm.put("attestationKey", hex(q.signatureData().attestationKey()));
        sm.put("certificationData", certificationData(q.signatureData().certificationData()));
        m.put("signatureData", sm);
        m.put("trailingBytes", trailing(q.trailingBytes()));
        return m;
    }

    static Map<String, Object> sgxQuote(SgxQuote q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "SGX quote");
        QuoteHeader h = q.header();
        Map<String, Object> hm = new LinkedHashMap<>();
        hm.put("version", h.version());
        hm.put("attestationKeyType", h.attestationKeyType());
        hm.put("attKeyData0", JsonShapes.u32(h.teeType()));
        hm.put("qeSvn", q.qeSvn());
        hm.put("pceSvn", q.pceSvn());
        hm.put("qeVendorId", hex(h.qeVendorId()));
        hm.put("userData", hex(h.userData()));
        m.put("header", hm);
        m.put("enclaveReport", sgxReport(q.enclaveReport()));
        m.put("signedLength", q.signedBytes().length);
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("signature", hex(q.signature()));
        sm.put("attestationKey", hex(q.attestationKey()));
        Map<String, Object> qe = certificationData(q.qeReportCertificationData());
        qe.remove("type");
        qe.remove("size");
        sm.putAll(qe);
        m.put("signatureData", sm);
        m.put("trailingBytes", trailing(q.trailingBytes()));
        return m;
    }

    private static Map<String, Object> trailing(byte[] trailing) {
        Map<String, Object> tm = new LinkedHashMap<>();
        tm.put("length", trailing.length);
        tm.put("allZero", allZero(trailing));
        if (!allZero(trailing)) {
            tm.put("hex", hex(trailing));
        }
        return tm;
    }

    private static Map<String, Object> body(TdQuoteBody b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", b.size());
        m.put("teeTcbSvn", hex(b.teeTcbSvn()));
        m.put("mrSeam", b.mrSeam().hex());
        m.put("mrSignerSeam", b.mrSignerSeam().hex());
        m.put("seamAttributes", String.format("0x%016x", b.seamAttributes()));
        m.put("tdAttributes", JsonShapes.tdAttributes(b.tdAttributes()));
        m.put("xfam", JsonShapes.u64(b.xfam()));
        m.put("mrTd", b.mrTd().hex());
        m.put("mrConfigId", b.mrConfigId().hex());
        m.put("mrOwner", b.mrOwner().hex());
        m.put("mrOwnerConfig", b.mrOwnerConfig().hex());
        m.put("rtmrs", JsonShapes.measurements(b.rtmrs()));
        m.put("reportData", hex(b.reportData()));
        if (b.tdx15()) {
            m.put("teeTcbSvn2", hex(b.teeTcbSvn2()));
            m.put("mrServiceTd", b.mrServiceTd().orElseThrow().hex());
        }
        return m;
    }

    private static Map<String, Object> certificationData(CertificationData data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", data.type().toString());
        m.put("size", data.payload().length);
        switch (data) {
            case QeReportCertificationData qe -> {
                m.put("qeReport", sgxReport(qe.qeReport()));
                m.put("qeReportSignature", hex(qe.qeReportSignature()));
                m.put("qeAuthData", hex(qe.qeAuthData()));
                m.put("certificationData", certificationData(qe.certificationData()));
            }
            case PckCertChain chain -> {
                m.put("encoding", chain.encoding().name());
                m.put("trailingNul", chain.hasTrailingNul());
                try {
                    List<Map<String, Object>> certs = new ArrayList<>();
                    for (X509Certificate c : chain.certificates()) {
                        certs.add(certificate(c));
                    }
                    m.put("certificates", certs);
                    m.put("pck", CertificateDescriber.pck(chain.pckExtensions()));
                } catch (MalformedEvidenceException e) {
                    m.put("error", e.getMessage());
                }
            }
            case OpaqueCertificationData opaque -> m.put("data", hex(opaque.payload()));
        }
        return m;
    }

    private static Map<String, Object> sgxReport(SgxReportBody r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpuSvn", hex(r.cpuSvn()));
        m.put("miscSelect", String.format("0x%08x", r.miscSelect()));
        m.put("attributes", hex(r.attributes()));
        m.put("mrEnclave", hex(r.mrEnclave()));
        m.put("mrSigner", hex(r.mrSigner()));
        m.put("isvProdId", r.isvProdId());
        m.put("isvSvn", r.isvSvn());
        m.put("reportData", hex(r.reportData()));
        m.put("reserved", allZero(r.reserved1(), r.reserved2(), r.reserved3(), r.reserved4()) ? "all zero"
                : hex(r.reserved1()) + " " + hex(r.reserved2()) + " " + hex(r.reserved3()) + " "
                        + hex(r.reserved4()));
        return m;
    }

    private static Map<String, Object> certificate(X509Certificate c) {
        return CertificateDescriber.certificate(c);
    }

    private static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    private static boolean allZero(byte[]... arrays) {
        for (byte[] a : arrays) {
            for (byte b : a) {
                if (b != 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
