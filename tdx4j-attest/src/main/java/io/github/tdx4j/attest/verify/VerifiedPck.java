package io.github.tdx4j.attest.verify;

import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.PckCertChain;
import io.github.tdx4j.attest.format.PckExtensions;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * A PCK certificate chain from a quote, checked to lead to the trusted root (Intel QvE
 * {@code sgxAttestationVerifyPCKCertificate}): leaf ‖ PCK CA ‖ root, each signed by the next, the leaf named
 * "… SGX PCK Certificate" (QVL 4.1.2.4.4), its SGX extension parsed. Kept by {@link QuoteVerifier} per exact chain
 * bytes: a platform's quotes all carry the same chain, so a warm verification reuses the parsed and checked chain.
 * Revocation and dates are checked per verification, against the collateral and the verification time.
 */
final class VerifiedPck {
    /** Why the chain is unusable, or null. */
    final Refusal failure;
    final X509Certificate leaf;
    final X509Certificate pckCa;
    final P256.Key leafKey;
    final P256.Key pckCaKey;
    final PckExtensions extensions;
    /** FMSPC and PCE-ID as lowercase hex, compared with the TCB info's. */
    final String fmspc;
    final String pceId;
    final int[] cpuSvnComponents;
    final BigInteger leafSerial;
    final BigInteger pckCaSerial;
    final X500Principal leafIssuer;
    final Window window;

    private VerifiedPck(Refusal failure) {
        this.failure = failure;
        this.leaf = null;
        this.pckCa = null;
        this.leafKey = null;
        this.pckCaKey = null;
        this.extensions = null;
        this.fmspc = null;
        this.pceId = null;
        this.cpuSvnComponents = null;
        this.leafSerial = null;
        this.pckCaSerial = null;
        this.leafIssuer = null;
        this.window = null;
    }

    private VerifiedPck(X509Certificate leaf, X509Certificate pckCa, P256.Key leafKey, P256.Key pckCaKey,
                        PckExtensions extensions, Window window) {
        this.failure = null;
        this.leaf = leaf;
        this.pckCa = pckCa;
        this.leafKey = leafKey;
        this.pckCaKey = pckCaKey;
        this.extensions = extensions;
        this.fmspc = HexFormat.of().formatHex(extensions.fmspc());
        this.pceId = HexFormat.of().formatHex(extensions.pceId());
        this.cpuSvnComponents = extensions.tcbComponents().stream().mapToInt(Integer::intValue).toArray();
        this.leafSerial = leaf.getSerialNumber();
        this.pckCaSerial = pckCa.getSerialNumber();
        this.leafIssuer = leaf.getIssuerX500Principal();
        this.window = window;
    }

    /**
     * The checks of {@link #verify} that need no root and no collateral: the chain parses into certificates and the
     * leaf carries a readable SGX extension.
     *
     * @throws Refusal as {@link #verify} reports the same fault
     */
    static void readable(PckCertChain chain) throws Refusal {
        extensions(certificates(chain).get(0));
    }

    private static List<X509Certificate> certificates(PckCertChain chain) throws Refusal {
        try {
            return chain.leafFirst();
        } catch (MalformedEvidenceException e) {
            throw new Refusal(ErrorCode.PCK_CHAIN_INVALID, "the PCK certificate chain cannot be parsed", e);
        }
    }

    private static PckExtensions extensions(X509Certificate leaf) throws Refusal {
        try {
            return PckExtensions.of(leaf);
        } catch (MalformedEvidenceException e) {
            throw new Refusal(ErrorCode.PCK_CHAIN_INVALID, "the PCK certificate's SGX extension", e);
        }
    }

    static VerifiedPck verify(PckCertChain chain, TrustedRoot root, P256.Key rootKey, CallKeys keys) {
        try {
            List<X509Certificate> certs = certificates(chain);
            // Leaf and PCK CA keys: the root's key checks the CA, the CA's key checks the leaf.
            P256.Key leafKey = Chains.verify(certs, 3, root, rootKey, keys, ErrorCode.PCK_CHAIN_INVALID,
                    "PCK certificate chain");
            X509Certificate leaf = certs.get(0);
            X509Certificate pckCa = certs.get(1);
            if (!X509.subjectCn(leaf).contains("SGX PCK Certificate")) {
                throw new Refusal(ErrorCode.PCK_CHAIN_INVALID, "the leaf of the PCK chain is '"
                        + X509.subjectCn(leaf) + "', not an SGX PCK Certificate");
            }
            P256.Key pckCaKey = keys.key(pckCa.getPublicKey());
            PckExtensions ext = extensions(leaf);
            Window window = Window.ALWAYS.with(leaf, "PCK certificate").with(pckCa, "PCK CA certificate")
                    .with(certs.get(2), "PCK chain root certificate");
            return new VerifiedPck(leaf, pckCa, leafKey, pckCaKey, ext, window);
        } catch (Refusal f) {
            return new VerifiedPck(f);
        }
    }
}
