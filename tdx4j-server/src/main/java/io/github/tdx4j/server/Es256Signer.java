package io.github.tdx4j.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.util.BigIntegers;

/**
 * The ES256 signer of the EAR tokens: "ECDSA using P-256 and SHA-256" (RFC 7518, section 3.4), whose JWS signature is
 * R and S as two 32-byte big-endian unsigned integers, concatenated.
 *
 * <p>Why not nimbus's own {@code ECDSASigner}: it signs through a JCA {@code SHA256withECDSA}, so with BouncyCastle as
 * the provider the signing input (about 3 KB per token) is hashed by BouncyCastle's SHA-256 in plain Java, and the
 * DER signature is then re-encoded as R and S. In a JFR profile of {@code POST /verify} that hashing alone took 5 % of
 * the server's samples; the JDK's SHA-256 uses the CPU's SHA instructions (1.7 µs against 10 µs for 2,600 bytes on
 * the project's build machine). Here the JDK hashes and BouncyCastle's ECDSA signs the digest on its P-256 curve
 * (the SEC 2 curve secp256r1, with BouncyCastle's fixed-point table for the generator, built once per process).
 * Nothing cryptographic is written here: the hash, the nonce and the signature are the libraries'.
 */
final class Es256Signer implements JWSSigner {
    /** The byte length of R and of S in an ES256 JWS signature (RFC 7518, section 3.4). */
    static final int COORDINATE_BYTES = 32;

    /** secp256r1 with BouncyCastle's P-256-specific field arithmetic; one instance, so its fixed-point table is shared. */
    private static final ECDomainParameters P256 = new ECDomainParameters(CustomNamedCurves.getByName("secp256r1"));
    /** The same curve as the JDK describes it, to check keys by. */
    private static final ECParameterSpec P256_SPEC = jdkP256();

    private final ECPrivateKeyParameters key;
    private final SecureRandom random;
    private final JCAContext jca = new JCAContext();

    /**
     * @param key    a P-256 private key
     * @param random the source of each signature's nonce k (RFC 6979 is not used: each k is fresh from this source)
     * @throws IllegalArgumentException when {@code key} is not on P-256
     */
    Es256Signer(ECPrivateKey key, SecureRandom random) {
        Objects.requireNonNull(key, "key");
        if (!isP256(key.getParams())) {
            throw new IllegalArgumentException("the EAR signing key is not a P-256 key");
        }
        this.key = new ECPrivateKeyParameters(key.getS(), P256);
        this.random = Objects.requireNonNull(random, "random");
        jca.setSecureRandom(random);
    }

    /**
     * Whether {@code params} are P-256's (secp256r1, as the JDK names it): the same curve (field and coefficients),
     * generator, order and cofactor. A field size of 256 bits alone would also let in other 256-bit curves, such as
     * secp256k1 or brainpoolP256r1.
     */
    static boolean isP256(ECParameterSpec params) {
        return params.getCurve().equals(P256_SPEC.getCurve()) && params.getGenerator().equals(P256_SPEC.getGenerator())
                && params.getOrder().equals(P256_SPEC.getOrder()) && params.getCofactor() == P256_SPEC.getCofactor();
    }

    private static ECParameterSpec jdkP256() {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp256r1"));
            return p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256 parameters", e); // SunEC always has them
        }
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw new JOSEException("this signer makes ES256 signatures, not " + header.getAlgorithm());
        }
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(signingInput);
        } catch (NoSuchAlgorithmException e) {
            throw new JOSEException("the JDK has no SHA-256", e); // every Java SE platform must have it
        }
        // A fresh BouncyCastle signer per signature: it is cheap, and its thread safety is not documented.
        ECDSASigner ecdsa = new ECDSASigner();
        ecdsa.init(true, new ParametersWithRandom(key, random));
        BigInteger[] rs = ecdsa.generateSignature(digest);
        return Base64URL.encode(joseSignature(rs[0], rs[1]));
    }

    /**
     * R then S, each as {@link #COORDINATE_BYTES} big-endian bytes, left-padded with zeros: one time in 128 one of
     * them is shorter than 32 bytes, and a JWS verifier rejects a signature of any length but 64.
     */
    static byte[] joseSignature(BigInteger r, BigInteger s) {
        byte[] out = new byte[2 * COORDINATE_BYTES];
        BigIntegers.asUnsignedByteArray(r, out, 0, COORDINATE_BYTES);
        BigIntegers.asUnsignedByteArray(s, out, COORDINATE_BYTES, COORDINATE_BYTES);
        return out;
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.ES256);
    }

    @Override
    public JCAContext getJCAContext() {
        return jca;
    }
}
