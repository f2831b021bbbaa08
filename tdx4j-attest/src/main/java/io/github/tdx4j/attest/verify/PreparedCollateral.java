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
    final Failure failure;
    final TcbInfo tcbInfo;
    final QeIdentity qeIdentity;
    final X509CRL rootCrl;
    final X509CRL pckCrl;
    /** The PCK CA key that signed the PCK CRL: a quote's PCK chain must have the same CA. */
    final P256.Key pckCrlSigner;
    final Window window;

    private PreparedCollateral(Failure failure, TcbInfo tcbInfo, QeIdentity qeIdentity, X509CRL rootCrl,
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
        } catch (Failure f) {
            return new PreparedCollateral(f, null, null, null, null, null, null);
        }
    }

    private static PreparedCollateral check(Collateral c, TrustedRoot root, P256.Key rootKey, P256 p256)
            throws Failure {
        Window window = Window.ALWAYS.with(root.certificate(), "trusted root");

        X509CRL rootCrl = X509.crl(c.rootCaCrl(), "root CA CRL");
        if (!rootCrl.getIssuerX500Principal().equals(root.certificate().getSubjectX500Principal())
                || !X509.signedBy(p256, rootCrl, rootKey)) {
            throw new Failure(ErrorCode.CRL_INVALID, "the root CA CRL is not signed by the trusted root");
        }
        window = window.with(rootCrl, "root CA CRL");

        // TCB info: signing chain, signing certificate not revoked, signature over the exact text.
        List<X509Certificate> tcbChain = X509.chain(c.tcbInfoIssuerChain(), ErrorCode.MALFORMED_COLLATERAL,
                "TCB info issuer chain");
        P256.Key tcbSigner = Chains.verify(tcbChain, 2, root, rootKey, p256, ErrorCode.TCB_SIGNING_CHAIN_INVALID,
                "TCB info issuer chain");
        window = revokedOrDated(tcbChain, rootCrl, window, "TCB info issuer chain");
        if (!p256.verify(tcbSigner, c.tcbInfo().getBytes(StandardCharsets.UTF_8), c.tcbInfoSignature())) {
            throw new Failure(ErrorCode.TCB_INFO_SIGNATURE_INVALID,
                    "the TCB info signature does not verify over its text with the TCB signing key");
        }
        TcbInfo tcbInfo = parse(() -> TcbInfo.parse(c.tcbInfo()));
        window = window.with(tcbInfo.issueDate(), tcbInfo.nextUpdate(), "TCB info");

        List<X509Certificate> qeChain = X509.chain(c.qeIdentityIssuerChain(), ErrorCode.MALFORMED_COLLATERAL,
                "QE identity issuer chain");
        P256.Key qeSigner = Chains.verify(qeChain, 2, root, rootKey, p256, ErrorCode.TCB_SIGNING_CHAIN_INVALID,
                "QE identity issuer chain");
        window = revokedOrDated(qeChain, rootCrl, window, "QE identity issuer chain");
        if (!p256.verify(qeSigner, c.qeIdentity().getBytes(StandardCharsets.UTF_8), c.qeIdentitySignature())) {
            throw new Failure(ErrorCode.QE_IDENTITY_SIGNATURE_INVALID,
                    "the QE identity signature does not verify over its text with the TCB signing key");
        }
        QeIdentity qeIdentity = parse(() -> QeIdentity.parse(c.qeIdentity()));
        window = window.with(qeIdentity.issueDate(), qeIdentity.nextUpdate(), "QE identity");

        // PCK CRL: signed by the PCK CA of its issuer chain, which must lead to the root and not be revoked.
        List<X509Certificate> crlChain = X509.chain(c.pckCrlIssuerChain(), ErrorCode.MALFORMED_COLLATERAL,
                "PCK CRL issuer chain");
        P256.Key crlSigner = Chains.verify(crlChain, 2, root, rootKey, p256, ErrorCode.CRL_INVALID,
                "PCK CRL issuer chain");
        X509Certificate pckCa = Chains.leafFirst(crlChain).getFirst();
        if (rootCrl.getRevokedCertificate(pckCa.getSerialNumber()) != null) {
            throw new Failure(ErrorCode.INTERMEDIATE_CA_REVOKED, "the PCK CA "
                    + pckCa.getSubjectX500Principal().getName() + " is revoked by the root CA CRL");
        }
        window = window.with(pckCa, "PCK CRL issuer chain");
        X509CRL pckCrl = X509.crl(c.pckCrl(), "PCK CRL");
        if (!pckCrl.getIssuerX500Principal().equals(pckCa.getSubjectX500Principal())
                || !X509.signedBy(p256, pckCrl, crlSigner)) {
            throw new Failure(ErrorCode.CRL_INVALID, "the PCK CRL is not signed by the PCK CA of its issuer chain");
        }
        window = window.with(pckCrl, "PCK CRL");
        return new PreparedCollateral(null, tcbInfo, qeIdentity, rootCrl, pckCrl, crlSigner, window);
    }

    /** Fails if the chain's signing certificate is revoked by the root CRL; adds the chain's dates. */
    private static Window revokedOrDated(List<X509Certificate> chain, X509CRL rootCrl, Window window, String what)
            throws Failure {
        X509Certificate signer = Chains.leafFirst(chain).getFirst();
        if (rootCrl.getRevokedCertificate(signer.getSerialNumber()) != null) {
            throw new Failure(ErrorCode.TCB_SIGNING_CERT_REVOKED, what + ": "
                    + signer.getSubjectX500Principal().getName() + " is revoked by the root CA CRL");
        }
        return window.with(signer, what);
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T parse(Parse<T> p) throws Failure {
        try {
            return p.get();
        } catch (CollateralException e) {
            throw new Failure(ErrorCode.MALFORMED_COLLATERAL, e.getMessage());
        }
    }
}
