package io.github.tdx4j.bench;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.format.QeReportCertificationData;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.TrustedRoot;
import io.github.tdx4j.attest.verify.VerificationResult;
import io.github.tdx4j.server.SimulatedQuotes;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/**
 * The in-process rows of {@code tdx4j-bench/compare.sh}, each printed as one JSON line:
 * <ul>
 *   <li>{@code uncachedApi}: {@code QuoteVerifier.builder().caching(false)} verifying dcap-qvl/tdx_quote, timed
 *   alternately with {@code floor} (call by call, so both see the same load).</li>
 *   <li>{@code floor}: the work floor of an uncached verification of dcap-qvl/tdx_quote, the 15 ECDSA P-256
 *   verifications it must do ({@code QuoteVerifier.UNCACHED_SIGNATURE_CHECKS}, listed in {@link #floorChecks}) with
 *   BouncyCastle's {@link ECDSASigner}, SHA-256 of each message included, on the five keys such a call meets (root,
 *   TCB signing, PCK CA, PCK, attestation key) decoded afresh per call: BouncyCastle's per-key precomputation is
 *   part of a first verification with a key. Certificates, CRLs and DER signatures are parsed before timing.</li>
 *   <li>{@code floorWarmKeys}: the same 15 verifications with the five keys kept from earlier calls.</li>
 *   <li>{@code oneVerify}: one BouncyCastle verification of a simulated quote's signature with a kept key (what a
 *   fresh quote of a known platform needs at least), timed alternately with {@code warmFresh}.</li>
 *   <li>{@code warmFresh}: {@link QuoteVerifier} (caching on) verifying distinct quotes of one simulated platform
 *   (different REPORTDATA): PCK chain, collateral and QE report checks cached, the quote signature checked each
 *   time.</li>
 *   <li>{@code throughput1}, {@code throughput2}: warm fresh verifications per second with one and two threads
 *   sharing one verifier.</li>
 * </ul>
 * Times are medians of per-call wall time after a warm-up of SECONDS and at least 1000 calls (at most 30 s).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.github.tdx4j.bench.VerifierFloor [SECONDS]} (per row warm-up and
 * measurement each; default 2), from the repository root.
 */
