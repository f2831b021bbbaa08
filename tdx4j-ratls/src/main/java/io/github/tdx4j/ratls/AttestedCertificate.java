package io.github.tdx4j.ratls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * A self-signed RA-TLS certificate with its private key, as minted inside the TD.
 *
 * @param alias       the key manager alias of this certificate
 * @param certificate the certificate, with the evidence extension
 * @param privateKey  its key; never leaves the TD
 * @param claims      the claims the quote binds
 * @param quote       the quote in the extension
 */
public record AttestedCertificate(String alias, X509Certificate certificate, PrivateKey privateKey, Claims claims,
                                  byte[] quote) {
    public AttestedCertificate {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(claims, "claims");
        quote = quote.clone();
    }

    @Override
    public byte[] quote() {
        return quote.clone();
    }

    public Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    @Override
    public String toString() {
        return "AttestedCertificate[" + alias + ", " + notBefore() + ".." + notAfter() + ", " + claims + "]";
    }
}
