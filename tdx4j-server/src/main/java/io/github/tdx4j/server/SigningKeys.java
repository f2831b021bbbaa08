package io.github.tdx4j.server;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

/**
 * The P-256 key pair that signs EAR tokens: read from a PEM file ({@code --signing-key}: SEC 1 "EC PRIVATE KEY" as
 * {@code openssl ecparam -genkey -name prime256v1} writes it, or PKCS #8 "PRIVATE KEY" with the public key derivable
 * from SEC 1), or generated at start when none is given (tokens then verify only against this run's JWKS).
 */
final class SigningKeys {
    /** The largest key file read: a PEM P-256 key is about 250 bytes. */
    static final long MAX_KEY_FILE_BYTES = 64 * 1024;

    private SigningKeys() {
    }

    /** A fresh P-256 key pair. */
    static KeyPair generateP256() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256 key generator", e);
        }
    }

    /**
     * The P-256 key pair in a PEM file.
     *
     * @throws IllegalArgumentException one sentence naming the file, when it is not such a key
     */
    static KeyPair readP256(Path file) {
        String pem;
        try {
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw new IllegalArgumentException("the signing key " + file + " is larger than " + MAX_KEY_FILE_BYTES
                        + " bytes; it is not a PEM P-256 key");
            }
            // ISO-8859-1 decodes any bytes: a file that is not PEM is then reported by the PEM parser below, not by
            // a decoder's "Input length = 1".
            pem = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the signing key " + file + " (" + IoReasons.of(e) + ")");
        }
        return parseP256(new StringReader(pem), file.toString());
    }

    static KeyPair parseP256(Reader pem, String name) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(pem)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                KeyPair pair = null;
                if (o instanceof PEMKeyPair kp) {
                    pair = converter.getKeyPair(kp);
                } else if (o instanceof PrivateKeyInfo info
                        && info.getPrivateKeyAlgorithm().getAlgorithm().equals(
                        org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey)) {
                    pair = converter.getKeyPair(new PEMKeyPair(publicKeyOf(info), info));
                }
                if (pair != null) {
                    if (!(pair.getPublic() instanceof ECPublicKey pub) || !(pair.getPrivate() instanceof ECPrivateKey)
                            || !Es256Signer.isP256(pub.getParams())) {
                        throw new IllegalArgumentException("the signing key " + name + " is not a P-256 key");
                    }
                    return pair;
                }
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // BouncyCastle's PEMParser also throws unchecked exceptions (DecoderException) on bad base64
            throw new IllegalArgumentException("the signing key " + name + " is not readable PEM");
        }
        throw new IllegalArgumentException("the signing key " + name + " holds no EC private key (PEM "
                + "\"EC PRIVATE KEY\" or \"PRIVATE KEY\")");
    }

    /** The SubjectPublicKeyInfo inside a PKCS #8 EC key (the optional publicKey of the SEC 1 ECPrivateKey). */
    private static org.bouncycastle.asn1.x509.SubjectPublicKeyInfo publicKeyOf(PrivateKeyInfo info) throws IOException {
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
                info.parsePrivateKey());
        if (sec1.getPublicKey() == null) {
            throw new IllegalArgumentException("the PKCS #8 signing key carries no public key; write it with "
                    + "openssl ecparam -genkey -name prime256v1 instead");
        }
        return new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(info.getPrivateKeyAlgorithm(),
                sec1.getPublicKey().getBytes());
    }
}
