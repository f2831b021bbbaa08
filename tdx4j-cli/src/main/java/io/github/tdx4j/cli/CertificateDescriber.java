package io.github.tdx4j.cli;

import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.PckExtensions;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code tdx4j inspect} shows of X.509 certificates and CRLs, as files (PEM with any number of certificates
 * and CRLs, or one DER certificate or CRL) and inside quotes and collateral: names, validity, key, basic
 * constraints, the SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1, Intel "SGX PCK Certificate and
 * CRL Profile") and every revoked serial. Parsing uses the JDK's X.509 CertificateFactory; nothing is verified.
 */
final class CertificateDescriber {
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private CertificateDescriber() {
    }

    /**
     * Whether a file is PEM holding a certificate or CRL, or one DER certificate or CRL.
     *
     * @param bytes the file's bytes
     * @param text  the file as text if it is all printable ASCII, else null: PEM inside a binary file (a quote's
     *              PCK chain) does not make the file a certificate
     */
    static boolean isX509(byte[] bytes, String text) {
        if (text != null && (text.contains("-----BEGIN CERTIFICATE-----") || text.contains("-----BEGIN X509 CRL-----"))) {
            return true;
        }
        return bytes.length > 0 && bytes[0] == 0x30 && (derCertificate(bytes).isPresent() || derCrl(bytes).isPresent());
    }

    /**
     * The certificates and CRLs of a file {@link #isX509(byte[], String)} accepted.
     *
     * @throws InspectCommand.NotEvidence if a PEM block does not parse
     */
    static Map<String, Object> describe(byte[] bytes) throws InspectCommand.NotEvidence {
        List<X509Certificate> certs = new ArrayList<>();
        List<X509CRL> crls = new ArrayList<>();
        String text = new String(bytes, StandardCharsets.US_ASCII);
        String encoding;
        if (text.contains("-----BEGIN ")) {
            encoding = "PEM";
            Matcher m = PEM_BLOCK.matcher(text);
            int index = 0;
            while (m.find()) {
                int block = ++index;
                byte[] der;
                try {
                    der = Base64.getMimeDecoder().decode(m.group(2));
                } catch (IllegalArgumentException e) {
                    throw new InspectCommand.NotEvidence("has PEM block " + index + " (" + m.group(1)
                            + ") whose base64 does not decode");
                }
                switch (m.group(1)) {
                    case "CERTIFICATE" -> certs.add(derCertificate(der).orElseThrow(() -> new InspectCommand.NotEvidence(
                            "has PEM block " + block + " (CERTIFICATE) that is not an X.509 certificate")));
                    case "X509 CRL" -> crls.add(derCrl(der).orElseThrow(() -> new InspectCommand.NotEvidence(
                            "has PEM block " + block + " (X509 CRL) that is not an X.509 CRL")));
                    default -> {
                        // Other PEM blocks (keys, requests) are not attestation evidence; they are left out.
                    }
                }
            }
        } else {
            encoding = "DER";
            derCertificate(bytes).ifPresent(certs::add);
            if (certs.isEmpty()) {
                derCrl(bytes).ifPresent(crls::add);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", certs.isEmpty() ? "X.509 CRL" : crls.isEmpty() ? "X.509 certificates" : "X.509 certificates and CRLs");
        m.put("encoding", encoding);
        if (!certs.isEmpty()) {
            m.put("certificates", certs.stream().map(CertificateDescriber::certificate).toList());
        }
        if (!crls.isEmpty()) {
            m.put("crls", crls.stream().map(CertificateDescriber::crl).toList());
        }
        return m;
    }

    /** One certificate: names, serial, validity, key, signature algorithm, CA constraints, fingerprint, SGX extension. */
    static Map<String, Object> certificate(X509Certificate c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", c.getSubjectX500Principal().getName());
        m.put("issuer", c.getIssuerX500Principal().getName());
        m.put("serial", c.getSerialNumber().toString(16));
        m.put("notBefore", c.getNotBefore().toInstant().toString());
        m.put("notAfter", c.getNotAfter().toInstant().toString());
        m.put("key", key(c.getPublicKey()));
        m.put("signatureAlgorithm", c.getSigAlgName());
        int pathLen = c.getBasicConstraints();
        m.put("ca", pathLen < 0 ? "no" : pathLen == Integer.MAX_VALUE ? "yes" : "yes, path length " + pathLen);
        m.put("selfSigned", c.getSubjectX500Principal().equals(c.getIssuerX500Principal()));
        try {
            m.put("sha256", HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded())));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            m.put("sha256", "unavailable: " + e.getMessage());
        }
        if (c.getExtensionValue(PckExtensions.SGX_EXTENSION_OID) != null) {
            try {
                m.put("sgxExtensions", pck(PckExtensions.of(c)));
            } catch (MalformedEvidenceException e) {
                m.put("sgxExtensions", Map.of("error", e.getMessage()));
            }
        }
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

    /** One CRL: issuer, dates, number, and every revoked serial with its date and reason. */
    static Map<String, Object> crl(X509CRL crl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", crl.getIssuerX500Principal().getName());
        m.put("thisUpdate", crl.getThisUpdate().toInstant().toString());
        m.put("nextUpdate", crl.getNextUpdate() == null ? "none" : crl.getNextUpdate().toInstant().toString());
        m.put("signatureAlgorithm", crl.getSigAlgName());
        List<X509CRLEntry> entries = new ArrayList<>();
        if (crl.getRevokedCertificates() != null) {
            entries.addAll(crl.getRevokedCertificates());
        }
        entries.sort(Comparator.comparing(X509CRLEntry::getSerialNumber));
        m.put("revokedCount", entries.size());
        List<Map<String, Object>> revoked = new ArrayList<>();
        for (X509CRLEntry e : entries) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("serial", e.getSerialNumber().toString(16));
            r.put("revoked", e.getRevocationDate().toInstant().toString());
            if (e.getRevocationReason() != null) {
                r.put("reason", e.getRevocationReason().name());
            }
            revoked.add(r);
        }
        m.put("revoked", revoked);
        return m;
    }

    /** The public key: algorithm and size, and the key itself (EC: the uncompressed point x‖y). */
    private static Map<String, Object> key(PublicKey k) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (k) {
            case ECPublicKey ec -> {
                int bits = ec.getParams().getCurve().getField().getFieldSize();
                m.put("algorithm", "EC " + (bits == 256 ? "P-256" : bits == 384 ? "P-384" : bits + "-bit curve"));
                m.put("point", HEX.formatHex(fixed(ec.getW().getAffineX(), (bits + 7) / 8))
                        + HEX.formatHex(fixed(ec.getW().getAffineY(), (bits + 7) / 8)));
            }
            case RSAPublicKey rsa -> {
                m.put("algorithm", "RSA " + rsa.getModulus().bitLength());
                m.put("modulus", rsa.getModulus().toString(16));
            }
            default -> m.put("algorithm", k.getAlgorithm());
        }
        return m;
    }

    /** A non-negative integer as exactly {@code size} big-endian bytes. */
    private static byte[] fixed(BigInteger v, int size) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[size];
        int n = Math.min(raw.length, size);
        System.arraycopy(raw, raw.length - n, out, size - n, n);
        return out;
    }

    private static Optional<X509Certificate> derCertificate(byte[] der) {
        try {
            return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der)));
        } catch (CertificateException | ClassCastException e) {
            return Optional.empty();
        }
    }

    private static Optional<X509CRL> derCrl(byte[] der) {
        try {
            return Optional.of((X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der)));
        } catch (CertificateException | CRLException | ClassCastException e) {
            return Optional.empty();
        }
    }

    private static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}
