package io.github.tdx4j.ratls;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.CollateralException;
import io.github.tdx4j.attest.collateral.PcsResponses;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The endorsements of the CCC interoperable RA-TLS format: the DCAP collateral of the quote in the certificate, in
 * the optional extension {@value RatlsOids#TCG_DICE_ENDORSEMENT_MANIFEST}, so that a relying party without access
 * to Intel's PCS or a PCCS can verify the quote (CCC-Attestation/interoperable-ra-tls, "Interoperable RA-TLS
 * SGX/TDX evidence formats", section "Endorsements").
 *
 * <p>extnValue = CBOR tag 60000 (the evidence's tag) over a definite array of 8 or 9 items, in the field order of
 * Intel's {@code sgx_ql_qve_collateral_t} as Open Enclave's {@code oe_sgx_endorsements_fields_t} lists it:
 * <pre>
 * 60000([version,                      uint: 3 (sgx_ql_qve_collateral_t major_version 3, minor 0)
 *        TCB_INFO,                     bstr: the PCS TCB info response body {"tcbInfo":{...},"signature":"hex"}
 *        TCB_ISSUER_CHAIN,             bstr: PEM, TCB signing certificate then root CA
 *        CRL_PCK_CERT,                 bstr: the PCK CA's CRL, DER
 *        CRL_PCK_PROC_CA,              bstr: the root CA's CRL, DER
 *        CRL_ISSUER_CHAIN_PCK_CERT,    bstr: PEM, PCK CA then root CA
 *        QE_ID_INFO,                   bstr: the PCS QE identity response body {"enclaveIdentity":{...},"signature":"hex"}
 *        QE_ID_ISSUER_CHAIN,           bstr: PEM, TCB signing certificate then root CA
 *        ?CREATION_DATETIME])          bstr, optional: not written; read and ignored
 * </pre>
 * Text items are written with a terminating NUL byte, as {@code sgx_ql_qve_collateral_t} holds them (its sizes
 * count the terminator), because C verifiers copy the items into that structure as they are; a reader here takes
 * them with or without it. The version is written as a 4-byte unsigned integer ({@code 1a 00 00 00 03}), the width
 * of the structure's {@code uint32_t version}, which inclavare-containers/rats-tls's reader requires
 * ({@code src/core/dice.c}, {@code dice_parse_endorsements_buffer_with_tag}); any width is read. CRLs are read as
 * DER, PEM or hex text.
 *
 * <p>Nothing here is trusted: the relying party checks every signature, chain, CRL and date with its own pinned
 * root and clock ({@link RatlsTrustManager.Builder#peerEndorsements}).
 *
 * @param version    the collateral version the peer wrote (3 when tdx4j writes it)
 * @param collateral the collateral
 */
public record Endorsements(long version, Collateral collateral) {
    /** {@code sgx_ql_qve_collateral_t}'s version for this field set: major_version 3, minor_version 0. */
    public static final long VERSION_3 = 3;
    /** The number of items without, and with, the optional creation time. */
    private static final int ITEMS = 8;
    private static final int ITEMS_WITH_CREATION_TIME = 9;
    private static final String WHAT = "the RA-TLS endorsements";

    public Endorsements {
        if (version < 0 || version > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("the endorsements version is a uint32: " + version);
        }
        Objects.requireNonNull(collateral, "collateral");
    }

    /** {@code collateral} as version-3 endorsements. */
    public static Endorsements of(Collateral collateral) {
        return new Endorsements(VERSION_3, collateral);
    }

    /** The extnValue content, {@code 60000([...])} with definite lengths. */
    public byte[] encode() {
        return Cbor.write(g -> {
            g.writeTag(CccEvidence.TAG_INTEL_QUOTE);
            writeArrayHeadAndVersion(g, version);
            g.writeBinary(text(pcsBody("tcbInfo", collateral.tcbInfo(), collateral.tcbInfoSignature())));
            g.writeBinary(text(collateral.tcbInfoIssuerChain()));
            g.writeBinary(collateral.pckCrl());
            g.writeBinary(collateral.rootCaCrl());
            g.writeBinary(text(collateral.pckCrlIssuerChain()));
            g.writeBinary(text(pcsBody("enclaveIdentity", collateral.qeIdentity(), collateral.qeIdentitySignature())));
            g.writeBinary(text(collateral.qeIdentityIssuerChain()));
        });
    }

    /**
     * The head of the definite array of {@value #ITEMS} items (major type 4, RFC 8949 section 3.1: {@code 0x80 | 8}),
     * then the version as an unsigned integer in its 4-byte form (major type 0, additional information 26:
     * {@code 1a} and 4 bytes big-endian). Jackson writes integers only in their shortest form, and counts the items of
     * an array it opened, so these two heads are written as raw bytes and the seven byte strings after them by
     * Jackson; together they are exactly the array a CBOR decoder reads back (the tests decode it).
     */
    private static void writeArrayHeadAndVersion(CBORGenerator g, long value) throws IOException {
        byte[] heads = {(byte) (0x80 | ITEMS), 0x1a, (byte) (value >>> 24), (byte) (value >>> 16),
            (byte) (value >>> 8), (byte) value};
        g.writeBytes(heads, 0, heads.length);
    }

    /**
     * The body Intel's PCS serves for a signed JSON object: {@code {"<name>":<text>,"signature":"<hex>"}}, with the
     * object's exact signed text inside ({@link PcsResponses} cuts it out again byte for byte).
     */
    private static String pcsBody(String name, String signedText, byte[] signature) {
        return "{\"" + name + "\":" + signedText + ",\"signature\":\"" + HexFormat.of().formatHex(signature) + "\"}";
    }

    /** UTF-8 with the terminating NUL of {@code sgx_ql_qve_collateral_t}'s strings. */
    private static byte[] text(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, utf8.length + 1);
    }

    /**
     * Reads endorsements.
     *
     * @throws EvidenceFormatException if the bytes are not that shape, or an item is not what its position holds
     */
    public static Endorsements decode(byte[] bytes) throws EvidenceFormatException {
        byte[][] items = new byte[ITEMS - 1][];
        long version;
        try (CBORParser p = Cbor.parser(bytes, WHAT)) {
            Cbor.expect(p, JsonToken.START_ARRAY, WHAT);
            int tag = p.getCurrentTag();
            if (tag != CccEvidence.TAG_INTEL_QUOTE) {
                throw new EvidenceFormatException(WHAT + " have CBOR tag " + (tag < 0 ? "none" : tag) + ", expected "
                        + CccEvidence.TAG_INTEL_QUOTE + " (Intel TEE quote collateral)");
            }
            Cbor.expect(p, JsonToken.VALUE_NUMBER_INT, WHAT + "' first item (the version)");
            version = p.getLongValue();
            if (version < 0 || version > 0xFFFF_FFFFL) {
                throw new EvidenceFormatException(WHAT + "' version " + version + " is not a uint32");
            }
            for (int i = 0; i < items.length; i++) {
                Cbor.expect(p, JsonToken.VALUE_EMBEDDED_OBJECT, WHAT + "' item " + (i + 2) + " (" + NAMES[i] + ")");
                items[i] = p.getBinaryValue();
            }
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_EMBEDDED_OBJECT) {
                t = p.nextToken(); // CREATION_DATETIME: informative only; the collateral's own dates count
            }
            if (t != JsonToken.END_ARRAY) {
                throw new EvidenceFormatException(WHAT + ": expected the end of the array after " + ITEMS + " or "
                        + ITEMS_WITH_CREATION_TIME + " items, found " + Cbor.name(t));
            }
            Cbor.expectEnd(p, WHAT);
        } catch (IOException e) {
            throw new EvidenceFormatException(WHAT + " are not well-formed CBOR: " + e.getMessage(), e);
        }
        try {
            PcsResponses.SignedJson tcb = PcsResponses.tcbInfo(stripNul(items[0]));
            PcsResponses.SignedJson qe = PcsResponses.qeIdentity(stripNul(items[5]));
            Collateral c = new Collateral(string(items[4]), crl(items[3], NAMES[3]), crl(items[2], NAMES[2]),
                    string(items[1]), tcb.text(), tcb.signature(), string(items[6]), qe.text(), qe.signature());
            return new Endorsements(version, c);
        } catch (CollateralException e) {
            throw new EvidenceFormatException(WHAT + ": " + e.getMessage(), e);
        }
    }

    /** The names of items 2..8, as the CCC format names them. */
    private static final String[] NAMES = {"TCB_INFO", "TCB_ISSUER_CHAIN", "CRL_PCK_CERT", "CRL_PCK_PROC_CA",
        "CRL_ISSUER_CHAIN_PCK_CERT", "QE_ID_INFO", "QE_ID_ISSUER_CHAIN"};

    private static byte[] stripNul(byte[] b) {
        return b.length > 0 && b[b.length - 1] == 0 ? Arrays.copyOf(b, b.length - 1) : b;
    }

    private static String string(byte[] b) {
        return new String(stripNul(b), StandardCharsets.UTF_8);
    }

    /** A CRL item as DER: DER as is, PEM or hex text (as some PCCS versions serve CRLs) decoded. */
    private static byte[] crl(byte[] item, String name) throws EvidenceFormatException {
        byte[] b = stripNul(item);
        if (b.length > 0 && b[0] != 0x30) {
            String text = new String(b, StandardCharsets.US_ASCII).strip();
            if (!text.startsWith("-----BEGIN")) {
                try {
                    b = HexFormat.of().parseHex(text);
                } catch (IllegalArgumentException e) {
                    throw new EvidenceFormatException(WHAT + "' " + name + " is neither DER, PEM nor hex", e);
                }
            }
        }
        try {
            return ((X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(b)))
                    .getEncoded();
        } catch (CertificateException | CRLException | RuntimeException e) {
            throw new EvidenceFormatException(WHAT + "' " + name + " is not an X.509 CRL: " + e.getMessage(), e);
        }
    }
}
