package io.github.tdx4j.attest.collateral;

import io.github.tdx4j.attest.format.PckExtensions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Collateral assembled from separate files, in the layout of Intel's QVL sample data
 * ({@code Src/AttestationApp/sampleData/tdx/} of intel/SGX-TDX-DCAP-QuoteVerificationLibrary, copied to
 * {@code vectors/intel-qvl/}): {@code tcbInfo.json} and {@code qeIdentity.json} (PCS response bodies), the CRLs
 * ({@code rootCaCrl.der}, {@code intermediateCaCrl.der}) and the issuer chains ({@code tcbSignChain.pem},
 * {@code pckSignChain.pem}). The same files come from PCS with {@code curl}: response bodies, and issuer-chain
 * header values saved to files (URL-encoded as sent, or decoded PEM).
 *
 * <p>Files are recognised by content, never by name: a JSON object with {@code tcbInfo} or {@code enclaveIdentity}
 * and a {@code signature}; a CRL as DER, PEM or hex text (PCCS sends the root CA CRL as hex); PEM certificates. A CRL
 * issued by the root (the subject of a self-signed certificate among the chains) is the root CA CRL, any other the
 * PCK CRL. A chain whose certificate below the root is a CA is the PCK CRL issuer chain (PCK CA + root); one whose
 * certificate below the root is not a CA signs TCB info and QE identity (TCB Signing + root). A lone self-signed
 * certificate ({@code trustedRootCaCert.pem}) and a PCK certificate ({@code pckCert.pem}, the quote carries its
 * own) are not collateral and are passed over: a trust anchor is never taken from collateral files.
 */
public final class CollateralFiles {
    /** A file's name (for messages only) and content. */
    public record NamedFile(String name, byte[] content) {
        public NamedFile {
            Objects.requireNonNull(name, "name");
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NamedFile f && name.equals(f.name) && Arrays.equals(content, f.content);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Arrays.hashCode(content);
        }

        @Override
        public String toString() {
            return "NamedFile[" + name + ", " + content.length + " bytes]";
        }
    }

    /** What to do with a file that is none of the recognised kinds. */
    public enum Unrecognized {
        /** Fail: every file was named on purpose (a list of files). */
        REJECT,
        /** Pass over it: a directory may hold the quote, notes and other files. */
        SKIP
    }

    /**
     * Collateral and what was passed over.
     *
     * @param collateral the assembled collateral; {@code QuoteVerifier} checks every signature, chain and date
     * @param passedOver one sentence per file that was not used, naming the file and why
     */
    public record Assembled(Collateral collateral, List<String> passedOver) {
        public Assembled {
            Objects.requireNonNull(collateral, "collateral");
            passedOver = List.copyOf(passedOver);
        }
    }

    /** The recognised kinds, in the order they are reported missing. */
    private enum Role {
        TCB_INFO("TCB info", "tcbInfo.json: a PCS response {\"tcbInfo\":{…},\"signature\":…}"),
        QE_IDENTITY("QE identity", "qeIdentity.json: a PCS response {\"enclaveIdentity\":{…},\"signature\":…}"),
        TCB_SIGN_CHAIN("TCB signing chain", "tcbSignChain.pem: Intel SGX TCB Signing and the root CA, PEM"),
        PCK_CRL_CHAIN("PCK CRL issuer chain", "pckSignChain.pem: the PCK Platform or Processor CA and the root CA, PEM"),
        ROOT_CA_CRL("root CA CRL", "rootCaCrl.der: DER, PEM or hex"),
        PCK_CRL("PCK CRL", "intermediateCaCrl.der: DER, PEM or hex");

        final String what;
        final String sample;

        Role(String what, String sample) {
            this.what = what;
            this.sample = sample;
        }
    }

    private CollateralFiles() {
    }

