package io.github.tdx4j.attest.format;

import io.github.tdx4j.attest.format.MalformedEvidenceException.Code;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Boolean;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * The SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): which platform and TCB the PCK key belongs
 * to. The verifier looks up TCB info by {@link #fmspc()} and compares {@link #tcbComponents()}, {@link #pceSvn()}
 * against its levels.
 *
 * <p>Intel, "SGX PCK Certificate and Certificate Revocation List Profile Specification", section "Intel SGX PCK
 * Certificate": a SEQUENCE of (OID, value) pairs: .1 PPID, .2 TCB (.2.1 to .2.16 component SVNs, .2.17 PCESVN,
 * .2.18 CPUSVN), .3 PCE-ID, .4 FMSPC, .5 SGX type, and for scalable platforms .6 platform instance id and .7
 * configuration. Parsed with BouncyCastle's ASN.1 reader; a value of the wrong ASN.1 type or size is an error.
 *
 * @param ppid               PPID, 16 bytes
 * @param tcbComponents      the 16 SGX TCB component SVNs (.2.1 to .2.16), in order
 * @param pceSvn             PCESVN (.2.17)
 * @param cpuSvn             CPUSVN (.2.18), 16 bytes
 * @param pceId              PCE-ID, 2 bytes
 * @param fmspc              FMSPC, 6 bytes
 * @param sgxType            SGX type: 0 Standard, 1 Scalable, 2 Scalable with integrity (an open value)
 * @param platformInstanceId platform instance id (16 bytes), empty if absent
 * @param configuration      the configuration flags, if present
 */
