package io.github.tdx4j.attest.verify;

import java.security.cert.X509Certificate;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): the platform's TCB as it was when the
 * certificate was issued, and the platform family.
 *
 * <p>Intel "SGX PCK Certificate and Certificate Revocation List Profile Specification", section "Intel SGX PCK
 * Certificate" (SGX Extensions): a SEQUENCE of (OID, value) pairs: .1 PPID, .2 TCB (.2.1–.2.16 the CPUSVN
 * components, .2.17 PCESVN, .2.18 CPUSVN), .3 PCE-ID, .4 FMSPC, .5 SGX type.
 *
 * @param cpuSvnComponents the 16 SGX TCB component SVNs (.2.1–.2.16)
 * @param pceSvn           PCESVN (.2.17)
 * @param pceId            PCE-ID, lowercase hex of 2 bytes (.3)
 * @param fmspc            FMSPC, lowercase hex of 6 bytes (.4)
 */
record PckExtension(int[] cpuSvnComponents, int pceSvn, String pceId, String fmspc) {
    static final String SGX_EXTENSIONS = "1.2.840.113741.1.13.1";
    private static final ASN1ObjectIdentifier TCB = new ASN1ObjectIdentifier(SGX_EXTENSIONS + ".2");
    private static final ASN1ObjectIdentifier PCE_ID = new ASN1ObjectIdentifier(SGX_EXTENSIONS + ".3");
    private static final ASN1ObjectIdentifier FMSPC = new ASN1ObjectIdentifier(SGX_EXTENSIONS + ".4");
    private static final ASN1ObjectIdentifier SGX_TYPE = new ASN1ObjectIdentifier(SGX_EXTENSIONS + ".5");

    static PckExtension of(X509Certificate pck) throws Failure {
        byte[] ext = pck.getExtensionValue(SGX_EXTENSIONS);
        if (ext == null) {
            throw new Failure(ErrorCode.PCK_CHAIN_INVALID, "PCK certificate has no SGX extension " + SGX_EXTENSIONS);
        }
        try {
            ASN1Sequence seq = ASN1Sequence.getInstance(
                    ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(ext).getOctets()));
            int[] comps = null;
            int pceSvn = -1;
            String pceId = null;
            String fmspc = null;
            for (ASN1Encodable e : seq) {
                ASN1Sequence pair = ASN1Sequence.getInstance(e);
                ASN1ObjectIdentifier oid = ASN1ObjectIdentifier.getInstance(pair.getObjectAt(0));
                ASN1Encodable value = pair.getObjectAt(1);
                if (oid.equals(TCB)) {
                    comps = new int[16];
                    boolean[] seen = new boolean[18];
                    for (ASN1Encodable t : ASN1Sequence.getInstance(value)) {
                        ASN1Sequence tp = ASN1Sequence.getInstance(t);
                        ASN1ObjectIdentifier toid = ASN1ObjectIdentifier.getInstance(tp.getObjectAt(0));
                        if (!toid.on(TCB)) {
                            continue;
                        }
                        int idx = Integer.parseInt(toid.getId().substring(TCB.getId().length() + 1));
                        if (idx >= 1 && idx <= 16) {
                            comps[idx - 1] = ASN1Integer.getInstance(tp.getObjectAt(1)).intValueExact();
                            seen[idx - 1] = true;
                        } else if (idx == 17) {
                            pceSvn = ASN1Integer.getInstance(tp.getObjectAt(1)).intValueExact();
                            seen[16] = true;
                        }
                    }
                    for (int i = 0; i < 17; i++) {
                        if (!seen[i]) {
                            throw new Failure(ErrorCode.PCK_CHAIN_INVALID,
                                    "PCK certificate TCB extension lacks component " + (i + 1));
                        }
                    }
                } else if (oid.equals(PCE_ID)) {
                    pceId = hex(value, 2, "PCE-ID");
                } else if (oid.equals(FMSPC)) {
                    fmspc = hex(value, 6, "FMSPC");
                } else if (oid.equals(SGX_TYPE)) {
                    ASN1Enumerated.getInstance(value); // must be well-formed; the value is not used for TDX
                }
            }
            if (comps == null || pceId == null || fmspc == null) {
                throw new Failure(ErrorCode.PCK_CHAIN_INVALID, "PCK certificate SGX extension lacks TCB, PCE-ID or FMSPC");
            }
            return new PckExtension(comps, pceSvn, pceId, fmspc);
        } catch (java.io.IOException | IllegalArgumentException | ArithmeticException e) {
            throw new Failure(ErrorCode.PCK_CHAIN_INVALID, "PCK certificate SGX extension is malformed", e);
        }
    }

    private static String hex(ASN1Encodable value, int size, String what) throws Failure {
        byte[] b = ASN1OctetString.getInstance(value).getOctets();
        if (b.length != size) {
            throw new Failure(ErrorCode.PCK_CHAIN_INVALID, "PCK certificate " + what + " is " + b.length
                    + " bytes, not " + size);
        }
        return HexFormat.of().formatHex(b);
    }
}
