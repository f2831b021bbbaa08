package io.github.tdx4j.attest.verify;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Parsing of the X.509 material in quotes and collateral (JDK {@link CertificateFactory}) and signature checks on
 * it with our {@link P256}, so that every signature in a verification goes through the same, measured code.
 */
final class X509 {
    /** ecdsa-with-SHA256 (RFC 5758 §3.2): the algorithm of every certificate and CRL in Intel's PKI. */
    static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

    private X509() {
    }

    private static CertificateFactory factory() throws CertificateException {
        return CertificateFactory.getInstance("X.509");
    }

    /**
     * The certificates of a PEM chain (or concatenated DER), leaf first. A chain in a quote may end with a NUL
     * byte (go-tdx-guest {@code quote_v5_sample.dat}); trailing NULs and whitespace are ignored.
     */
    static List<X509Certificate> chain(byte[] data, ErrorCode code, String what) throws Refusal {
        int end = data.length;
        while (end > 0 && (data[end - 1] == 0 || data[end - 1] == '\n' || data[end - 1] == '\r'
                || data[end - 1] == ' ')) {
            end--;
        }
        if (end == 0) {
            throw new Refusal(code, what + " is empty");
        }
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (var c : factory().generateCertificates(new ByteArrayInputStream(data, 0, end))) {
                out.add((X509Certificate) c);
            }
        } catch (CertificateException e) {
            throw new Refusal(code, what + " is not a PEM certificate chain", e);
        }
        if (out.isEmpty()) {
            throw new Refusal(code, what + " holds no certificate");
        }
        return List.copyOf(out);
    }

    static List<X509Certificate> chain(String pem, ErrorCode code, String what) throws Refusal {
        return chain(pem.getBytes(StandardCharsets.UTF_8), code, what);
    }

    static X509CRL crl(byte[] der, String what) throws Refusal {
        try {
            return (X509CRL) factory().generateCRL(new ByteArrayInputStream(der));
        } catch (CertificateException | CRLException e) {
            throw new Refusal(ErrorCode.MALFORMED_COLLATERAL, what + " is not a DER X.509 CRL", e);
        }
    }

    /** Whether {@code cert} carries a valid ecdsa-with-SHA256 signature by {@code issuer}. */
    static boolean signedBy(P256 p256, X509Certificate cert, P256.Key issuer) {
        if (!ECDSA_WITH_SHA256.equals(cert.getSigAlgOID())) {
            return false;
        }
        try {
            byte[] rs = rawSignature(cert.getSignature());
            return rs != null && p256.verify(issuer, cert.getTBSCertificate(), rs);
        } catch (CertificateException e) {
            return false;
        }
    }

    /** Whether {@code crl} carries a valid ecdsa-with-SHA256 signature by {@code issuer}. */
    static boolean signedBy(P256 p256, X509CRL crl, P256.Key issuer) {
        if (!ECDSA_WITH_SHA256.equals(crl.getSigAlgOID())) {
            return false;
        }
        try {
            byte[] rs = rawSignature(crl.getSignature());
            return rs != null && p256.verify(issuer, crl.getTBSCertList(), rs);
        } catch (CRLException e) {
            return false;
        }
    }

    /**
     * An X.509 ECDSA signature (DER {@code Ecdsa-Sig-Value ::= SEQUENCE {r INTEGER, s INTEGER}}, RFC 3279 §2.2.3) as
     * r‖s, or null if it is not one or a value does not fit 32 bytes.
     */
    static byte[] rawSignature(byte[] der) {
        try {
            ASN1Primitive p = ASN1Primitive.fromByteArray(der);
            if (!(p instanceof ASN1Sequence seq) || seq.size() != 2
                    || !Arrays.equals(p.getEncoded("DER"), der)) {
                return null;
            }
            byte[] out = new byte[P256.SIGNATURE_SIZE];
            if (!put(ASN1Integer.getInstance(seq.getObjectAt(0)).getPositiveValue(), out, 0)
                    || !put(ASN1Integer.getInstance(seq.getObjectAt(1)).getPositiveValue(), out, P256.COORDINATE)) {
                return null;
            }
            return out;
        } catch (java.io.IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean put(BigInteger v, byte[] out, int off) {
        if (v.signum() <= 0 || v.bitLength() > 256) {
            return false;
        }
        byte[] b = v.toByteArray();
        int len = Math.min(b.length, P256.COORDINATE);
        System.arraycopy(b, b.length - len, out, off + P256.COORDINATE - len, len);
        return true;
    }

    /** The common name (CN) of a certificate's subject, or empty. */
    static String subjectCn(X509Certificate c) {
        RDN[] cns = X500Name.getInstance(c.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        return cns.length == 0 ? "" : IETFUtils.valueToString(cns[0].getFirst().getValue());
    }
}
