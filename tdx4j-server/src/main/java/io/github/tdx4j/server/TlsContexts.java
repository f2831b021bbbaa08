package io.github.tdx4j.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** The server's TLS context from a PEM certificate chain (leaf first) and its PEM private key (RSA or EC). */
final class TlsContexts {
    private TlsContexts() {
    }

    /** @throws IllegalArgumentException one sentence naming the file that is not usable */
    static SSLContext fromPem(Path chainFile, Path keyFile) {
        Collection<? extends Certificate> chain;
        byte[] chainBytes;
        try {
            chainBytes = Files.readAllBytes(chainFile);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the TLS certificate " + chainFile + " (" + IoReasons.of(e)
                    + ")");
        }
        try {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(
                    new java.io.ByteArrayInputStream(chainBytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the TLS certificate " + chainFile + " is not a PEM certificate chain");
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the TLS certificate " + chainFile + " holds no certificate");
        }
        PrivateKey key;
        String keyText;
        try {
            keyText = Files.readString(keyFile, StandardCharsets.ISO_8859_1); // any bytes; the parser judges them
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the TLS key " + keyFile + " (" + IoReasons.of(e) + ")");
        }
        try (Reader r = new java.io.StringReader(keyText); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter c = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                key = c.getKeyPair(kp).getPrivate();
            } else if (o instanceof PrivateKeyInfo info) {
                key = c.getPrivateKey(info);
            } else {
                throw new IllegalArgumentException("the TLS key " + keyFile + " holds no PEM private key");
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // BouncyCastle's PEMParser also throws unchecked exceptions (DecoderException) on bad base64
            throw new IllegalArgumentException("the TLS key " + keyFile + " is not readable PEM");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] none = new char[0];
            ks.setKeyEntry("server", key, none, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("the TLS key " + keyFile + " does not match the certificate "
                    + chainFile);
        }
    }
}