public record PckExtensions(byte[] ppid, List<Integer> tcbComponents, int pceSvn, byte[] cpuSvn, byte[] pceId,
        byte[] fmspc, int sgxType, byte[] platformInstanceId, Optional<Configuration> configuration) {
    /** The SGX extension OID. */
    public static final String SGX_EXTENSION_OID = "1.2.840.113741.1.13.1";
    /** Number of SGX TCB component SVNs. */
    public static final int TCB_COMPONENT_COUNT = 16;

    private static final ASN1ObjectIdentifier SGX = new ASN1ObjectIdentifier(SGX_EXTENSION_OID);
    private static final ASN1ObjectIdentifier PPID = SGX.branch("1");
    private static final ASN1ObjectIdentifier TCB = SGX.branch("2");
    /** .2.1 to .2.16: the SGX TCB component SVNs; other arcs under .2 (none defined) are ignored. */
    private static final List<ASN1ObjectIdentifier> COMPONENT_OIDS = java.util.stream.IntStream
            .rangeClosed(1, TCB_COMPONENT_COUNT).mapToObj(i -> TCB.branch(Integer.toString(i))).toList();
    private static final ASN1ObjectIdentifier PCESVN = TCB.branch("17");
    private static final ASN1ObjectIdentifier CPUSVN = TCB.branch("18");
    private static final ASN1ObjectIdentifier PCEID = SGX.branch("3");
    private static final ASN1ObjectIdentifier FMSPC = SGX.branch("4");
    private static final ASN1ObjectIdentifier SGX_TYPE = SGX.branch("5");
    private static final ASN1ObjectIdentifier PLATFORM_INSTANCE_ID = SGX.branch("6");
    private static final ASN1ObjectIdentifier CONFIGURATION = SGX.branch("7");
    private static final ASN1ObjectIdentifier DYNAMIC_PLATFORM = CONFIGURATION.branch("1");
    private static final ASN1ObjectIdentifier CACHED_KEYS = CONFIGURATION.branch("2");
    private static final ASN1ObjectIdentifier SMT_ENABLED = CONFIGURATION.branch("3");

    /**
     * The configuration of a scalable platform (.7).
     *
     * @param dynamicPlatform .7.1, if present
     * @param cachedKeys      .7.2, if present
     * @param smtEnabled      .7.3, if present
     */
    public record Configuration(Optional<Boolean> dynamicPlatform, Optional<Boolean> cachedKeys,
            Optional<Boolean> smtEnabled) {
    }

    public PckExtensions {
        ppid = Values.copy(ppid, 16, "ppid");
        if (tcbComponents == null || tcbComponents.size() != TCB_COMPONENT_COUNT) {
            throw new IllegalArgumentException("tcbComponents must hold 16 SVNs");
        }
        tcbComponents = List.copyOf(tcbComponents);
        cpuSvn = Values.copy(cpuSvn, 16, "cpuSvn");
        pceId = Values.copy(pceId, 2, "pceId");
        fmspc = Values.copy(fmspc, 6, "fmspc");
        platformInstanceId = Values.copyAtMost(platformInstanceId, 16, "platformInstanceId");
        if (configuration == null) {
            throw new NullPointerException("configuration");
        }
    }

    /** The SGX extension of {@code certificate}. */
    public static PckExtensions of(X509Certificate certificate) throws MalformedEvidenceException {
        byte[] wrapped = certificate.getExtensionValue(SGX_EXTENSION_OID);
        if (wrapped == null) {
            throw error("sgx_extension", "the certificate has no SGX extension " + SGX_EXTENSION_OID, null);
        }
        try {
            // X509Certificate#getExtensionValue returns the DER OCTET STRING that wraps the extension value.
            return parse(ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(wrapped)).getOctets());
        } catch (IOException | RuntimeException e) {
            throw error("sgx_extension", "the extension value is not an OCTET STRING", e);
        }
    }

    /** Parses the DER extension value (the SEQUENCE of OID/value pairs) of the SGX extension. */
    public static PckExtensions parse(byte[] extensionValue) throws MalformedEvidenceException {
        ASN1Sequence root = sequence(extensionValue, "sgx_extension");
        byte[] ppid = null;
        byte[] pceId = null;
        byte[] fmspc = null;
        Integer sgxType = null;
        byte[] instanceId = new byte[0];
        Optional<Configuration> configuration = Optional.empty();
        Integer[] components = new Integer[TCB_COMPONENT_COUNT];
        Integer pceSvn = null;
        byte[] cpuSvn = null;
        Set<ASN1ObjectIdentifier> seen = new HashSet<>();
        for (ASN1Encodable item : root) {
            Pair pair = pair(item, seen, "sgx_extension");
            if (pair.oid.equals(PPID)) {
                ppid = octets(pair, 16);
            } else if (pair.oid.equals(TCB)) {
                Set<ASN1ObjectIdentifier> tcbSeen = new HashSet<>();
                for (ASN1Encodable tcbItem : sequence(pair.value, "tcb")) {
                    Pair t = pair(tcbItem, tcbSeen, "tcb");
                    if (t.oid.equals(PCESVN)) {
                        pceSvn = integer(t);
                    } else if (t.oid.equals(CPUSVN)) {
                        cpuSvn = octets(t, 16);
                    } else {
                        int index = COMPONENT_OIDS.indexOf(t.oid);
                        if (index >= 0) {
                            components[index] = integer(t);
                        }
                    }
                }
            } else if (pair.oid.equals(PCEID)) {
                pceId = octets(pair, 2);
            } else if (pair.oid.equals(FMSPC)) {
                fmspc = octets(pair, 6);
            } else if (pair.oid.equals(SGX_TYPE)) {
                sgxType = enumerated(pair);
            } else if (pair.oid.equals(PLATFORM_INSTANCE_ID)) {
                instanceId = octets(pair, 16);
            } else if (pair.oid.equals(CONFIGURATION)) {
                configuration = Optional.of(configuration(pair));
            }
        }
        List<Integer> tcb = new ArrayList<>(TCB_COMPONENT_COUNT);
        for (int i = 0; i < TCB_COMPONENT_COUNT; i++) {
            tcb.add(require(components[i], "tcb.comp" + (i + 1) + "svn"));
        }
        return new PckExtensions(require(ppid, "ppid"), tcb, require(pceSvn, "tcb.pcesvn"),
                require(cpuSvn, "tcb.cpusvn"), require(pceId, "pceid"), require(fmspc, "fmspc"),
                require(sgxType, "sgx_type"), instanceId, configuration);
    }

    /** The SGX type's name: Standard, Scalable, ScalableWithIntegrity, or {@code Unknown(n)}. */
    public String sgxTypeName() {
        return switch (sgxType) {
            case 0 -> "Standard";
            case 1 -> "Scalable";
            case 2 -> "ScalableWithIntegrity";
            default -> "Unknown(" + sgxType + ")";
        };
    }

    private record Pair(ASN1ObjectIdentifier oid, ASN1Encodable value) {
    }

    private static Pair pair(ASN1Encodable item, Set<ASN1ObjectIdentifier> seen, String where)
            throws MalformedEvidenceException {
        if (!(item instanceof ASN1Sequence s) || s.size() != 2
                || !(s.getObjectAt(0) instanceof ASN1ObjectIdentifier oid)) {
            throw error(where, "an item is not a SEQUENCE of an OID and a value", null);
        }
        if (!seen.add(oid)) {
            throw error(where, "OID " + oid + " appears twice", null);
        }
        return new Pair(oid, s.getObjectAt(1));
    }

    private static ASN1Sequence sequence(Object encoded, String field) throws MalformedEvidenceException {
        if (encoded instanceof ASN1Sequence s) {
            return s;
        }
        if (encoded instanceof byte[] der) {
            try {
                if (ASN1Primitive.fromByteArray(der) instanceof ASN1Sequence s) {
                    return s;
                }
            } catch (IOException | RuntimeException e) {
                // BouncyCastle reports bad DER as IOException or, for some encodings, IllegalArgumentException
                // or IllegalStateException; all mean the same for untrusted input.
                throw error(field, "not valid DER", e);
            }
        }
        throw error(field, "is not a SEQUENCE", null);
    }

    private static byte[] octets(Pair p, int size) throws MalformedEvidenceException {
        if (!(p.value instanceof ASN1OctetString s) || s.getOctets().length != size) {
            throw error(name(p.oid), "must be an OCTET STRING of " + size + " bytes", null);
        }
        return s.getOctets();
    }

    private static int integer(Pair p) throws MalformedEvidenceException {
        if (!(p.value instanceof ASN1Integer i)) {
            throw error(name(p.oid), "must be an INTEGER", null);
        }
        return svn(p, i.getValue());
    }

    private static int enumerated(Pair p) throws MalformedEvidenceException {
        if (!(p.value instanceof ASN1Enumerated e)) {
            throw error(name(p.oid), "must be an ENUMERATED", null);
        }
        return svn(p, e.getValue());
    }

    private static int svn(Pair p, java.math.BigInteger value) throws MalformedEvidenceException {
        if (value.signum() < 0 || value.bitLength() > 16) {
            throw error(name(p.oid), "value " + value + " is outside 0..65535", null);
        }
        return value.intValue();
    }

    private static Configuration configuration(Pair p) throws MalformedEvidenceException {
        Boolean[] flags = new Boolean[3];
        Set<ASN1ObjectIdentifier> seen = new HashSet<>();
        for (ASN1Encodable item : sequence(p.value, "configuration")) {
            Pair f = pair(item, seen, "configuration");
            int index = f.oid.equals(DYNAMIC_PLATFORM) ? 0 : f.oid.equals(CACHED_KEYS) ? 1
                    : f.oid.equals(SMT_ENABLED) ? 2 : -1;
            if (index >= 0) {
                if (!(f.value instanceof ASN1Boolean b)) {
                    throw error(name(f.oid), "must be a BOOLEAN", null);
                }
                flags[index] = b.isTrue();
            }
        }
        return new Configuration(Optional.ofNullable(flags[0]), Optional.ofNullable(flags[1]),
                Optional.ofNullable(flags[2]));
    }

    private static <T> T require(T value, String field) throws MalformedEvidenceException {
        if (value == null) {
            throw error(field, "is missing", null);
        }
        return value;
    }

    private static String name(ASN1ObjectIdentifier oid) {
        return oid.getId();
    }

    private static MalformedEvidenceException error(String field, String detail, Throwable cause) {
        return new MalformedEvidenceException(Code.MALFORMED_PCK_CERTIFICATE, field, -1, detail, cause);
    }

    @Override
    public byte[] ppid() {
        return ppid.clone();
    }

    @Override
    public byte[] cpuSvn() {
        return cpuSvn.clone();
    }

    @Override
    public byte[] pceId() {
        return pceId.clone();
    }

    @Override
    public byte[] fmspc() {
        return fmspc.clone();
    }

    @Override
    public byte[] platformInstanceId() {
        return platformInstanceId.clone();
    }

    private Object[] parts() {
        return new Object[] {ppid, tcbComponents, pceSvn, cpuSvn, pceId, fmspc, sgxType, platformInstanceId,
                configuration};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PckExtensions other && Values.equal(parts(), other.parts());
    }

    @Override
    public int hashCode() {
        return Values.hash(parts());
    }

    @Override
    public String toString() {
        return Values.text("PckExtensions", "fmspc", fmspc, "pceId", pceId, "pceSvn", pceSvn, "cpuSvn", cpuSvn,
                "tcbComponents", tcbComponents, "sgxType", sgxTypeName(), "ppid", ppid,
                "platformInstanceId", platformInstanceId, "configuration", configuration);
    }
}
