package io.github.tdx4j.server;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.CollateralException;
import io.github.tdx4j.attest.collateral.PcsClient.CrlItem;
import io.github.tdx4j.attest.collateral.PcsClient.PckCa;
import io.github.tdx4j.attest.collateral.PcsClient.SignedItem;
import io.github.tdx4j.attest.collateral.PcsClient.Tee;
import io.github.tdx4j.attest.collateral.PcsResponses.SignedJson;
import io.github.tdx4j.attest.collateral.QeIdentity;
import io.github.tdx4j.attest.collateral.TcbInfo;
import java.io.ByteArrayInputStream;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.Locale;

/**
 * A {@link Collateral} taken apart into the items the PCCS routes serve, with what the routes index them by: which
 * TEE and platform the TCB info is for, which TEE the QE identity is for, and which PCK CA the PCK CRL is from.
 *
 * @param tee        the TEE of the TCB info: {@code TDX} (id "TDX") or {@code SGX} (id "SGX")
 * @param fmspc      the TCB info's FMSPC, upper-case hex as Intel's PCS query parameter
 * @param qeTee      the TEE of the QE identity: {@code TDX} for "TD_QE", {@code SGX} for "QE"
 * @param pckCa      the CA of the PCK CRL (its issuer CN names "Processor" or "Platform", Intel's PCK CA names)
 * @param tcbInfo    the TCB info item
 * @param qeIdentity the QE identity item
 * @param pckCrl     the PCK CRL item
 * @param rootCaCrl  the root CA CRL item
 * @param content    the collateral
 */
record CollateralItems(Tee tee, String fmspc, Tee qeTee, PckCa pckCa, SignedItem tcbInfo, SignedItem qeIdentity,
                       CrlItem pckCrl, CrlItem rootCaCrl, Collateral content) {
    /** Reads the facts from {@code c}; its TCB info, QE identity and both CRLs must parse. */
    static CollateralItems of(Collateral c) {
        TcbInfo tcb = TcbInfo.parse(c.tcbInfo());
        QeIdentity qe = QeIdentity.parse(c.qeIdentity());
        X509CRL crl = crl(c.pckCrl(), "PCK CRL");
        X509CRL root = crl(c.rootCaCrl(), "root CA CRL");
        // Intel's CA names: "Intel SGX PCK Processor CA", "Intel SGX PCK Platform CA" (SGX PCK Certificate and CRL
        // Profile Specification); the simulator's are "tdx4j Simulated SGX PCK Platform CA".
        PckCa ca = crl.getIssuerX500Principal().getName().contains("Processor") ? PckCa.PROCESSOR : PckCa.PLATFORM;
        return new CollateralItems(tcb.isTdx() ? Tee.TDX : Tee.SGX, tcb.fmspc().toUpperCase(Locale.ROOT),
                qe.id().equals("TD_QE") ? Tee.TDX : Tee.SGX, ca,
                new SignedItem(new SignedJson(c.tcbInfo(), c.tcbInfoSignature()), c.tcbInfoIssuerChain(),
                        tcb.nextUpdate()),
                new SignedItem(new SignedJson(c.qeIdentity(), c.qeIdentitySignature()), c.qeIdentityIssuerChain(),
                        qe.nextUpdate()),
                new CrlItem(c.pckCrl(), c.pckCrlIssuerChain(), nextUpdate(crl)),
                new CrlItem(c.rootCaCrl(), "", nextUpdate(root)), c);
    }

    private static X509CRL crl(byte[] der, String what) {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        } catch (CertificateException | CRLException e) {
            throw new CollateralException(CollateralException.Reason.MALFORMED, "the " + what
                    + " is not a DER X.509 CRL", e);
        }
    }

    /** A CRL's nextUpdate; a CRL without one (RFC 5280 requires it; the verifier refuses such a CRL) never expires. */
    private static Instant nextUpdate(X509CRL crl) {
        return crl.getNextUpdate() == null ? Instant.MAX : crl.getNextUpdate().toInstant();
    }
}
