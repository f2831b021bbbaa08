package io.github.tdx4j.bench;

import io.github.tdx4j.attest.format.Quote;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One ECDSA P-256 / SHA-256 verification of a real quote signature (dcap-qvl/tdx_quote: 632 signed bytes, raw r‖s,
 * raw x‖y attestation key), by the JDK's SunEC and by BouncyCastle's lightweight {@link ECDSASigner} on its
 * custom secp256r1 curve, the two engines of {@code io.github.tdx4j.attest.verify.CryptoEngine}. BouncyCastle is
 * measured with a key built per call (first use of a key) and with a reused key object (BouncyCastle keeps the
 * point's window-NAF precomputation on it).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class P256VerifyBenchmark {
    private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE.getCurve(), CURVE.getG(),
            CURVE.getN(), CURVE.getH());

    private byte[] signed;
    private byte[] rs;
    private byte[] xy;
    private PublicKey jdkKey;
    private ECPublicKeyParameters bcKey;

    @Setup
    public void setUp() throws Exception {
        byte[] quote = BenchData.bytes("dcap-qvl/tdx_quote");
        Quote q = Quote.decode(quote);
        signed = Arrays.copyOf(quote, q.signedLength());
        rs = q.signatureData().signature();
        xy = q.signatureData().attestationKey();
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC", "SunEC");
        p.init(new ECGenParameterSpec("secp256r1"));
        jdkKey = KeyFactory.getInstance("EC", "SunEC").generatePublic(new ECPublicKeySpec(
                new ECPoint(new BigInteger(1, Arrays.copyOf(xy, 32)), new BigInteger(1, Arrays.copyOfRange(xy, 32, 64))),
                p.getParameterSpec(ECParameterSpec.class)));
        bcKey = bcKey(xy);
        if (!sunEc() || !bouncyCastleReusedKey() || !bouncyCastleNewKey()) {
            throw new IllegalStateException("the benchmark signature does not verify");
        }
    }

    private static ECPublicKeyParameters bcKey(byte[] xy) {
        return new ECPublicKeyParameters(DOMAIN.getCurve().validatePoint(new BigInteger(1, Arrays.copyOf(xy, 32)),
                new BigInteger(1, Arrays.copyOfRange(xy, 32, 64))), DOMAIN);
    }

    @Benchmark
    public boolean sunEc() throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
        s.initVerify(jdkKey);
        s.update(signed);
        return s.verify(rs);
    }

    private boolean bc(ECPublicKeyParameters key) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(signed);
        ECDSASigner signer = new ECDSASigner();
        signer.init(false, key);
        return signer.verifySignature(hash, new BigInteger(1, Arrays.copyOf(rs, 32)),
                new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)));
    }

    @Benchmark
    public boolean bouncyCastleNewKey() throws Exception {
        return bc(bcKey(xy));
    }

    @Benchmark
    public boolean bouncyCastleReusedKey() throws Exception {
        return bc(bcKey);
    }
}