public final class VerifierFloor {
    private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE.getCurve(), CURVE.getG(),
            CURVE.getN(), CURVE.getH());
    private static final int ROOT = 0;
    private static final int TCB_SIGNER = 1;
    private static final int PCK_CA = 2;
    private static final int PCK = 3;
    private static final int ATTESTATION = 4;
    private static final int KEYS = 5;
    /** Fewest warm-up calls of a timed operation: C2 compiles the verifier well within 1000 uncached calls. */
    private static final int WARMUP_CALLS = 1000;
    private static final double WARMUP_CAP_SECONDS = 30;

    private VerifierFloor() {
    }

    /** One signature check: the key (an index above), the signed bytes, r and s. */
    private record Check(int key, byte[] message, byte[] rs) {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        Floor floor = new Floor(BenchData.bytes("dcap-qvl/TrustedRootCA.der"), BenchData.bytes("dcap-qvl/tdx_quote"),
                QuoteCollateralV3.parse(BenchData.bytes("dcap-qvl/tdx_quote_collateral.json")));
        if (!floor.fresh() || !floor.warm()) {
            throw new IllegalStateException("a floor signature does not verify");
        }
        byte[] dcapQuote = BenchData.bytes("dcap-qvl/tdx_quote");
        Collateral dcapCollateral = QuoteCollateralV3.parse(BenchData.bytes("dcap-qvl/tdx_quote_collateral.json"));
        Instant dcapAt = Instant.ofEpochSecond(1751328000);
        QuoteVerifier uncached = QuoteVerifier.builder().caching(false).build();
        double[] pair = timeInterleaved(() -> uncached.verify(dcapQuote, dcapCollateral, dcapAt)
                instanceof VerificationResult.Verified, floor::fresh, seconds);
        print("uncachedApi", pair[0], "");
        print("floor", pair[1], ",\"checks\":" + floor.checks.size() + ",\"keys\":" + KEYS);
        print("floorWarmKeys", time(floor::warm, seconds), ",\"checks\":" + floor.checks.size());

        SimulatedQuotes sim = SimulatedQuotes.defaultPlatform(4);
        byte[][] pool = new byte[1024][];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = sim.quote(i);
        }
        Collateral collateral = QuoteCollateralV3.parse(sim.collateralJson().getBytes(StandardCharsets.UTF_8));
        QuoteVerifier verifier = QuoteVerifier.builder()
                .trustedRoot(TrustedRoot.of(sim.rootPem().getBytes(StandardCharsets.UTF_8))).build();
        Instant at = Instant.now();
        if (!(verifier.verify(pool[0], collateral, at) instanceof VerificationResult.Verified)) {
            throw new IllegalStateException("the simulated quote does not verify: "
                    + verifier.verify(pool[0], collateral, at));
        }
        Quote q = Quote.decode(pool[0]);
        byte[] signed = Arrays.copyOf(pool[0], q.signedLength());
        byte[] rs = q.signatureData().signature();
        ECPublicKeyParameters key = key(q.signatureData().attestationKey());
        int[] next = {0};
        pair = timeInterleaved(() -> verifier.verify(pool[next[0]++ & (pool.length - 1)], collateral, at)
                instanceof VerificationResult.Verified, () -> verify(key, signed, rs), seconds);
        print("warmFresh", pair[0], ",\"distinctQuotes\":" + pool.length);
        print("oneVerify", pair[1], "");
        for (int threads = 1; threads <= 2; threads++) {
            System.out.printf("{\"row\":\"throughput%d\",\"perSecond\":%.0f,\"threads\":%d}%n", threads,
                    throughput(verifier, pool, collateral, at, threads, seconds), threads);
        }
    }

    private static void print(String row, double micros, String extra) {
        System.out.printf("{\"row\":\"%s\",\"micros\":%.1f%s}%n", row, micros, extra);
    }

    /** Median wall time in µs of {@code op} after {@code seconds} of warm-up, over {@code seconds} of calls. */
    static double time(BooleanSupplier op, double seconds) {
        long start = System.nanoTime();
        for (int calls = 0; warming(start, seconds, calls); calls++) {
            if (!op.getAsBoolean()) {
                throw new IllegalStateException("a timed operation failed");
            }
        }
        long[] nanos = new long[1 << 16];
        int n = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        boolean ok = true;
        while (n < nanos.length && (n < 5 || System.nanoTime() < end)) {
            long t0 = System.nanoTime();
            ok &= op.getAsBoolean();
            nanos[n++] = System.nanoTime() - t0;
        }
        if (!ok) {
            throw new IllegalStateException("a timed operation failed");
        }
        return median(nanos, n);
    }

    /**
     * Medians in µs of {@code a} and {@code b} called alternately, after {@code seconds} of warm-up, over
     * {@code seconds} of calls: both see the same load, so their ratio holds on a busy machine too.
     */
    static double[] timeInterleaved(BooleanSupplier a, BooleanSupplier b, double seconds) {
        long start = System.nanoTime();
        for (int calls = 0; warming(start, seconds, calls); calls++) {
            if (!a.getAsBoolean() || !b.getAsBoolean()) {
                throw new IllegalStateException("a timed operation failed");
            }
        }
        long[] na = new long[1 << 15];
        long[] nb = new long[1 << 15];
        int n = 0;
        boolean ok = true;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (n < na.length && (n < 5 || System.nanoTime() < end)) {
            long t0 = System.nanoTime();
            ok &= a.getAsBoolean();
            long t1 = System.nanoTime();
            ok &= b.getAsBoolean();
            nb[n] = System.nanoTime() - t1;
            na[n++] = t1 - t0;
        }
        if (!ok) {
            throw new IllegalStateException("a timed operation failed");
        }
        return new double[] {median(na, n), median(nb, n)};
    }

    /**
     * Whether warm-up goes on: for {@code seconds} and at least {@link #WARMUP_CALLS} calls (so that the JIT has
     * compiled the code also when a call takes milliseconds), but never more than {@link #WARMUP_CAP_SECONDS}.
     */
    private static boolean warming(long start, double seconds, int calls) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        return elapsed < WARMUP_CAP_SECONDS && (elapsed < seconds || calls < WARMUP_CALLS);
    }

    private static double median(long[] nanos, int n) {
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        return sorted[(n - 1) / 2] / 1000.0;
    }

    private static double throughput(QuoteVerifier verifier, byte[][] pool, Collateral collateral, Instant at,
                                     int threads, double seconds) throws InterruptedException {
        AtomicBoolean counting = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int start = t * 512;
            workers.add(Thread.ofPlatform().start(() -> {
                int i = start;
                while (!stop.get()) {
                    if (!(verifier.verify(pool[i++ & (pool.length - 1)], collateral, at)
                            instanceof VerificationResult.Verified)) {
                        throw new IllegalStateException("a simulated quote did not verify");
                    }
                    if (counting.get()) {
                        done.increment();
                    }
                }
            }));
        }
        Thread.sleep((long) (seconds * 1000));
        counting.set(true);
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long count = done.sum();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        return count / elapsed;
    }

    static ECPublicKeyParameters key(byte[] xy) {
        return new ECPublicKeyParameters(DOMAIN.getCurve().validatePoint(new BigInteger(1, Arrays.copyOf(xy, 32)),
                new BigInteger(1, Arrays.copyOfRange(xy, 32, 64))), DOMAIN);
    }

    /** SHA-256 of the message, then ECDSA verification, as tdx4j's BouncyCastle engine does it. */
    static boolean verify(ECPublicKeyParameters key, byte[] message, byte[] rs) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(message);
            ECDSASigner signer = new ECDSASigner();
            signer.init(false, key);
            return signer.verifySignature(hash, new BigInteger(1, Arrays.copyOf(rs, 32)),
                    new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The 15 checks of an uncached verification, with the five keys' coordinates. */
    private static final class Floor {
        final List<Check> checks;
        final byte[][] keyBytes = new byte[KEYS][];
        final ECPublicKeyParameters[] warmKeys = new ECPublicKeyParameters[KEYS];

        Floor(byte[] rootDer, byte[] quote, Collateral c) throws Exception {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            X509Certificate root = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(rootDer));
            List<X509Certificate> tcbChain = chain(cf, c.tcbInfoIssuerChain());
            List<X509Certificate> qeIdChain = chain(cf, c.qeIdentityIssuerChain());
            List<X509Certificate> crlChain = chain(cf, c.pckCrlIssuerChain());
            Quote q = Quote.decode(quote);
            QeReportCertificationData qe = q.signatureData().qeReportCertificationData().orElseThrow();
            List<X509Certificate> pckChain = qe.pckCertChain().orElseThrow().leafFirst();
            X509CRL rootCrl = (X509CRL) cf.generateCRL(new ByteArrayInputStream(c.rootCaCrl()));
            X509CRL pckCrl = (X509CRL) cf.generateCRL(new ByteArrayInputStream(c.pckCrl()));
            keyBytes[ROOT] = xy(root);
            keyBytes[TCB_SIGNER] = xy(tcbChain.get(0));
            keyBytes[PCK_CA] = xy(crlChain.get(0));
            keyBytes[PCK] = xy(pckChain.get(0));
            keyBytes[ATTESTATION] = q.signatureData().attestationKey();
            checks = floorChecks(rootCrl, tcbChain, c, qeIdChain, crlChain, pckCrl, pckChain, qe, quote,
                    q.signedLength(), q.signatureData().signature());
            for (int k = 0; k < KEYS; k++) {
                warmKeys[k] = key(keyBytes[k]);
            }
        }

        /**
         * The 15 signature checks of an uncached verification, in the verifier's order (1 + 3 + 3 + 3 + 3 + 2):
         * root CA CRL; TCB info chain (root copy, signing certificate) and text; QE identity chain (the same) and
         * text; PCK CRL chain (root copy, PCK CA) and CRL; PCK chain (root copy, PCK CA, PCK certificate); QE
         * report; quote.
         */
        static List<Check> floorChecks(X509CRL rootCrl, List<X509Certificate> tcbChain, Collateral c,
                                       List<X509Certificate> qeIdChain, List<X509Certificate> crlChain,
                                       X509CRL pckCrl, List<X509Certificate> pckChain, QeReportCertificationData qe,
                                       byte[] quote, int signedLength, byte[] quoteSignature) throws Exception {
            List<Check> out = new ArrayList<>();
            out.add(new Check(ROOT, rootCrl.getTBSCertList(), rs(rootCrl.getSignature())));
            out.add(certCheck(ROOT, tcbChain.get(1)));
            out.add(certCheck(ROOT, tcbChain.get(0)));
            out.add(new Check(TCB_SIGNER, c.tcbInfo().getBytes(StandardCharsets.UTF_8), c.tcbInfoSignature()));
            out.add(certCheck(ROOT, qeIdChain.get(1)));
            out.add(certCheck(ROOT, qeIdChain.get(0)));
            out.add(new Check(TCB_SIGNER, c.qeIdentity().getBytes(StandardCharsets.UTF_8), c.qeIdentitySignature()));
            out.add(certCheck(ROOT, crlChain.get(1)));
            out.add(certCheck(ROOT, crlChain.get(0)));
            out.add(new Check(PCK_CA, pckCrl.getTBSCertList(), rs(pckCrl.getSignature())));
            out.add(certCheck(ROOT, pckChain.get(2)));
            out.add(certCheck(ROOT, pckChain.get(1)));
            out.add(certCheck(PCK_CA, pckChain.get(0)));
            out.add(new Check(PCK, qe.qeReport().encode(), qe.qeReportSignature()));
            out.add(new Check(ATTESTATION, Arrays.copyOf(quote, signedLength), quoteSignature));
            return List.copyOf(out);
        }

        /** One uncached call's signature work: the five keys decoded, then the 15 checks. */
        boolean fresh() {
            ECPublicKeyParameters[] keys = new ECPublicKeyParameters[KEYS];
            for (int k = 0; k < KEYS; k++) {
                keys[k] = key(keyBytes[k]);
            }
            return run(keys);
        }

        boolean warm() {
            return run(warmKeys);
        }

        private boolean run(ECPublicKeyParameters[] keys) {
            boolean ok = true;
            for (Check c : checks) {
                ok &= verify(keys[c.key()], c.message(), c.rs());
            }
            return ok;
        }

        private static Check certCheck(int issuer, X509Certificate cert) throws Exception {
            return new Check(issuer, cert.getTBSCertificate(), rs(cert.getSignature()));
        }

        private static List<X509Certificate> chain(CertificateFactory cf, String pem) throws Exception {
            List<X509Certificate> out = new ArrayList<>();
            for (var cert : cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)))) {
                out.add((X509Certificate) cert);
            }
            // PCS sends issuer chains leaf first; check it rather than assume it.
            if (!out.get(0).getIssuerX500Principal().equals(out.get(1).getSubjectX500Principal())) {
                throw new IllegalStateException("the issuer chain is not leaf first");
            }
            return out;
        }

        private static byte[] xy(X509Certificate cert) {
            ECPublicKey k = (ECPublicKey) cert.getPublicKey();
            byte[] out = new byte[64];
            put(k.getW().getAffineX(), out, 0);
            put(k.getW().getAffineY(), out, 32);
            return out;
        }

        /** DER Ecdsa-Sig-Value (RFC 3279 §2.2.3) to r‖s. */
        private static byte[] rs(byte[] der) {
            ASN1Sequence seq = ASN1Sequence.getInstance(der);
            byte[] out = new byte[64];
            put(ASN1Integer.getInstance(seq.getObjectAt(0)).getPositiveValue(), out, 0);
            put(ASN1Integer.getInstance(seq.getObjectAt(1)).getPositiveValue(), out, 32);
            return out;
        }

        private static void put(BigInteger v, byte[] out, int off) {
            byte[] b = v.toByteArray();
            int len = Math.min(b.length, 32);
            System.arraycopy(b, b.length - len, out, off + 32 - len, len);
        }
    }
}
