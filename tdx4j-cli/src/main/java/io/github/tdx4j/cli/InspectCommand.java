package io.github.tdx4j.cli;

import io.github.tdx4j.abi.TdReportLayout;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.tdx4j.attest.eventlog.CcEvent;
import io.github.tdx4j.attest.eventlog.CcelTable;
import io.github.tdx4j.attest.eventlog.EventDigest;
import io.github.tdx4j.attest.eventlog.EventTypes;
import io.github.tdx4j.attest.eventlog.RtmrReplay;
import io.github.tdx4j.attest.eventlog.RuntimeEvent;
import io.github.tdx4j.attest.eventlog.RuntimeEventLog;
import io.github.tdx4j.attest.eventlog.TcgEventLog;
import io.github.tdx4j.attest.format.CertificationData;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.OpaqueCertificationData;
import io.github.tdx4j.attest.format.PckCertChain;
import io.github.tdx4j.attest.format.PckExtensions;
import io.github.tdx4j.attest.format.QeReportCertificationData;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.QuoteHeader;
import io.github.tdx4j.attest.format.SgxQuote;
import io.github.tdx4j.attest.format.SgxReportBody;
import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.attest.format.TdReport;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tdx4j inspect FILE [--json]}: what a piece of attestation evidence contains.
 *
 * <p>Recognises, in this order: QuoteCollateralV3 JSON (text starting with '{'), X.509 certificates and CRLs
 * ({@link CertificateDescriber}), an ACPI CCEL table, a CC event log, a runtime event log, a 1024-byte TDREPORT_STRUCT, a TD quote v4/v5 and an SGX quote v3; binary input may also be given as hex text with an
 * optional 0x prefix. Every decoded field is printed, as aligned text or as one JSON object. Input that decodes
 * as none of these is reported in one sentence on stderr with exit code 1. Problems inside a decoded quote that do
 * not stop decoding (a PCK certificate that does not parse) are shown in the output as an {@code error} field.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Print every field of a TDREPORT, TD quote (v4/v5), SGX quote (v3), quote collateral (QuoteCollateralV3 "
                + "JSON, or a PCS TCB info or QE identity response, with every TCB level), ACPI CCEL table, CC event "
                + "log, tdx4j extend's runtime event log, or X.509 certificates and CRLs (PEM, DER or hex: names, validity, key, the SGX extensions of "
                + "a PCK certificate, every revoked serial).", "",
                "Examples:",
                "  tdx4j inspect quote.dat",
                "  tdx4j inspect --json tdreport.bin",
                "  tdx4j inspect tdx-quote.hex              (hex text, optional 0x prefix)",
                "  tdx4j inspect pckCert.pem                (certificates; CRLs likewise)", ""})
