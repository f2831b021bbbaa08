package io.github.tdx4j.ratls;

import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.SgxQuote;
import io.github.tdx4j.ratls.RatlsRefusal.Rule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Finds the evidence in an RA-TLS certificate and checks that it binds the certificate's public key: the claims'
 * {@code pubkey-hash} is the hash of the SubjectPublicKeyInfo DER and the quote's REPORTDATA is the hash of the
 * claims (CCC, CMW), or REPORTDATA is the profile's hash of the SubjectPublicKeyInfo (dstack, Gramine legacy).
 *
 * <p>Profiles are tried in {@link Profile} order; the first whose extension is present decides, so a certificate
 * with a failing CCC extension is refused even if it also has a legacy one (as Gramine's verifier does).
 */
public final class EvidenceReader {
    private static final HexFormat HEX = HexFormat.of();
    /** The prefix dstack hashes before the SubjectPublicKeyInfo of a certificate key ({@code QuoteContentType}). */
    private static final byte[] DSTACK_CERT_PREFIX = "ratls-cert:".getBytes(StandardCharsets.US_ASCII);

    private final ReadOptions options;

    public EvidenceReader(ReadOptions options) {
        this.options = options;
    }

    /**
     * The evidence of {@code cert}, bound to its key.
     *
     * @throws RatlsRefusal EVIDENCE_MISSING, PROFILE_NOT_ENABLED, EVIDENCE_MALFORMED, HASH_ALGORITHM or KEY_BINDING
     */
    public BoundEvidence read(X509Certificate cert) throws RatlsRefusal {
        byte[] spki = cert.getPublicKey().getEncoded();
        for (Profile profile : Profile.values()) {
            Optional<byte[]> value = extension(cert, profile);
            if (value.isEmpty()) {
                continue;
            }
            if (!options.profiles().contains(profile)) {
                throw new RatlsRefusal(Rule.PROFILE_NOT_ENABLED, "the certificate carries " + profile
                        + " evidence, which this relying party does not read (ReadOptions)", "one of "
                        + options.profiles(), profile.toString());
            }
            return switch (profile) {
                case CCC -> ccc(profile, octets(value.get(), "CCC evidence extension"), spki);
                case CMW -> ccc(profile, cmwCbor(value.get()), spki);
                case DSTACK -> dstack(cert, value.get(), spki);
                case GRAMINE_LEGACY -> gramineLegacy(octets(value.get(), "Gramine legacy extension"), spki);
            };
        }
        throw new RatlsRefusal(Rule.EVIDENCE_MISSING, "the certificate has no RA-TLS evidence extension",
                "extension " + RatlsOids.TCG_DICE_CMW, "none");
    }

    private static Optional<byte[]> extension(X509Certificate cert, Profile profile) {
        byte[] v = switch (profile) {
            case CCC -> cert.getExtensionValue(RatlsOids.TCG_DICE_CMW);
            case CMW -> cert.getExtensionValue(RatlsOids.ID_PE_CMW);
            case DSTACK -> cert.getExtensionValue(RatlsOids.DSTACK_TDX_QUOTE);
            case GRAMINE_LEGACY -> Optional.ofNullable(cert.getExtensionValue(RatlsOids.GRAMINE_LEGACY_QUOTE))
                    .orElse(cert.getExtensionValue(RatlsOids.GRAMINE_LEGACY_QUOTE_MISENCODED));
        };
        return Optional.ofNullable(v);
    }

    /** The content of a DER OCTET STRING ({@code getExtensionValue} returns the extnValue OCTET STRING's DER). */
    private static byte[] octets(byte[] der, String what) throws RatlsRefusal {
        try {
            return ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(der)).getOctets();
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new RatlsRefusal(Rule.EVIDENCE_MALFORMED, "the " + what + " is not a DER OCTET STRING",
                    "OCTET STRING", "undecodable DER");
        }
    }

    /** id-pe-cmw: {@code CMW ::= CHOICE { json UTF8String, cbor OCTET STRING }}; only the CBOR choice is read. */
    private static byte[] cmwCbor(byte[] extensionValue) throws RatlsRefusal {
        byte[] content = octets(extensionValue, "CMW extension");
        try {
            ASN1Encodable choice = ASN1Primitive.fromByteArray(content);
            if (choice instanceof ASN1OctetString cbor) {
                return cbor.getOctets();
            }
            throw new RatlsRefusal(Rule.EVIDENCE_MALFORMED, "the CMW extension holds "
                    + choice.getClass().getSimpleName() + "; only the cbor choice (OCTET STRING) is read",
                    "OCTET STRING", choice.getClass().getSimpleName());
        } catch (java.io.IOException e) {
            throw new RatlsRefusal(Rule.EVIDENCE_MALFORMED, "the CMW extension is not DER", "DER", "undecodable");
        }
    }

    private BoundEvidence ccc(Profile profile, byte[] cbor, byte[] spki) throws RatlsRefusal {
        CccEvidence evidence;
        Claims claims;
        try {
            evidence = CccEvidence.decode(cbor, options.earlyRatsTlsTag());
            claims = Claims.decode(evidence.claims());
        } catch (EvidenceFormatException e) {
            throw new RatlsRefusal(Rule.EVIDENCE_MALFORMED, e.getMessage(), "60000([quote, claims])",
                    "see detail");
        }
        HashEntry hash = claims.pubkeyHash();
        boolean accepted = hash.algorithm() == HashEntry.SHA_256 || options.sha384And512()
                && (hash.algorithm() == HashEntry.SHA_384 || hash.algorithm() == HashEntry.SHA_512);
        if (!accepted) {
            throw new RatlsRefusal(Rule.HASH_ALGORITHM, "the pubkey-hash algorithm is not accepted",
                    options.sha384And512() ? "1, 7 or 8" : "1 (sha-256; 7 and 8 need ReadOptions.sha384And512)",
                    Integer.toString(hash.algorithm()));
        }
        if (!hash.matches(spki)) {
            throw new RatlsRefusal(Rule.KEY_BINDING, "the pubkey-hash claim is not the hash of the certificate's "
                    + "public key", HEX.formatHex(HashEntry.digest(hash.algorithm(), spki)),
                    HEX.formatHex(hash.value()));
        }
        byte[] quote = evidence.quote();
        // The CCC format binds REPORTDATA = SHA-256(claims); Gramine and rats-tls compare the first 32 bytes only,
        // and so does this reader (the other 32 are zero in every certificate tdx4j and they write).
        checkReportData(profile, quote, Claims.reportData(evidence.claims()), 32, "SHA-256(claims)");
        return new BoundEvidence(profile, quote, Optional.of(claims));
    }

    private static BoundEvidence rawQuote(Profile profile, byte[] quote, byte[] expected, int length)
            throws RatlsRefusal {
        checkReportData(profile, quote, expected, length, profile == Profile.DSTACK
                ? "SHA-512(\"ratls-cert:\" || SubjectPublicKeyInfo)" : "SHA-256(SubjectPublicKeyInfo)");
        return new BoundEvidence(profile, quote, Optional.empty());
    }

    /**
     * Gramine binds SHA-256(SubjectPublicKeyInfo DER); the early rats-tls (then "Enclave TLS") certificates that used
     * the same OID hashed the key's subjectPublicKey BIT STRING content instead, for RSA the PKCS#1
     * {@code RSAPublicKey} DER ({@code i2d_RSAPublicKey}; checked on the samples in vectors/ratls/rats-tls). Both
     * hash the key and nothing else, so both are accepted.
     */
    private static BoundEvidence gramineLegacy(byte[] quote, byte[] spki) throws RatlsRefusal {
        byte[] keyBits = SubjectPublicKeyInfo.getInstance(spki).getPublicKeyData().getOctets();
        byte[] reportData = Arrays.copyOf(reportData(quote), 32);
        if (MessageDigest.isEqual(reportData, HashEntry.digest(HashEntry.SHA_256, keyBits))) {
            return new BoundEvidence(Profile.GRAMINE_LEGACY, quote, Optional.empty());
        }
        return rawQuote(Profile.GRAMINE_LEGACY, quote, HashEntry.digest(HashEntry.SHA_256, spki), 32);
    }

    /** dstack: the quote binds the key; a TD quote's RTMR3 must be what the event log extension replays to. */
    private static BoundEvidence dstack(X509Certificate cert, byte[] value, byte[] spki) throws RatlsRefusal {
        byte[] quote = octets(octets(value, "dstack quote extension"), "dstack quote extension's inner OCTET STRING");
        BoundEvidence bound = rawQuote(Profile.DSTACK, quote, dstackReportData(spki), 64);
        if (isSgx(quote)) {
            return bound;
        }
        byte[] log = cert.getExtensionValue(RatlsOids.DSTACK_EVENT_LOG);
        if (log == null) {
            throw new RatlsRefusal(Rule.EVENT_LOG, "the certificate has a dstack TDX quote but no event log "
                    + "extension", "extension " + RatlsOids.DSTACK_EVENT_LOG, "none");
        }
        byte[] rtmr3;
        try {
            rtmr3 = Quote.decode(quote).body().rtmr(3).toByteArray();
        } catch (MalformedEvidenceException e) {
            throw new RatlsRefusal(Rule.EVIDENCE_MALFORMED, "the quote cannot be decoded: " + e.getMessage(),
                    "a TD quote v4/v5", quote.length + " bytes");
        }
        DstackEventLog.check(octets(octets(log, "dstack event log extension"),
                "dstack event log extension's inner OCTET STRING"), rtmr3);
        return bound;
    }

    private static boolean isSgx(byte[] quote) {
        return quote.length >= 2 && ((quote[0] & 0xFF) | (quote[1] & 0xFF) << 8) == SgxQuote.VERSION_3;
    }

    private static byte[] dstackReportData(byte[] spki) {
        byte[] in = new byte[DSTACK_CERT_PREFIX.length + spki.length];
        System.arraycopy(DSTACK_CERT_PREFIX, 0, in, 0, DSTACK_CERT_PREFIX.length);
        System.arraycopy(spki, 0, in, DSTACK_CERT_PREFIX.length, spki.length);
        return HashEntry.digest(HashEntry.SHA_512, in);
    }

    private static void checkReportData(Profile profile, byte[] quote, byte[] expected, int length, String what)
            throws RatlsRefusal {
        byte[] actual = Arrays.copyOf(reportData(quote), length);
        byte[] want = Arrays.copyOf(expected, length);
        if (!MessageDigest.isEqual(actual, want)) {
            throw new RatlsRefusal(Rule.KEY_BINDING, "the quote's REPORTDATA[0.." + length + ") is not " + what
                    + " (" + profile + ")", HEX.formatHex(want), HEX.formatHex(actual));
        }
    }

    /** REPORTDATA of a TD quote (v4, v5) or an SGX quote (v3). */
    static byte[] reportData(byte[] quote) throws RatlsRefusal {
        try {
            return isSgx(quote) ? SgxQuote.decode(quote).enclaveReport().reportData() : Quote.decode(quote).body().reportData();
        } catch (MalformedEvidenceException e) {
            throw new RatlsRefusal(Rule.EVIDENCE_MALFORMED, "the quote cannot be decoded: " + e.getMessage(),
                    "a TD quote v4/v5 or an SGX quote v3", quote.length + " bytes");
        }
    }
}