    /**
     * Assembles collateral from {@code files}.
     *
     * @throws CollateralException MALFORMED, with one sentence naming the file or the missing item, if an item is
     *                             missing, given twice with different content, or (with {@link Unrecognized#REJECT})
     *                             a file is not collateral
     */
    public static Assembled assemble(Collection<NamedFile> files, Unrecognized unrecognized) {
        Map<Role, Found> found = new LinkedHashMap<>();
        List<String> passedOver = new ArrayList<>();
        List<Found> crls = new ArrayList<>();
        List<X509Certificate> roots = new ArrayList<>();
        for (NamedFile f : files) {
            byte[] bytes = f.content;
            String text = new String(bytes, StandardCharsets.UTF_8).strip();
            if (text.startsWith("{")) {
                json(f, bytes, text, found, passedOver, unrecognized);
            } else if (text.contains("-----BEGIN X509 CRL-----") || der(bytes).isPresent() || hex(text).isPresent()) {
                crls.add(new Found(f.name, crlDer(f, bytes, text)));
            } else if (text.contains("BEGIN") && text.contains("CERTIFICATE")) {
                chain(f, new String(bytes, StandardCharsets.US_ASCII), found, passedOver, roots);
            } else if (unrecognized == Unrecognized.SKIP) {
                passedOver.add(f.name + " is not collateral (not TCB info, QE identity, a CRL or a certificate chain)");
            } else {
                throw CollateralException.malformed(f.name + " is not collateral: not a PCS TCB info or QE identity "
                        + "response, a CRL (DER, PEM or hex) or a PEM certificate chain");
            }
        }
        for (Found crl : crls) {
            X509CRL parsed = parseCrl(crl);
            boolean byRoot = roots.stream().anyMatch(r -> r.getSubjectX500Principal().equals(parsed.getIssuerX500Principal()));
            put(found, byRoot ? Role.ROOT_CA_CRL : Role.PCK_CRL, crl);
        }
        List<String> missing = Arrays.stream(Role.values()).filter(r -> !found.containsKey(r))
                .map(r -> r.what + " (Intel's sample file " + r.sample + ")").toList();
        if (!missing.isEmpty()) {
            throw CollateralException.malformed("the collateral files lack the " + String.join("; the ", missing));
        }
        PcsResponses.SignedJson tcb = PcsResponses.tcbInfo((byte[]) found.get(Role.TCB_INFO).value);
        PcsResponses.SignedJson qe = PcsResponses.qeIdentity((byte[]) found.get(Role.QE_IDENTITY).value);
        String tcbChain = (String) found.get(Role.TCB_SIGN_CHAIN).value;
        Collateral c = new Collateral((String) found.get(Role.PCK_CRL_CHAIN).value,
                (byte[]) found.get(Role.ROOT_CA_CRL).value, (byte[]) found.get(Role.PCK_CRL).value, tcbChain,
                tcb.text(), tcb.signature(), tcbChain, qe.text(), qe.signature());
        return new Assembled(c, passedOver);
    }

    /** A recognised item: the file it came from and its value (bytes for bodies and CRLs, PEM text for chains). */
    private record Found(String file, Object value) {
        boolean sameValue(Found o) {
            return value instanceof byte[] b ? Arrays.equals(b, (byte[]) o.value) : value.equals(o.value);
        }
    }

    private static void put(Map<Role, Found> found, Role role, Found item) {
        Found before = found.putIfAbsent(role, item);
        if (before != null && !before.sameValue(item)) {
            throw CollateralException.malformed("the collateral files hold two different " + role.what + "s: "
                    + before.file + " and " + item.file);
        }
    }