final class InspectCommand implements Callable<Integer> {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] SPEC_ID = "Spec ID Event03\0".getBytes(StandardCharsets.US_ASCII);
    /** The first byte of a runtime event log (RFC 7464, section 2.1: each JSON text starts with RS, 0x1E). */
    private static final byte RECORD_SEPARATOR = 0x1E;

    @Parameters(index = "0", paramLabel = "FILE", description = "The evidence file (binary, hex text, or the output of tdx4j quote --json).")
    Path file;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        byte[] content;
        try {
            content = CliFiles.read(file);
        } catch (CliFiles.FileFailure e) {
            err.println("tdx4j inspect: " + e.getMessage() + ".");
            return Main.USAGE;
        }
        Map<String, Object> model;
        try {
            model = inspect(content);
        } catch (MalformedEvidenceException e) {
            err.println("tdx4j inspect: " + CliPaths.show(file) + " is not valid evidence: " + e.getMessage() + ".");
            return Main.USAGE;
        } catch (NotEvidence e) {
            err.println("tdx4j inspect: " + CliPaths.show(file) + " " + e.getMessage() + ".");
            return Main.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(model));
            } catch (JsonProcessingException e) {
                err.println("tdx4j inspect: cannot write JSON (" + e.getOriginalMessage() + ").");
                return Main.USAGE;
            }
        } else {
            printText(out, model, 0);
        }
        out.flush();
        return Main.OK;
    }

    /** Input that is none of the recognised kinds. */
    static final class NotEvidence extends Exception {
        private static final long serialVersionUID = 1L;

        NotEvidence(String message) {
            super(message);
        }
    }

    static Map<String, Object> inspect(byte[] content) throws MalformedEvidenceException, NotEvidence {
        if (content.length == 0) {
            throw new NotEvidence("is empty");
        }
        if (content[0] == RECORD_SEPARATOR) {
            return runtimeEventLog(content);
        }
        EvidenceText.Decoded decoded;
        try {
            decoded = EvidenceText.decode(content);
        } catch (IllegalArgumentException e) {
            throw new NotEvidence(e.getMessage());
        }
        if (decoded.encoding() == EvidenceText.Encoding.OTHER_JSON) {
            return collateral(decoded.json());
        }
        byte[] bytes = decoded.bytes();
        String text = decoded.text();
        boolean fromText = decoded.encoding() != EvidenceText.Encoding.BINARY;
        Map<String, Object> model;
        if (CertificateDescriber.isX509(bytes, text)) {
            model = CertificateDescriber.describe(bytes);
        } else if (bytes.length >= 4 && new String(bytes, 0, 4, StandardCharsets.US_ASCII).equals("CCEL")) {
            model = ccelTable(bytes);
        } else if (bytes.length >= 48 && Arrays.equals(bytes, 32, 48, SPEC_ID, 0, SPEC_ID.length)) {
            model = eventLog(bytes);
        } else if (bytes.length == TdReportLayout.SIZE) {
            model = tdReport(TdReport.decode(bytes));
        } else if (bytes.length >= 2 && (bytes[0] == Quote.VERSION_4 || bytes[0] == Quote.VERSION_5)
                && bytes[1] == 0) {
            model = quote(Quote.decode(bytes));
        } else if (bytes.length >= 2 && bytes[0] == SgxQuote.VERSION_3 && bytes[1] == 0) {
            model = sgxQuote(SgxQuote.decode(bytes));
        } else if (text != null && !fromText) {
            throw new NotEvidence("is text but neither collateral JSON nor hex");
        } else {
            throw new NotEvidence("is " + bytes.length + " bytes and none of: a 1024-byte TDREPORT, a TD quote "
                    + "(version 4 or 5), an SGX quote (version 3), a CCEL table, a CC event log, an X.509 certificate "
                    + "or CRL");
        }
        if (fromText) {
            Map<String, Object> withSource = new LinkedHashMap<>();
            withSource.put("kind", model.remove("kind"));
            withSource.put("encoding", decoded.encoding().label);
            withSource.putAll(model);
            return withSource;
        }
        return model;
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
                    m.put("pck", pck(chain.pckExtensions()));
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

    static Map<String, Object> pck(PckExtensions p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fmspc", hex(p.fmspc()));
        m.put("pceId", hex(p.pceId()));
        m.put("pceSvn", p.pceSvn());
        m.put("cpuSvn", hex(p.cpuSvn()));
        m.put("tcbComponents", p.tcbComponents());
        m.put("sgxType", p.sgxTypeName());
        m.put("ppid", hex(p.ppid()));
        if (p.platformInstanceId().length > 0) {
            m.put("platformInstanceId", hex(p.platformInstanceId()));
        }
        p.configuration().ifPresent(c -> {
            Map<String, Object> cm = new LinkedHashMap<>();
            c.dynamicPlatform().ifPresent(v -> cm.put("dynamicPlatform", v));
            c.cachedKeys().ifPresent(v -> cm.put("cachedKeys", v));
            c.smtEnabled().ifPresent(v -> cm.put("smtEnabled", v));
            m.put("configuration", cm);
        });
        return m;
    }

    private static Map<String, Object> certificate(X509Certificate c) {
        return CertificateDescriber.certificate(c);
    }

    // ---- CCEL ----

    private static Map<String, Object> ccelTable(byte[] bytes) throws MalformedEvidenceException {
        CcelTable t = CcelTable.decode(bytes);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "ACPI CCEL table");
        m.put("signature", t.signature());
        m.put("length", t.length());
        m.put("revision", t.revision());
        m.put("checksum", String.format("0x%02x", t.checksum()));
        m.put("checksumValid", t.checksumValid());
        m.put("oemId", t.oemId());
        m.put("oemTableId", t.oemTableId());
        m.put("oemRevision", t.oemRevision());
        m.put("creatorId", t.creatorId());
        m.put("creatorRevision", JsonShapes.u32(t.creatorRevision()));
        m.put("ccType", t.ccType());
        m.put("ccTypeName", t.ccType() == CcelTable.CC_TYPE_TDX ? "Intel TDX" : "other");
        m.put("ccSubtype", t.ccSubtype());
        m.put("logAreaMinimumLength", t.logAreaMinimumLength());
        m.put("logAreaStartAddress", JsonShapes.u64(t.logAreaStartAddress()));
        return m;
    }

    private static Map<String, Object> eventLog(byte[] bytes) throws MalformedEvidenceException {
        TcgEventLog log = TcgEventLog.parse(bytes);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "CC event log");
        m.put("length", log.length());
        Map<String, Object> digestSizes = new LinkedHashMap<>();
        log.specId().digestSizes().forEach((alg, size) -> digestSizes.put(String.format("0x%04x", alg), size));
        m.put("digestSizes", digestSizes);
        List<Map<String, Object>> events = new ArrayList<>();
        for (CcEvent e : log.events()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("offset", e.offset());
            em.put("mrIndex", e.mrIndex());
            em.put("type", EventTypes.name(e.eventType()));
            e.digest(EventDigest.TPM_ALG_SHA384).ifPresent(d -> em.put("sha384", hex(d)));
            em.put("dataLength", e.eventData().length);
            events.add(em);
        }
        m.put("events", events);
        m.put("replayedRtmrs", JsonShapes.rtmrs(RtmrReplay.replay(log)));
        return m;
    }

    // ---- runtime event log ----

    /**
     * tdx4j extend's runtime event log: CEL-JSON records in an RFC 7464 JSON text sequence, each starting with the
     * record separator 0x1E (tdx4j-linux/README.md, "Runtime event log"). Its records, and those that cannot be read
     * (cut short, not a record), as {@code tdx4j rtmr --replay} would count them.
     */
    private static Map<String, Object> runtimeEventLog(byte[] bytes) {
        RuntimeEventLog.Contents log = RuntimeEventLog.parse(bytes);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "runtime event log");
        m.put("length", bytes.length);
        List<Map<String, Object>> records = new ArrayList<>();
        for (RuntimeEvent e : log.events()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("recnum", e.recnum());
            r.put("offset", e.offset());
            r.put("rtmr", e.rtmr());
            r.put("sha384", hex(e.digest()));
            r.put("rtmrBefore", hex(e.rtmrBefore()));
            r.put("description", e.description());
            records.add(r);
        }
        m.put("records", records);
        List<Map<String, Object>> damaged = new ArrayList<>();
        for (RuntimeEventLog.DamagedRecord d : log.damaged()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("recnum", d.recnum());
            r.put("offset", d.offset());
            r.put("reason", d.reason());
            damaged.add(r);
        }
        m.put("damaged", damaged);
        return m;
    }

    // ---- collateral ----

    /**
     * A JSON object other than quote output: collateral, or one of the PCS responses it is made from.
     * QuoteCollateralV3 (the dcap-qvl JSON form) lists each item with its dates. Checking signatures and validity is
     * the verifier's job; a problem parsing one item is shown in place.
     */
    private static Map<String, Object> collateral(JsonNode root) throws NotEvidence {
        String kind = root.has("tcb_info") ? "quote collateral (QuoteCollateralV3)"
                : root.has("tcbInfo") ? "TCB info (Intel PCS response)"
                : root.has("enclaveIdentity") ? "QE identity (Intel PCS response)"
                : null;
        if (kind == null) {
            throw new NotEvidence("is JSON but none of: QuoteCollateralV3 collateral (no \"tcb_info\"), a PCS TCB info "
                    + "or QE identity response, the output of tdx4j quote --json (no \"quote\")");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        for (var it = root.properties().iterator(); it.hasNext();) {
            var entry = it.next();
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            Map<String, Object> item = new LinkedHashMap<>();
            try {
                if (key.endsWith("_chain") && value.isTextual()) {
                    List<Map<String, Object>> certs = new ArrayList<>();
                    for (var c : CertificateFactory.getInstance("X.509").generateCertificates(
                            new ByteArrayInputStream(value.asText().getBytes(StandardCharsets.US_ASCII)))) {
                        certs.add(certificate((X509Certificate) c));
                    }
                    item.put("certificates", certs);
                } else if (key.endsWith("_crl") && value.isTextual()) {
                    X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                            .generateCRL(new ByteArrayInputStream(HEX.parseHex(value.asText())));
                    item.putAll(CertificateDescriber.crl(crl));
                } else if ((key.equals("tcb_info") || key.equals("qe_identity")) && value.isTextual()) {
                    item.putAll(CollateralDescriber.signedDocument(new ObjectMapper().readTree(value.asText())));
                    item.put("textLength", value.asText().length());
                } else if ((key.equals("tcbInfo") || key.equals("enclaveIdentity")) && value.isObject()) {
                    item.putAll(CollateralDescriber.signedDocument(value));
                } else if (key.endsWith("_signature") && value.isTextual()) {
                    item.put("bytes", value.asText().length() / 2);
                    item.put("hex", value.asText());
                } else {
                    item.put("value", value.isTextual() ? value.asText() : value.toString());
                }
            } catch (CertificateException | ClassCastException e) {
                item.put("error", "not a PEM X.509 certificate chain");
            } catch (CRLException e) {
                item.put("error", "not a DER X.509 CRL");
            } catch (JsonProcessingException e) {
                item.put("error", "a string that " + JsonInput.problem(e, value.asText()));
            } catch (IllegalArgumentException e) {
                item.put("error", "not hex with an even number of digits");
            }
            m.put(key, item);
        }
        return m;
    }

    // ---- output ----

    private static void printText(PrintWriter out, Map<String, Object> map, int indent) {
        int width = map.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (var e : map.entrySet()) {
            String pad = " ".repeat(indent);
            Object v = e.getValue();
            if (v instanceof Map<?, ?> sub) {
                out.println(pad + e.getKey());
                @SuppressWarnings("unchecked")
                Map<String, Object> typed = (Map<String, Object>) sub;
                printText(out, typed, indent + 2);
            } else if (v instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof String
                    && e.getKey().toLowerCase(java.util.Locale.ROOT).endsWith("rtmrs")) {
                for (int i = 0; i < list.size(); i++) {
                    String key = "rtmr" + i;
                    out.println(pad + key + " ".repeat(Math.max(1, width - key.length() + 2)) + list.get(i));
                }
            } else if (v instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof Map) {
                out.println(pad + e.getKey() + " (" + list.size() + ")");
                for (int i = 0; i < list.size(); i++) {
                    out.println(pad + "  [" + i + "]");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> typed = (Map<String, Object>) list.get(i);
                    printText(out, typed, indent + 4);
                }
            } else {
                out.println(pad + e.getKey() + " ".repeat(width - e.getKey().length() + 2) + v);
            }
        }
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
