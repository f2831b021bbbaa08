package io.github.tdx4j.sim.quote;

import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.PckCertChain;
import io.github.tdx4j.attest.format.QeReportCertificationData;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.QuoteHeader;
import io.github.tdx4j.attest.format.QuoteSignatureData;
import io.github.tdx4j.attest.format.SgxReportBody;
import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.attest.format.TdReport;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The quote generation service of the simulated platform: a simulated TD quoting enclave (QE) that turns a
 * TDREPORT of this platform into a signed TD quote, v4 (TDX 1.0 body) or v5 (TDX 1.5 body, type 3), with the
 * layout of Intel's ({@code sgx_quote_4.h}, {@code sgx_quote_5.h}), encoded by {@link Quote#encode()}.
 *
 * <p>What it signs, as Intel's QE does:
 * <ul>
 *   <li>the quote: ECDSA P-256 / SHA-256 by the attestation key over header ‖ body (v4) or header ‖ body type ‖
 *       body size ‖ body (v5);</li>
 *   <li>the QE report (a 384-byte SGX report body): by the PCK leaf key; its REPORTDATA = SHA-256(attestation key
 *       ‖ QE auth data) ‖ 32 zero bytes;</li>
 *   <li>the certification data: type 6 (QE report certification data) holding type 5 (the PEM PCK chain up to the
 *       "tdx4j Simulated SGX Root CA").</li>
 * </ul>
 * Every key derives from the seed; signatures are RFC 6979 deterministic, so quotes are reproducible.
 */
public final class SimulatedQuotingService implements QuoteGenerationService {
    /** Intel's QE vendor id, which DCAP verifiers require of a TD quote's header. */
    // Deviation: the simulated QE claims Intel's QE vendor id because verifiers (Intel QVL Quote::validate) reject
    // any other; trust still comes only from the simulated root. Its MRSIGNER is its own, not Intel's.
    static final byte[] QE_VENDOR_ID = HexFormat.of().parseHex("939a7233f79c4ca9940a0db3957f0607");
    /** ISVPRODID of a TD QE. */
    public static final int QE_ISV_PROD_ID = 2;
    /** ISVSVN of the simulated QE. */
    public static final int QE_ISV_SVN = 4;
    /** QE ATTRIBUTES as Intel's TD QE identity lists them: {@code 11000000000000000000000000000000}. */
    static final byte[] QE_ATTRIBUTES = HexFormat.of().parseHex("11000000000000000000000000000000");

    private final int quoteVersion;
    private final Predicate<byte[]> reportVerifier;
    private final SimulatedPki pki;
    private final SimKey attestationKey;
    private final byte[] userData;
    private final QeReportCertificationData certification;
    private final SgxReportBody qeReport;

    /**
     * @param seed           the platform seed (keys)
     * @param quoteVersion   4 or 5
     * @param reportVerifier the platform's check that a TDREPORT is its own (EVERIFYREPORT2)
     */
    public SimulatedQuotingService(long seed, int quoteVersion, Predicate<byte[]> reportVerifier) {
        if (quoteVersion != Quote.VERSION_4 && quoteVersion != Quote.VERSION_5) {
            throw new IllegalArgumentException("quote version must be 4 or 5: " + quoteVersion);
        }
        this.quoteVersion = quoteVersion;
        this.reportVerifier = Objects.requireNonNull(reportVerifier, "reportVerifier");
        this.pki = new SimulatedPki(seed);
        this.attestationKey = SimKey.derive(seed, "attestation key");
        this.userData = Arrays.copyOf(SimulatedPki.sha256("QE platform id " + seed), 20);
        Arrays.fill(userData, 16, 20, (byte) 0);
        byte[] authData = SimulatedPki.sha256("QE auth data " + seed);
        byte[] reportData = Arrays.copyOf(SimulatedPki.sha256Bytes(attestationKey.rawPublicKey(), authData), 64);
        this.qeReport = new SgxReportBody(SimulatedPki.cpuSvn(), 0, new byte[28], QE_ATTRIBUTES, qeMrEnclave(),
                new byte[32], qeMrSigner(), new byte[96], QE_ISV_PROD_ID, QE_ISV_SVN, new byte[60], reportData);
        byte[] qeSignature = pki.pckKey().signRaw(qeReport.encode());
        this.certification = new QeReportCertificationData(qeReport, qeSignature, authData,
                new PckCertChain(pki.pckChainPem()));
    }

    /** MRENCLAVE of the simulated QE. */
    static byte[] qeMrEnclave() {
        return SimulatedPki.sha256("tdx4j simulated TD quoting enclave");
    }

    /** MRSIGNER of the simulated QE (not Intel's). */
    public static byte[] qeMrSigner() {
        return SimulatedPki.sha256("tdx4j simulated QE signer");
    }

    /** The PKI whose PCK key signs this QE's reports. */
    public SimulatedPki pki() {
        return pki;
    }

    /** The attestation public key, x ‖ y. */
    public byte[] attestationKey() {
        return attestationKey.rawPublicKey();
    }

    /** The QE report this service carries in every quote. */
    public SgxReportBody qeReport() {
        return qeReport;
    }

    /** The matching collateral (TCB info, QE identity, CRLs, issuer chains), as {@link SimulatedCollateral}. */
    public SimulatedCollateral collateral() {
        return new SimulatedCollateral(pki);
    }

    @Override
    public byte[] getQuote(byte[] tdReport) throws QuoteGenerationException {
        Objects.requireNonNull(tdReport, "tdReport");
        if (!reportVerifier.test(tdReport)) {
            throw new QuoteGenerationException("the TDREPORT is not one of this platform (its MAC does not verify)");
        }
        TdReport report;
        try {
            report = TdReport.decode(tdReport);
        } catch (MalformedEvidenceException e) {
            throw new QuoteGenerationException("malformed TDREPORT: " + e.getMessage());
        }
        TdQuoteBody body = TdQuoteBody.fromReport(report, quoteVersion == Quote.VERSION_5);
        QuoteHeader header = new QuoteHeader(quoteVersion, QuoteHeader.ATT_KEY_TYPE_ECDSA_P256,
                QuoteHeader.TEE_TYPE_TDX, new byte[4], QE_VENDOR_ID, userData);
        byte[] key = attestationKey.rawPublicKey();
        Quote unsigned = new Quote(header, body, new QuoteSignatureData(new byte[64], key, certification),
                new byte[0]);
        byte[] signature = attestationKey.signRaw(unsigned.signedBytes());
        return unsigned.withSignatureData(new QuoteSignatureData(signature, key, certification)).encode();
    }
}
