package io.github.tdx4j.cli;

import io.github.tdx4j.abi.TdReportLayout;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.SgxQuote;
import io.github.tdx4j.attest.format.TdReport;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
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
 * ({@link CertificateDescriber}), an ACPI CCEL table, a CC event log or tdx4j extend's runtime event log
 * ({@link EventLogDescriber}), a 1024-byte
 * TDREPORT_STRUCT, a TD quote v4/v5 and an SGX quote v3 ({@link QuoteDescriber}); binary input may also be given as
 * hex text with an optional 0x prefix. Collateral is shown by {@link CollateralDescriber}. Every decoded field is printed, as aligned text or as one JSON object. Input that decodes
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
            return EventLogDescriber.runtimeEventLog(content);
        }
        EvidenceText.Decoded decoded;
        try {
            decoded = EvidenceText.decode(content);
        } catch (IllegalArgumentException e) {
            throw new NotEvidence(e.getMessage());
        }
        if (decoded.encoding() == EvidenceText.Encoding.OTHER_JSON) {
            return CollateralDescriber.collateral(decoded.json());
        }
        byte[] bytes = decoded.bytes();
        String text = decoded.text();
        boolean fromText = decoded.encoding() != EvidenceText.Encoding.BINARY;
        Map<String, Object> model;
        if (CertificateDescriber.isX509(bytes, text)) {
            model = CertificateDescriber.describe(bytes);
        } else if (bytes.length >= 4 && new String(bytes, 0, 4, StandardCharsets.US_ASCII).equals("CCEL")) {
            model = EventLogDescriber.ccelTable(bytes);
        } else if (bytes.length >= 48 && Arrays.equals(bytes, 32, 48, SPEC_ID, 0, SPEC_ID.length)) {
            model = EventLogDescriber.eventLog(bytes);
        } else if (bytes.length == TdReportLayout.SIZE) {
            model = QuoteDescriber.tdReport(TdReport.decode(bytes));
        } else if (bytes.length >= 2 && (bytes[0] == Quote.VERSION_4 || bytes[0] == Quote.VERSION_5)
                && bytes[1] == 0) {
            model = QuoteDescriber.quote(Quote.decode(bytes));
        } else if (bytes.length >= 2 && bytes[0] == SgxQuote.VERSION_3 && bytes[1] == 0) {
            model = QuoteDescriber.sgxQuote(SgxQuote.decode(bytes));
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
}
