package io.github.tdx4j.ratls;

/** RA-TLS evidence in a certificate could not be read: what was wrong, in one sentence. */
public final class EvidenceFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public EvidenceFormatException(String message) {
        super(message);
    }

    public EvidenceFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
