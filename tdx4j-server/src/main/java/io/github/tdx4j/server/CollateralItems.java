package io.github.tdx4j.server;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.CollateralException;
import io.github.tdx4j.attest.collateral.PcsClient.PckCa;
import io.github.tdx4j.attest.collateral.QeIdentity;
import io.github.tdx4j.attest.collateral.TcbInfo;
import java.io.ByteArrayInputStream;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.util.Locale;

/**
 * What the PCCS routes need to know about a {@link Collateral}: which TEE and platform its TCB info is for, which
 * TEE its QE identity is for, and which PCK CA its PCK CRL is from.
 *
 * @param tee      the TEE of the TCB info: {@code TDX} (id "TDX") or {@code SGX} (id "SGX")
 * @param fmspc    the TCB info's FMSPC, upper-case hex as Intel's PCS query parameter
 * @param qeTee    the TEE of the QE identity: {@code TDX} for "TD_QE", {@code SGX} for "QE"
 * @param pckCa    the CA of the PCK CRL (its issuer CN names "Processor" or "Platform", Intel's PCK CA names)
 * @param content  the collateral
 */
record CollateralItems(Tee tee, String fmspc, Tee qeTee, PckCa pckCa, Collateral content) {
    /** The TEE a collateral item is for; the path segment of Intel's PCS routes. */
    enum Tee {
        TDX, SGX;

        /** The PCS path segment: {@code tdx} or {@code sgx}. */
        String path() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Reads the facts from {@code c}; its TCB info, QE identity and PCK CRL must parse. */
    static CollateralItems of(Collateral c) {
        TcbInfo tcb = TcbInfo.parse(c.tcbInfo());
        QeIdentity qe = QeIdentity.parse(c.qeIdentity());
        X509CRL crl;
        try {
            crl = (X509CRL) CertificateFactory.getInstance("X.509")
                    .generateCRL(new ByteArrayInputStream(c.pckCrl()));
        } catch (CertificateException | CRLException e) {
            throw new CollateralException(CollateralException.Reason.MALFORMED, "the PCK CRL is not a DER X.509 CRL", e);
        }
        // Intel's CA names: "Intel SGX PCK Processor CA", "Intel SGX PCK Platform CA" (SGX PCK Certificate and CRL
        // Profile Specification); the simulator's are "tdx4j Simulated SGX PCK Platform CA".
        PckCa ca = crl.getIssuerX500Principal().getName().contains("Processor") ? PckCa.PROCESSOR : PckCa.PLATFORM;
        return new CollateralItems(tcb.isTdx() ? Tee.TDX : Tee.SGX, tcb.fmspc().toUpperCase(Locale.ROOT),
                qe.id().equals("TD_QE") ? Tee.TDX : Tee.SGX, ca, c);
    }
}
