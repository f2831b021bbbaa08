package io.github.tdx4j.attest.collateral;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Everything besides the quote that verification of a TDX (or SGX) quote needs, as served by Intel's PCS or a
 * PCCS: the CRLs, the TCB info and QE identity with their signatures, and the certificate chains that signed them.
 *
 * <p>The field set is dcap-qvl's {@code QuoteCollateralV3} (Phala-Network/dcap-qvl {@code src/lib.rs}), which is
 * also Intel's {@code sgx_ql_qve_collateral_t} minus the version fields. The TCB info and QE identity are kept as
 * the exact text that was signed: Intel signs the bytes as served, so they must never be re-serialized. Nothing is
 * checked here; {@code QuoteVerifier} checks every signature, chain and date.
 *
 * @param pckCrlIssuerChain     PEM: the PCK CA that signed the PCK CRL, then the root CA
 * @param rootCaCrl             DER: the root CA's CRL (revokes intermediate CAs)
 * @param pckCrl                DER: the PCK CA's CRL (revokes PCK certificates)
 * @param tcbInfoIssuerChain    PEM: the TCB signing certificate, then the root CA
 * @param tcbInfo               the exact JSON text of the {@code tcbInfo} object
 * @param tcbInfoSignature      ECDSA P-256 signature over {@code tcbInfo}'s UTF-8 bytes, r‖s (64 bytes)
 * @param qeIdentityIssuerChain PEM: the TCB signing certificate, then the root CA
 * @param qeIdentity            the exact JSON text of the {@code enclaveIdentity} object
 * @param qeIdentitySignature   ECDSA P-256 signature over {@code qeIdentity}'s UTF-8 bytes, r‖s (64 bytes)
 */
public record Collateral(String pckCrlIssuerChain, byte[] rootCaCrl, byte[] pckCrl, String tcbInfoIssuerChain,
                         String tcbInfo, byte[] tcbInfoSignature, String qeIdentityIssuerChain, String qeIdentity,
                         byte[] qeIdentitySignature) {
    public Collateral {
        Objects.requireNonNull(pckCrlIssuerChain, "pckCrlIssuerChain");
        rootCaCrl = rootCaCrl.clone();
        pckCrl = pckCrl.clone();
        Objects.requireNonNull(tcbInfoIssuerChain, "tcbInfoIssuerChain");
        Objects.requireNonNull(tcbInfo, "tcbInfo");
        tcbInfoSignature = tcbInfoSignature.clone();
        Objects.requireNonNull(qeIdentityIssuerChain, "qeIdentityIssuerChain");
        Objects.requireNonNull(qeIdentity, "qeIdentity");
        qeIdentitySignature = qeIdentitySignature.clone();
    }

    @Override
    public byte[] rootCaCrl() {
        return rootCaCrl.clone();
    }

    @Override
    public byte[] pckCrl() {
        return pckCrl.clone();
    }

    @Override
    public byte[] tcbInfoSignature() {
        return tcbInfoSignature.clone();
    }

    @Override
    public byte[] qeIdentitySignature() {
        return qeIdentitySignature.clone();
    }

    /** This collateral with the TCB info text (and signature) replaced; for tests and tools. */
    public Collateral withTcbInfo(String text, byte[] signature) {
        return new Collateral(pckCrlIssuerChain, rootCaCrl, pckCrl, tcbInfoIssuerChain, text, signature,
                qeIdentityIssuerChain, qeIdentity, qeIdentitySignature);
    }

    /** This collateral with the QE identity text (and signature) replaced; for tests and tools. */
    public Collateral withQeIdentity(String text, byte[] signature) {
        return new Collateral(pckCrlIssuerChain, rootCaCrl, pckCrl, tcbInfoIssuerChain, tcbInfo, tcbInfoSignature,
                qeIdentityIssuerChain, text, signature);
    }

    /** This collateral with both CRLs replaced; for tests and tools. */
    public Collateral withCrls(byte[] newRootCaCrl, byte[] newPckCrl) {
        return new Collateral(pckCrlIssuerChain, newRootCaCrl, newPckCrl, tcbInfoIssuerChain, tcbInfo,
                tcbInfoSignature, qeIdentityIssuerChain, qeIdentity, qeIdentitySignature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Collateral c
                && pckCrlIssuerChain.equals(c.pckCrlIssuerChain)
                && Arrays.equals(rootCaCrl, c.rootCaCrl)
                && Arrays.equals(pckCrl, c.pckCrl)
                && tcbInfoIssuerChain.equals(c.tcbInfoIssuerChain)
                && tcbInfo.equals(c.tcbInfo)
                && Arrays.equals(tcbInfoSignature, c.tcbInfoSignature)
                && qeIdentityIssuerChain.equals(c.qeIdentityIssuerChain)
                && qeIdentity.equals(c.qeIdentity)
                && Arrays.equals(qeIdentitySignature, c.qeIdentitySignature);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(pckCrlIssuerChain, tcbInfoIssuerChain, tcbInfo, qeIdentityIssuerChain, qeIdentity);
        h = 31 * h + Arrays.hashCode(rootCaCrl);
        h = 31 * h + Arrays.hashCode(pckCrl);
        h = 31 * h + Arrays.hashCode(tcbInfoSignature);
        return 31 * h + Arrays.hashCode(qeIdentitySignature);
    }

    @Override
    public String toString() {
        return "Collateral[tcbInfo " + tcbInfo.length() + " chars, signature "
                + HexFormat.of().formatHex(tcbInfoSignature) + ", qeIdentity " + qeIdentity.length()
                + " chars, rootCaCrl " + rootCaCrl.length + " B, pckCrl " + pckCrl.length + " B]";
    }
}
