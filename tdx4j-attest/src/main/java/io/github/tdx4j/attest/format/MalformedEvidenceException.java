package io.github.tdx4j.attest.format;

import java.util.Objects;

/**
 * Attestation evidence (a TDREPORT, a quote, its certification data, a PCK certificate extension, an event log)
 * does not have the structure its format defines.
 *
 * <p>Checked on purpose: evidence arrives from another machine, so a malformed input is an expected outcome a
 * caller must handle, not a bug. Every instance names the {@link #field() field} that is wrong and its
 * {@link #offset() byte offset} in the decoded input (-1 when the field has no byte offset, such as an ASN.1 item
 * inside a certificate), and carries an UPPER_SNAKE {@link #code() code} for machine consumers such as the
 * {@code tdx4j verify} command.
 */
public final class MalformedEvidenceException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of evidence is malformed. A closed set we produce; the names are stable error codes. */
    public enum Code {
        /** A TDREPORT_STRUCT that is not 1024 bytes or not a TDX report. */
        MALFORMED_TDREPORT,
        /** A quote whose header, body or length fields are inconsistent or truncated. */
        MALFORMED_QUOTE,
        /** A well-formed quote of a kind this library does not decode (SGX quote, P-384 attestation key). */
        UNSUPPORTED_QUOTE,
        /** Certification data (QE report, QE auth data, PCK certificate chain) that is inconsistent or truncated. */
        MALFORMED_CERTIFICATION_DATA,
        /** A PCK certificate, or its SGX extension (OID 1.2.840.113741.1.13.1), that cannot be parsed. */
        MALFORMED_PCK_CERTIFICATE,
        /** An ACPI CCEL table or TCG crypto-agile event log that cannot be parsed. */
        MALFORMED_EVENT_LOG
    }

    private final Code code;
    private final String field;
    private final long offset;
    /** The message without its code: field, offset and what is wrong. */
    private final String problem;

    /**
     * @param code   the error code
     * @param field  the spec name of the offending field, e.g. {@code signature_data_len}
     * @param offset byte offset of the field in the decoded input, or -1 if it has none
     * @param detail what is wrong, one sentence without a trailing period
     */
    public MalformedEvidenceException(Code code, String field, long offset, String detail) {
        this(code, field, offset, detail, null);
    }

    /** As {@link #MalformedEvidenceException(Code, String, long, String)}, keeping the underlying parser error. */
    public MalformedEvidenceException(Code code, String field, long offset, String detail, Throwable cause) {
        super(code + ": " + problem(field, offset, detail), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.problem = problem(field, offset, detail);
        this.field = Objects.requireNonNull(field, "field");
        this.offset = offset;
    }

    private static String problem(String field, long offset, String detail) {
        return field + (offset >= 0 ? " at offset " + offset : "") + ": " + detail;
    }

    /**
     * The message without its code: the field, its offset and what is wrong, e.g. "header at offset 0: needs 48
     * bytes, only 1 remain". For a caller that reports the code beside it, as a verification result does.
     */
    public String problem() {
        return problem;
    }

    /** The error code, e.g. {@link Code#MALFORMED_QUOTE}. */
    public Code code() {
        return code;
    }

    /** The spec name of the offending field. */
    public String field() {
        return field;
    }

    /** Byte offset of the field in the decoded input, or -1 if the field has no byte offset. */
    public long offset() {
        return offset;
    }
}
