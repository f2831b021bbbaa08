package io.github.tdx4j.attest.format;

import io.github.tdx4j.attest.format.MalformedEvidenceException.Code;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Certification data type 5: the PCK certificate chain, leaf first (PCK certificate, PCK Platform or Processor
 * CA, Intel SGX Root CA).
 *
 * <p>Real quotes carry concatenated PEM, often followed by one NUL byte (a C string terminator); Intel's QVL
 * sample quote carries concatenated DER. The payload is kept byte for byte; {@link #certificates()} parses it with
 * the JDK's X.509 certificate factory, which reads both encodings.
 *
 * @param payload the certification data payload, exactly as in the quote
 */
public record PckCertChain(byte[] payload) implements CertificationData {
    /** How the chain is encoded. */
    public enum Encoding {
        /** Concatenated PEM blocks ("-----BEGIN CERTIFICATE-----"). */
        PEM,
        /** Concatenated DER certificates. */
        DER
    }

    private static final byte[] PEM_START = "-----BEGIN".getBytes(StandardCharsets.US_ASCII);

    public PckCertChain {
        payload = Values.copyAtMost(payload, 0xFFFF_FFFFL, "payload");
    }

    @Override
    public CertificationDataType type() {
        return CertificationDataType.PCK_CERT_CHAIN;
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** PEM if the payload starts with a PEM boundary line, else DER. */
    public Encoding encoding() {
        return payload.length >= PEM_START.length
                && Arrays.equals(payload, 0, PEM_START.length, PEM_START, 0, PEM_START.length)
                ? Encoding.PEM : Encoding.DER;
    }

    /** Whether the payload ends with a NUL byte (C string terminator), which the parser ignores. */
    public boolean hasTrailingNul() {
        return payload.length > 0 && payload[payload.length - 1] == 0;
    }

    /**
     * The certificates in the order they are encoded (real quotes: leaf first; see {@link #leafFirst()}).
     *
     * @throws MalformedEvidenceException {@link Code#MALFORMED_PCK_CERTIFICATE} if the payload is not a sequence of
     *                                    X.509 certificates or holds none
     */
    public List<X509Certificate> certificates() throws MalformedEvidenceException {
        int length = payload.length;
        while (length > 0 && payload[length - 1] == 0) {
            length--;
        }
        Collection<? extends java.security.cert.Certificate> parsed;
        // Intel's QVL splits the chain at each END CERTIFICATE line and ignores what follows the last one; the JDK
        // parser refuses such bytes (other than the trailing NUL dropped above).
        // Deviation: D6 bytes after the last PEM footer of the PCK chain make the chain unparsable.
        try {
            parsed = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(payload, 0, length));
        } catch (CertificateException | RuntimeException e) {
            // The JDK parser reports most bad input as CertificateException, but some malformed DER surfaces as an
            // unchecked exception from its internals; both mean the same thing for untrusted input.
            throw new MalformedEvidenceException(Code.MALFORMED_PCK_CERTIFICATE, "pck_cert_chain", -1,
                    "not a sequence of X.509 certificates (" + e.getMessage() + ")", e);
        }
        List<X509Certificate> out = new ArrayList<>(parsed.size());
        for (var c : parsed) {
            if (!(c instanceof X509Certificate x)) {
                throw new MalformedEvidenceException(Code.MALFORMED_PCK_CERTIFICATE, "pck_cert_chain", -1,
                        "holds a certificate that is not X.509");
            }
            out.add(x);
        }
        if (out.isEmpty()) {
            throw new MalformedEvidenceException(Code.MALFORMED_PCK_CERTIFICATE, "pck_cert_chain", -1,
                    "holds no certificate");
        }
        return List.copyOf(out);
    }

    // o != c on purpose: "another element of the list", so that a second copy of the same certificate counts as
    // another certificate and is ordered (or refused) like any other.
    /**
     * The certificates ordered leaf first, each followed by its issuer. Real quotes already carry them in this
     * order; Intel's QVL sample quote carries the root first, so the order is rebuilt from the issuer names.
     *
     * @throws MalformedEvidenceException {@link Code#MALFORMED_PCK_CERTIFICATE} if the certificates do not form
     *                                    one chain
     */
    @SuppressWarnings("ReferenceEquality")
    public List<X509Certificate> leafFirst() throws MalformedEvidenceException {
        List<X509Certificate> all = certificates();
        List<X509Certificate> leaves = new ArrayList<>();
        for (X509Certificate c : all) {
            boolean issuesAnother = all.stream().anyMatch(o -> o != c
                    && o.getIssuerX500Principal().equals(c.getSubjectX500Principal()));
            if (!issuesAnother) {
                leaves.add(c);
            }
        }
        if (leaves.size() != 1) {
            throw new MalformedEvidenceException(Code.MALFORMED_PCK_CERTIFICATE, "pck_cert_chain", -1,
                    "has " + leaves.size() + " certificates that issue no other; a chain has exactly one leaf");
        }
        List<X509Certificate> ordered = new ArrayList<>(all.size());
        X509Certificate current = leaves.getFirst();
        while (current != null && ordered.size() < all.size()) {
            ordered.add(current);
            X509Certificate issued = current;
            current = all.stream().filter(o -> o != issued && !ordered.contains(o)
                    && o.getSubjectX500Principal().equals(issued.getIssuerX500Principal())).findFirst().orElse(null);
        }
        if (ordered.size() != all.size()) {
            throw new MalformedEvidenceException(Code.MALFORMED_PCK_CERTIFICATE, "pck_cert_chain", -1,
                    "holds certificates that are not on the path from the leaf to the root");
        }
        return List.copyOf(ordered);
    }

    /** The PCK leaf certificate: the one certificate of the chain that issues no other. */
    public X509Certificate pckCertificate() throws MalformedEvidenceException {
        return leafFirst().getFirst();
    }

    /** The SGX extension of the PCK leaf certificate (FMSPC, PCE ID, TCB, ...). */
    public PckExtensions pckExtensions() throws MalformedEvidenceException {
        return PckExtensions.of(pckCertificate());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PckCertChain other && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "PckCertChain[encoding=" + encoding() + ", " + payload.length + " bytes"
                + (hasTrailingNul() ? ", trailing NUL" : "") + "]";
    }
}
