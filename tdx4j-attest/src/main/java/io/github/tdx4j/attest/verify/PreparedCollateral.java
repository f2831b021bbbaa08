package io.github.tdx4j.attest.verify;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.CollateralException;
import io.github.tdx4j.attest.collateral.QeIdentity;
import io.github.tdx4j.attest.collateral.TcbInfo;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Collateral whose time-independent checks are done: CRL and chain signatures to the trusted root, the TCB info
 * and QE identity signatures over their exact text, revocation of the CAs and TCB signing certificates, parsing.
 * Kept by {@link QuoteVerifier} so that a warm verification redoes none of it; what depends on the verification
 * time (the {@link #window}) and on the quote is checked per call.
 *
 * <p>Order and step ids as in Intel's QvE (qve.cpp {@code sgx_qve_verify_quote}): root CA CRL,
 * {@code sgxAttestationVerifyTCBInfo}, {@code sgxAttestationVerifyEnclaveIdentity}, then the PCK CRL.
 */
final class PreparedCollateral {
    /** Why the collateral is unusable, or null. */
    final Refusal failure;
    final TcbInfo tcbInfo;
    final QeIdentity qeIdentity;
    final X509CRL rootCrl;
    final X509CRL pckCrl;
    /** The PCK CA key that signed the PCK CRL: a quote's PCK chain must have the same CA. */
    final P256.Key pckCrlSigner;
    final Window window;

    private PreparedCollateral(Refusal failure, TcbInfo tcbInfo, QeIdentity qeIdentity, X509CRL rootCrl,
                               X509CRL pckCrl, P256.Key pckCrlSigner, Window window) {
        this.failure = failure;
        this.tcbInfo = tcbInfo;
        this.qeIdentity = qeIdentity;
        this.rootCrl = rootCrl;
        this.pckCrl = pckCrl;
        this.pckCrlSigner = pckCrlSigner;
        this.window = window;
    }

    static PreparedCollateral prepare(Collateral c, TrustedRoot root, P256.Key rootKey, P256 p256) {
        try {
            return check(c, root, rootKey, p256);
        } catch (Refusal f) {
            return new PreparedCollateral(f, null, null, null, null, null, null);
        }
    }

    private static PreparedCollateral check(Collateral c, TrustedRoot root, P256.Key rootKey, P256 p256)
            throws Refusal {
        Window window = Window.ALWAYS.with(root.certificate(), "trusted root");

        X509CRL rootCrl = X509.crl(c.rootCaCrl(), "root CA CRL");
        if (!rootCrl.getIssuerX500Principal().equals(root.certificate().getSubjectX500Principal())
                || !X509.signedBy(p256, rootCrl, rootKey)) {
            throw new Refusal(ErrorCode.CRL_INVALID, "the root CA CRL is not signed by the trusted root");
        }
        window = window.with(rootCrl, "root CA CRL");

        // TCB info and QE identity: signing chain, signing certificate not revoked, signature over the exact text.
        window = signedText(c.tcbInfoIssuerChain(), c.tcbInfo(), c.tcbInfoSignature(), "TCB info",
                ErrorCode.TCB_INFO_SIGNATURE_INVALID, root, rootKey, p256, rootCrl, window);
        TcbInfo tcbInfo = parse(() -> TcbInfo.parse(c.tcbInfo()));
        window = window.with(tcbInfo.issueDate(), tcbInfo.nextUpdate(), "TCB info");

        window = signedText(c.qeIdentityIssuerChain(), c.qeIdentity(), c.qeIdentitySignature(), "QE identity",
                ErrorCode.QE_IDENTITY_SIGNATURE_INVALID, root, rootKey, p256, rootCrl, window);
        QeIdentity qeIdentity = parse(() -> QeIdentity.parse(c.qeIdentity()));
        window = window.with(qeIdentity.issueDate(), qeIdentity.nextUpdate(), "QE identity");

        // PCK CRL: signed by the PCK CA of its issuer chain, which must lead to the root and not be revoked.
        List<X509Certificate> crlChain = X509.chain(c.pckCrlIssuerChain(), ErrorCode.MALFORMED_COLLATERAL,
                "PCK CRL issuer chain");
        // Intel's QVL reads this chain only for its dates and checks the PCK CRL against the PCK chain's CA.
        // Deviation: D5 a PCK CRL issuer chain that does not lead to the root, or did not sign the CRL, fails.
        P256.Key crlSigner = Chains.verify(crlChain, 2, root, rootKey, p256, ErrorCode.CRL_INVALID,
                "PCK CRL issuer chain");
        X509Certificate pckCa = Chains.leafFirst(crlChain).getFirst();
        if (rootCrl.getRevokedCertificate(pckCa.getSerialNumber()) != null) {
            throw new Refusal(ErrorCode.INTERMEDIATE_CA_REVOKED, "the PCK CA "
                    + pckCa.getSubjectX500Principal().getName() + " is revoked by the root CA CRL");
        }
        window = window.with(pckCa, "PCK CRL issuer chain");
        X509CRL pckCrl = X509.crl(c.pckCrl(), "PCK CRL");
        if (!pckCrl.getIssuerX500Principal().equals(pckCa.getSubjectX500Principal())
                || !X509.signedBy(p256, pckCrl, crlSigner)) {
            throw new Refusal(ErrorCode.CRL_INVALID, "the PCK CRL is not signed by the PCK CA of its issuer chain");
        }
        window = window.with(pckCrl, "PCK CRL");
        return new PreparedCollateral(null, tcbInfo, qeIdentity, rootCrl, pckCrl, crlSigner, window);
    }

    /**
     * Checks one signed JSON item of the collateral (TCB info or QE identity): its issuer chain leads to the root,
     * the signing certificate is not revoked by the root CA CRL, and the signature verifies over the exact text as
     * served. Returns the validity window narrowed by the chain's certificates.
     */
    private static Window signedText(String issuerChainPem, String text, byte[] signature, String what,
                                     ErrorCode badSignature, TrustedRoot root, P256.Key rootKey, P256 p256,
                                     X509CRL rootCrl, Window window) throws Refusal {
        List<X509Certificate> chain = X509.chain(issuerChainPem, ErrorCode.MALFORMED_COLLATERAL,
                what + " issuer chain");
        P256.Key signer = Chains.verify(chain, 2, root, rootKey, p256, ErrorCode.TCB_SIGNING_CHAIN_INVALID,
                what + " issuer chain");
        Window narrowed = revokedOrDated(chain, rootCrl, window, what + " issuer chain");
        // Intel's QVL parses the text and checks the signature over its own re-serialisation; tdx4j checks the text
        // as served, so text that differs from the signed form only in whitespace or escapes fails here.
        // Deviation: D2 TCB info text other than the signed bytes fails its signature check.
        // Deviation: D3 QE identity text other than the signed bytes fails its signature check.
        if (!p256.verify(signer, text.getBytes(StandardCharsets.UTF_8), signature)) {
            throw new Refusal(badSignature,
                    "the " + what + " signature does not verify over its text with the TCB signing key");
        }
        return narrowed;
    }

    private static Window revokedOrDated(List<X509Certificate> chain, X509CRL rootCrl, Window window, String what)
            throws Refusal {
        X509Certificate signer = Chains.leafFirst(chain).getFirst();
        if (rootCrl.getRevokedCertificate(signer.getSerialNumber()) != null) {
            throw new Refusal(ErrorCode.TCB_SIGNING_CERT_REVOKED, what + ": "
                    + signer.getSubjectX500Principal().getName() + " is revoked by the root CA CRL");
        }
        return window.with(signer, what);
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T parse(Parse<T> p) throws Refusal {
        try {
            return p.get();
        } catch (CollateralException e) {
            throw new Refusal(ErrorCode.MALFORMED_COLLATERAL, e.getMessage());
        }
    }
}