    private static void json(NamedFile f, byte[] bytes, String text, Map<Role, Found> found, List<String> passedOver,
                             Unrecognized unrecognized) {
        // Which PCS response it is, by its top-level object; PcsResponses then reads it exactly.
        if (text.contains("\"tcb_info\"")) {
            throw CollateralException.malformed(f.name + " is QuoteCollateralV3 collateral, complete in itself; "
                    + "give it alone, not with separate collateral files");
        }
        if (text.contains("\"tcbInfo\"")) {
            PcsResponses.tcbInfo(bytes); // fails with the file's problem now rather than after assembly
            put(found, Role.TCB_INFO, new Found(f.name, bytes));
        } else if (text.contains("\"enclaveIdentity\"")) {
            PcsResponses.qeIdentity(bytes);
            put(found, Role.QE_IDENTITY, new Found(f.name, bytes));
        } else if (unrecognized == Unrecognized.SKIP) {
            passedOver.add(f.name + " is JSON but neither a PCS TCB info nor a QE identity response");
        } else {
            throw CollateralException.malformed(f.name + " is JSON but neither a PCS TCB info response "
                    + "({\"tcbInfo\":…,\"signature\":…}) nor a QE identity response ({\"enclaveIdentity\":…})");
        }
    }

    /** A PEM chain file, or an issuer-chain header value saved as sent (URL-encoded: PEM never holds '%'). */
    private static void chain(NamedFile f, String text, Map<Role, Found> found, List<String> passedOver,
                              List<X509Certificate> roots) {
        String pem = text.indexOf('%') < 0 ? text : PcsResponses.issuerChain(text.strip());
        List<X509Certificate> certs;
        try {
            certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (CertificateException | ClassCastException e) {
            throw CollateralException.malformed(f.name + " holds a PEM certificate that does not parse", e);
        }
        List<X509Certificate> below = certs.stream().filter(c -> !selfSigned(c)).toList();
        certs.stream().filter(CollateralFiles::selfSigned).forEach(roots::add);
        if (below.isEmpty()) {
            passedOver.add(f.name + " is a root certificate, not collateral (to trust it, name it as the trusted root)");
        } else if (below.stream().anyMatch(c -> c.getExtensionValue(PckExtensions.SGX_EXTENSION_OID) != null)) {
            passedOver.add(f.name + " holds a PCK certificate, not collateral (the quote carries its own)");
        } else if (below.stream().allMatch(c -> c.getBasicConstraints() >= 0)) {
            put(found, Role.PCK_CRL_CHAIN, new Found(f.name, pem));
        } else {
            put(found, Role.TCB_SIGN_CHAIN, new Found(f.name, pem));
        }
    }

    private static boolean selfSigned(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }

    /** The file as a DER CRL, if it is one (a DER SEQUENCE that parses as a CRL). */
    private static Optional<byte[]> der(byte[] bytes) {
        return bytes.length > 0 && bytes[0] == 0x30 && isCrl(bytes) ? Optional.of(bytes) : Optional.empty();
    }

    /** The file as hex text of a DER CRL (a PCCS's {@code rootcacrl} answer), if it is one. */
    private static Optional<byte[]> hex(String text) {
        String h = text.replaceAll("\\s", "");
        if (h.length() < 4 || h.length() % 2 != 0 || !h.matches("30[0-9a-fA-F]+")) {
            return Optional.empty();
        }
        byte[] b = HexFormat.of().parseHex(h);
        return isCrl(b) ? Optional.of(b) : Optional.empty();
    }

    private static boolean isCrl(byte[] der) {
        try {
            CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
            return true;
        } catch (CertificateException | CRLException e) {
            return false;
        }
    }

    /** A CRL file as DER: PEM is decoded (the JDK's CertificateFactory reads PEM CRLs), DER and hex as they are. */
    private static byte[] crlDer(NamedFile f, byte[] bytes, String text) {
        if (text.contains("-----BEGIN X509 CRL-----")) {
            try {
                return parseCrl(new Found(f.name, bytes)).getEncoded();
            } catch (CRLException e) {
                throw CollateralException.malformed(f.name + " is a PEM CRL that does not encode as DER", e);
            }
        }
        return der(bytes).or(() -> hex(text)).orElseThrow();
    }

    private static X509CRL parseCrl(Found crl) {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509")
                    .generateCRL(new ByteArrayInputStream((byte[]) crl.value));
        } catch (CertificateException | CRLException e) {
            throw CollateralException.malformed(crl.file + " is not an X.509 CRL", e);
        }
    }
}
