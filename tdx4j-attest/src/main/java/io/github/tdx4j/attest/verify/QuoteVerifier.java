package io.github.tdx4j.attest.verify;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.IsvTcbLevel;
import io.github.tdx4j.attest.collateral.QeIdentity;
import io.github.tdx4j.attest.collateral.TcbInfo;
import io.github.tdx4j.attest.collateral.TdxModuleIdentity;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.PckCertChain;
import io.github.tdx4j.attest.format.QeReportCertificationData;
import io.github.tdx4j.attest.format.QuoteHeader;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.SgxQuote;
import io.github.tdx4j.attest.format.SgxReportBody;
import io.github.tdx4j.attest.format.TdQuoteBody;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies TDX quotes (v4, v5), and SGX ECDSA quotes (v3) on the shared path, against Intel DCAP collateral with
 * Intel's Quote Verification Library semantics
 * (intel/SGX-TDX-DCAP-QuoteVerificationLibrary {@code QuoteVerifier.cpp}; order and step ids as there), and
 * computes the platform's TCB status.
 *
 * <p>The checks, in order: the quote decodes and is an Intel ECDSA-P256 TD quote with QE report certification data
 * (type 6) holding a PCK chain (type 5); the collateral's CRLs, TCB signing chains and signatures verify to the
 * trusted root ({@link PreparedCollateral}); the PCK chain verifies to the trusted root ({@link VerifiedPck}); no
 * collateral item starts after the verification time; the PCK CA is not revoked by the root CA CRL, the PCK CRL is
 * the PCK CA's and does not list the PCK certificate (4.1.2.4.6, 4.1.2.4.7); the TCB info is a TDX v3 TCB info for
 * the PCK's FMSPC and PCE-ID (4.1.2.4.9, 4.1.2.4.10; an SGX TCB info for an SGX quote); the TDX module identity
 * matches (4.1.2.4.11, TD quotes only); the QE report
 * signature verifies with the PCK key (4.1.2.4.12) and binds the attestation key (4.1.2.4.13); the QE report
 * matches the QE identity (4.1.2.4.14, 4.1.2.4.15); the quote signature verifies with the attestation key
 * (4.1.2.4.16); then the TCB status (4.1.2.4.17, {@link TcbEvaluation}). Collateral expiry is a flag in the result,
 * not a failure, as in Intel's QvE.
 *
 * <p>Caching: checked collateral is kept per collateral content, checked PCK chains per exact chain bytes, QE
 * report signatures that verified per exact QE report, signature and PCK key (the QE report is the PCK's
 * certificate of the attestation key, the same in every quote of a platform), decoded attestation keys per key
 * bytes; all bounded. A warm verification of a quote thus does the work that depends on the quote: decoding, the
 * quote signature, the QE report data hash, the date, revocation, identity and TCB comparisons. With
 * {@link Builder#caching(boolean) caching(false)} nothing is kept between calls: each call parses every certificate,
 * CRL and JSON item, decodes every key (the trusted root's too) and checks all 15 signatures (the work of Intel's
 * QVL and dcap-qvl per call; see {@link #UNCACHED_SIGNATURE_CHECKS}). Thread-safe.
 */
public final class QuoteVerifier {
    /** QE vendor id of Intel's quoting enclaves (Intel QVL {@code constants::INTEL_QE_VENDOR_ID}). */
    static final byte[] INTEL_QE_VENDOR_ID = HexFormat.of().parseHex("939a7233f79c4ca9940a0db3957f0607");

    /**
     * The ECDSA P-256 verifications of one uncached verification of a TD quote, which is the work floor:
     * <ol>
     *   <li>the root CA CRL, by the root key;</li>
     *   <li>TCB info issuer chain: the root's self-signature, the TCB signing certificate by the root, the TCB info
     *   text by the TCB signing key (3);</li>
     *   <li>QE identity issuer chain: the same three, the QE identity text last (3);</li>
     *   <li>PCK CRL issuer chain: the root's self-signature, the PCK CA certificate by the root, the PCK CRL by the
     *   PCK CA (3);</li>
     *   <li>PCK chain from the quote: the root's self-signature, the PCK CA by the root, the PCK certificate by the
     *   PCK CA (3);</li>
     *   <li>the QE report by the PCK key (1) and the quote by the attestation key (1).</li>
     * </ol>
     * 1 + 3 + 3 + 3 + 3 + 2 = 15. Each chain carries its own copy of the root certificate, and Intel's QVL checks
     * the self-signature of each copy it reads (CommonVerifier::verifyRootCACert); tdx4j does the same.
     */
    static final int UNCACHED_SIGNATURE_CHECKS = 15;

    private final P256 p256;
    private final TrustedRoot root;
    /** The trusted root's decoded key when caching; null when every call decodes it. */
    private final P256.Key rootKey;
    private final boolean caching;
    private final BoundedCache<Collateral, PreparedCollateral> collaterals;
    private final BoundedCache<PckCertChain, VerifiedPck> pckChains;
    /**
     * Decoded attestation keys. A QE keeps its attestation key across quotes, so the decoded point (and
     * BouncyCastle's precomputation on it, about two thirds of a first verification) is reused; the signature itself
     * is verified on every call.
     */
    private final BoundedCache<KeyBytes, P256.Key> attestationKeys;
    private final BoundedCache<QeCertification, Boolean> qeCertifications;

    private QuoteVerifier(Builder b) {
        this.p256 = P256.of(b.engine);
        this.root = b.root;
        this.caching = b.caching;
        // Decoded here also when not caching, so that a root without a P-256 key fails at build().
        P256.Key decoded = p256.key(root.certificate().getPublicKey());
        this.rootKey = caching ? decoded : null;
        int entries = caching ? b.cacheSize : 0;
        this.collaterals = new BoundedCache<>(entries);
        this.pckChains = new BoundedCache<>(entries);
        this.attestationKeys = new BoundedCache<>(entries);
        this.qeCertifications = new BoundedCache<>(entries);
    }

    /** How many ECDSA signature verifications this verifier has done; for tests that count the work per call. */
    long signatureChecks() {
        return p256.verifications();
    }

    /** A verifier trusting Intel's production root, with the default crypto engine. */
    public static QuoteVerifier create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies {@code quote} with {@code collateral} as of {@code at}.
     *
     * @param quote      the quote bytes; bytes after the signature data (buffer padding) are ignored
     * @param collateral the collateral for the quote's platform
     * @param at         the verification time: certificates, CRLs, TCB info and QE identity are judged at it
     * @return {@link VerificationResult.Verified} with the TCB status, or {@link VerificationResult.Failed}
     */
    public VerificationResult verify(byte[] quote, Collateral collateral, Instant at) {
        Objects.requireNonNull(quote, "quote");
        Objects.requireNonNull(collateral, "collateral");
        Objects.requireNonNull(at, "at");
        DecodedQuote decoded;
        try {
            decoded = decode(quote);
        } catch (MalformedEvidenceException e) {
            return decodingFailure(e);
        }
        VerifiedPck[] pck = new VerifiedPck[1];
        try {
            return verify(quote, Evidence.of(decoded), collateral, at, pck);
        } catch (Refusal f) {
            return new VerificationResult.Failed(f.code, f.getMessage(), Optional.of(decoded),
                    Optional.ofNullable(pck[0]).map(p -> p.fmspc));
        }
    }

    /**
     * The verdict on {@code quote} that needs no collateral: the failure {@link #verify} returns, whatever the
     * collateral, for a quote that does not decode, is of a kind this verifier does not take (SGX TEE type in a TD
     * quote, another QE vendor, certification data other than a QE report holding a PCK chain), or carries a PCK
     * certificate chain that cannot be parsed or lacks its SGX extension. Empty when the quote gets as far as the
     * collateral. For a service that picks collateral by the quote's PCK certificate and finds none to read: it
     * answers with the verdict {@link #verify} would give instead of one of its own.
     *
     * @param quote the quote bytes
     * @return the failure, with the code and detail {@link #verify} gives it; or empty
     */
    public static Optional<VerificationResult.Failed> failureWithoutCollateral(byte[] quote) {
        Objects.requireNonNull(quote, "quote");
        DecodedQuote decoded;
        try {
            decoded = decode(quote);
        } catch (MalformedEvidenceException e) {
            return Optional.of(decodingFailure(e));
        }
        try {
            VerifiedPck.readable(kind(Evidence.of(decoded)));
            return Optional.empty();
        } catch (Refusal f) {
            return Optional.of(new VerificationResult.Failed(f.code, f.getMessage(), Optional.of(decoded),
                    Optional.empty()));
        }
    }

    private static DecodedQuote decode(byte[] quote) throws MalformedEvidenceException {
        return isVersion3(quote) ? new DecodedQuote.Sgx(SgxQuote.decode(quote))
                : new DecodedQuote.Td(Quote.decode(quote));
    }

    /**
     * The result for a quote that does not decode. The decoder's code is left out of the detail where it is the
     * result's code ("header at offset 0: ...", not "MALFORMED_QUOTE: header at offset 0: ..." beside error
     * MALFORMED_QUOTE) and kept where it says more (MALFORMED_CERTIFICATION_DATA under MALFORMED_QUOTE).
     */
    private static VerificationResult.Failed decodingFailure(MalformedEvidenceException e) {
        ErrorCode code = e.code() == MalformedEvidenceException.Code.UNSUPPORTED_QUOTE
                ? ErrorCode.UNSUPPORTED_QUOTE : ErrorCode.MALFORMED_QUOTE;
        String detail = e.code().name().equals(code.name()) ? e.problem() : e.getMessage();
        return new VerificationResult.Failed(code, detail, Optional.empty(), Optional.empty());
    }

    /** Quote version 3 (the first u16, little-endian) is the SGX ECDSA quote; 4 and 5 are TD quotes. */
    private static boolean isVersion3(byte[] quote) {
        return quote.length >= 2 && ((quote[0] & 0xFF) | (quote[1] & 0xFF) << 8) == SgxQuote.VERSION_3;
    }

    /**
     * What verification needs from either kind of quote.
     *
     * @param quote          the decoded quote
     * @param signedLength   length of the region the quote signature covers
     * @param signature      the quote signature r‖s
     * @param attestationKey the attestation key x‖y
     * @param qe             QE report certification data, if that is the certification data
     * @param tdBody         the TD quote body; null for an SGX quote
     */
    private record Evidence(DecodedQuote quote, int signedLength, byte[] signature, byte[] attestationKey,
                            Optional<QeReportCertificationData> qe, TdQuoteBody tdBody) {
        static Evidence of(DecodedQuote d) {
            return switch (d) {
                case DecodedQuote.Td td -> new Evidence(d, td.quote().signedLength(),
                        td.quote().signatureData().signature(), td.quote().signatureData().attestationKey(),
                        td.quote().signatureData().qeReportCertificationData(), td.quote().body());
                case DecodedQuote.Sgx sgx -> new Evidence(d, SgxQuote.SIGNATURE_DATA_LEN_OFFSET,
                        sgx.quote().signature(), sgx.quote().attestationKey(),
                        Optional.of(sgx.quote().qeReportCertificationData()), null);
            };
        }

        boolean tdx() {
            return tdBody != null;
        }
    }

    /**
     * Quote::validate: a v3 quote is an SGX quote (TEE type 0); Intel's QE; QE report certification data (6; v3: its
     * fields) with a PCK chain (5).
     *
     * @return the PCK certificate chain the quote carries
     */
    private static PckCertChain kind(Evidence q) throws Refusal {
        if (!q.tdx() && q.quote().header().teeType() != QuoteHeader.TEE_TYPE_SGX) {
            throw new Refusal(ErrorCode.UNSUPPORTED_QUOTE, String.format(
                    "a version 3 quote is an SGX quote (TEE type 0x00), this one has TEE type 0x%02x",
                    q.quote().header().teeType()));
        }
        if (!Arrays.equals(q.quote().header().qeVendorId(), INTEL_QE_VENDOR_ID)) {
            throw new Refusal(ErrorCode.UNSUPPORTED_QUOTE, "QE vendor id "
                    + HexFormat.of().formatHex(q.quote().header().qeVendorId()) + " is not Intel's");
        }
        QeReportCertificationData qe = q.qe().orElseThrow(() -> new Refusal(ErrorCode.UNSUPPORTED_QUOTE,
                "the certification data is not QE report certification data (6)"));
        return qe.pckCertChain().orElseThrow(() -> new Refusal(ErrorCode.UNSUPPORTED_QUOTE,
                "inner certification data type " + qe.certificationData().type()
                        + " is not a PCK certificate chain (5)"));
    }

    private VerificationResult.Verified verify(byte[] raw, Evidence q, Collateral collateral, Instant at,
                                               VerifiedPck[] pckOut) throws Refusal {
        PckCertChain chain = kind(q);
        QeReportCertificationData qe = q.qe().orElseThrow();

        // The root key, decoded per call when nothing is cached (BouncyCastle keeps precomputation on a key object).
        CallKeys keys = new CallKeys(p256);
        P256.Key rootKey = caching ? this.rootKey : keys.key(root.certificate().getPublicKey());
        PreparedCollateral c = collaterals.get(collateral, k -> PreparedCollateral.prepare(k, root, rootKey, keys));
        if (c.failure != null) {
            throw c.failure;
        }
        VerifiedPck pck = pckChains.get(chain, k -> VerifiedPck.verify(k, root, rootKey, keys));
        if (pck.failure != null) {
            throw pck.failure;
        }
        pckOut[0] = pck;

        Window window = c.window.with(pck.window);
        // Intel's QVL never compares the time with a notBefore, thisUpdate or issueDate.
        // Deviation: D1 collateral or a certificate that is not yet valid fails verification.
        if (at.isBefore(window.notBefore())) {
            throw new Refusal(ErrorCode.COLLATERAL_NOT_YET_VALID, window.startItem() + " is valid only from "
                    + window.notBefore() + ", after the verification time " + at);
        }
        // Deviation: D10 collateralExpired counts every certificate and CRL (Intel's QvE up to DCAP 1.23);
        // qveCollateralExpired below is the current QvE's rule.
        boolean expired = !at.isBefore(window.notAfter());
        // Intel's current QvE (qve.cpp, from the QVL's VerificationCollateralInfo) counts only these two dates.
        boolean qveExpired = !at.isBefore(c.tcbInfo.nextUpdate()) || !at.isBefore(c.qeIdentity.nextUpdate());

        // Revocation: the PCK CA by the root CRL; the PCK certificate by its CA's CRL (4.1.2.4.6, 4.1.2.4.7).
        if (c.rootCrl.getRevokedCertificate(pck.pckCaSerial) != null) {
            throw new Refusal(ErrorCode.INTERMEDIATE_CA_REVOKED, "the PCK CA "
                    + pck.pckCa.getSubjectX500Principal().getName() + " is revoked by the root CA CRL");
        }
        if (!c.pckCrl.getIssuerX500Principal().equals(pck.leafIssuer) || !c.pckCrlSigner.sameAs(pck.pckCaKey)) {
            throw new Refusal(ErrorCode.CRL_INVALID, "the PCK CRL is issued by "
                    + c.pckCrl.getIssuerX500Principal().getName() + ", not by the PCK certificate's issuer "
                    + pck.leafIssuer.getName());
        }
        if (c.pckCrl.getRevokedCertificate(pck.leafSerial) != null) {
            throw new Refusal(ErrorCode.PCK_REVOKED, "the PCK certificate (serial " + pck.leafSerial.toString(16)
                    + ") is revoked by the PCK CRL");
        }

        // 4.1.2.4.9, 4.1.2.4.10: a TCB info of the quote's TEE for this platform.
        TcbInfo tcb = c.tcbInfo;
        if (q.tdx() != tcb.isTdx()) {
            throw new Refusal(ErrorCode.TCB_INFO_MISMATCH, "the TCB info is " + tcb.id() + " v" + tcb.version()
                    + "; " + (q.tdx() ? "a TD quote needs a TDX" : "an SGX quote needs an SGX") + " TCB info");
        }
        if (!tcb.fmspc().equals(pck.fmspc)) {
            throw new Refusal(ErrorCode.FMSPC_MISMATCH, "the PCK certificate's FMSPC " + pck.fmspc
                    + " is not the TCB info's " + tcb.fmspc());
        }
        if (!tcb.pceId().equals(pck.pceId)) {
            throw new Refusal(ErrorCode.PCEID_MISMATCH, "the PCK certificate's PCE-ID " + pck.pceId
                    + " is not the TCB info's " + tcb.pceId());
        }

        TdQuoteBody body = q.tdBody();
        byte[] teeTcbSvn = q.tdx() ? body.teeTcbSvn() : null;
        if (q.tdx()) {
            checkModuleIdentity(tcb, body, teeTcbSvn);
        }

        // 4.1.2.4.12: the QE report is signed by the PCK key.
        SgxReportBody qeReport = qe.qeReport();
        Boolean certified = qeCertifications.get(
                new QeCertification(pck.leafKey, qeReport.encode(), qe.qeReportSignature()),
                k -> p256.verify(k.pckKey(), k.report(), k.signature()) ? Boolean.TRUE : null);
        if (certified == null) {
            throw new Refusal(ErrorCode.INVALID_QE_REPORT_SIGNATURE,
                    "the QE report signature does not verify with the PCK certificate's key");
        }
        // 4.1.2.4.13: QE REPORTDATA[0..32) = SHA-256(attestation key ‖ QE auth data); Intel compares 32 bytes.
        byte[] attestationKey = q.attestationKey();
        MessageDigest sha = P256.sha256();
        sha.update(attestationKey);
        sha.update(qe.qeAuthData());
        byte[] binding = sha.digest();
        if (!MessageDigest.isEqual(binding, Arrays.copyOf(qeReport.reportData(), 32))) {
            throw new Refusal(ErrorCode.INVALID_QE_REPORT_DATA,
                    "the QE report data is not SHA-256(attestation key ‖ QE auth data)");
        }
        Optional<IsvTcbLevel> qeLevel = checkQeIdentity(c.qeIdentity, qeReport, q.tdx());

        // 4.1.2.4.16: the quote signature over the signed region, with the attestation key.
        P256.Key key = attestationKeys.get(new KeyBytes(attestationKey), k -> {
            try {
                return p256.key(k.xy());
            } catch (IllegalArgumentException e) {
                return null; // not a point on P-256; not cached, and reported below
            }
        });
        if (key == null) {
            // Intel QVL: rawToP256PubKey fails before 4.1.2.4.16, and that is STATUS_UNSUPPORTED_QUOTE_FORMAT.
            throw new Refusal(ErrorCode.UNSUPPORTED_QUOTE, "the attestation key is not a P-256 point");
        }
        if (!p256.verify(key, raw, 0, q.signedLength(), q.signature())) {
            throw new Refusal(ErrorCode.INVALID_QUOTE_SIGNATURE,
                    "the quote signature does not verify with the attestation key");
        }

        // 4.1.2.4.17: the TCB status.
        TcbEvaluation.Outcome o = TcbEvaluation.evaluate(tcb, new TcbEvaluation.Input(pck.cpuSvnComponents,
                pck.extensions.pceSvn(), teeTcbSvn, q.tdx() && body.tdx15() ? body.teeTcbSvn2() : null, qeLevel));
        return new VerificationResult.Verified(q.quote(), o.status(), o.advisoryIds(), expired, window.notAfter(),
                window.endItem(), o.platformStatus(), o.moduleStatus(), o.qeStatus(), pck.fmspc, qveExpired);
    }

    /**
     * 4.1.2.4.11: the TDX module that produced the TD report is one Intel lists: identity {@code TDX_%02X} of
     * TEE_TCB_SVN[1] when it is non-zero, else {@code tdxModule}; MRSIGNERSEAM equal to its mrsigner; SEAMATTRIBUTES
     * all zero and equal to its attributes, byte by byte with attributesMask not applied (Intel QVL
     * {@code QuoteVerifier.cpp} 4.1.2.4.11.2). go-tdx-guest and dcap-qvl apply the mask instead; that accepts a
     * TCB info whose attributes are non-zero under a zero mask, which Intel's verifier rejects.
     */
    private static void checkModuleIdentity(TcbInfo tcb, TdQuoteBody body, byte[] teeTcbSvn) throws Refusal {
        int major = Byte.toUnsignedInt(teeTcbSvn[1]);
        TdxModuleIdentity identity;
        if (major == 0) {
            identity = tcb.tdxModule().orElseThrow(() -> new Refusal(ErrorCode.TDX_MODULE_MISMATCH,
                    "the TCB info has no tdxModule"));
        } else {
            identity = TcbEvaluation.moduleIdentity(tcb, major).orElseThrow(() -> new Refusal(
                    ErrorCode.TDX_MODULE_MISMATCH, "the TCB info has no TDX module identity "
                    + TcbEvaluation.moduleIdentityId(major)));
        }
        if (!body.mrSignerSeam().hex().equals(identity.mrSigner())) {
            throw new Refusal(ErrorCode.TDX_MODULE_MISMATCH, "MRSIGNERSEAM "
                    + body.mrSignerSeam().hex() + " is not the module identity's "
                    + identity.mrSigner());
        }
        if (body.seamAttributes() != 0 || !identity.attributes().chars().allMatch(c -> c == '0')) {
            throw new Refusal(ErrorCode.TDX_MODULE_MISMATCH, String.format(
                    "SEAMATTRIBUTES 0x%016x and the module identity's attributes %s must both be zero",
                    body.seamAttributes(), identity.attributes()));
        }
    }

    /**
     * 4.1.2.4.14, 4.1.2.4.15: the QE report is from the quoting enclave Intel describes (TD_QE v2 for a TD quote,
     * QE v2 for an SGX quote): masked MISCSELECT and ATTRIBUTES, MRSIGNER and ISVPRODID equal. Returns its TCB level
     * by ISVSVN, empty if none matches.
     */
    private static Optional<IsvTcbLevel> checkQeIdentity(QeIdentity id, SgxReportBody report, boolean tdx)
            throws Refusal {
        String expectedId = tdx ? QeIdentity.TD_QE_ID : QeIdentity.QE_ID;
        if (!expectedId.equals(id.id()) || id.version() != 2) {
            throw new Refusal(ErrorCode.QE_IDENTITY_MISMATCH, "the QE identity is " + id.id() + " v" + id.version()
                    + "; this quote needs " + expectedId + " v2");
        }
        // miscselect and its mask are 4-byte hex numbers (big-endian text); MISCSELECT is a u32 of the report.
        // Intel QVL EnclaveReportVerifier.cpp 4.1.2.9.5: (MISCSELECT & mask) == miscselect. The expected value is
        // not masked: an identity expecting a bit outside its mask matches no QE report.
        long miscMask = Long.parseLong(id.miscselectMask(), 16);
        if ((report.miscSelect() & miscMask) != Long.parseLong(id.miscselect(), 16)) {
            throw new Refusal(ErrorCode.QE_IDENTITY_MISMATCH, String.format(
                    "QE MISCSELECT 0x%08x differs from the identity's %s under mask %s", report.miscSelect(),
                    id.miscselect(), id.miscselectMask()));
        }
        byte[] attributes = report.attributes();
        byte[] expected = HexFormat.of().parseHex(id.attributes());
        byte[] mask = HexFormat.of().parseHex(id.attributesMask());
        // 4.1.2.9.6: (ATTRIBUTES & mask) == attributes, the expected value unmasked as above.
        for (int i = 0; i < attributes.length; i++) {
            if ((attributes[i] & mask[i]) != expected[i]) {
                throw new Refusal(ErrorCode.QE_IDENTITY_MISMATCH, "QE ATTRIBUTES "
                        + HexFormat.of().formatHex(attributes) + " differ from the identity's " + id.attributes()
                        + " under mask " + id.attributesMask());
            }
        }
        String mrSigner = HexFormat.of().formatHex(report.mrSigner());
        if (!mrSigner.equals(id.mrSigner())) {
            throw new Refusal(ErrorCode.QE_IDENTITY_MISMATCH, "QE MRSIGNER " + mrSigner
                    + " is not the identity's " + id.mrSigner());
        }
        if (report.isvProdId() != id.isvProdId()) {
            throw new Refusal(ErrorCode.QE_IDENTITY_MISMATCH, "QE ISVPRODID " + report.isvProdId()
                    + " is not the identity's " + id.isvProdId());
        }
        return TcbEvaluation.qeLevel(id, report.isvSvn());
    }

    /**
     * A QE report with its signature by a PCK key, as a cache key of successful checks. The QE report certifies the
     * QE's attestation key (its REPORTDATA binds the key) and is made once per attestation key, so every quote of a
     * platform carries the same QE report and signature: a certificate of the attestation key by the PCK, kept like
     * the PCK chain. Equality is on the exact bytes and the same checked PCK key object.
     */
    private record QeCertification(P256.Key pckKey, byte[] report, byte[] signature) {
        @Override
        public boolean equals(Object o) {
            return o instanceof QeCertification c && pckKey == c.pckKey && Arrays.equals(report, c.report)
                    && Arrays.equals(signature, c.signature);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * System.identityHashCode(pckKey) + Arrays.hashCode(report)) + Arrays.hashCode(signature);
        }

        @Override
        public String toString() {
            return "QeCertification[" + HexFormat.of().formatHex(signature) + "]";
        }
    }

    /**
     * Options. Defaults: Intel's production root, {@link CryptoEngine#BOUNCY_CASTLE}, caching on with 64 entries
     * each.
     */
    public static final class Builder {
        private TrustedRoot root = TrustedRoot.intelProduction();
        private CryptoEngine engine = CryptoEngine.BOUNCY_CASTLE;
        private int cacheSize = 64;
        private boolean caching = true;

        private Builder() {
        }

        /** Trust this root instead of Intel's production root. */
        public Builder trustedRoot(TrustedRoot root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /** Verify signatures with this engine. */
        public Builder cryptoEngine(CryptoEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /** How many checked collaterals and PCK chains to keep (each); at least 1. */
        public Builder cacheSize(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("cache size must be at least 1: " + entries);
            }
            this.cacheSize = entries;
            return this;
        }

        /**
         * Whether to keep checked collateral, checked PCK chains, certified QE reports and decoded keys between
         * calls (default true). With false each call does all the work again: every certificate, CRL and JSON item
         * parsed, every key decoded, all 15 signatures checked. For fair timing against verifiers that keep
         * nothing, and for callers that want no state across calls; results are the same either way.
         */
        public Builder caching(boolean enabled) {
            this.caching = enabled;
            return this;
        }

        public QuoteVerifier build() {
            return new QuoteVerifier(this);
        }
    }
}
