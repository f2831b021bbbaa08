package io.github.tdx4j.attest.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.QeIdentity;
import io.github.tdx4j.attest.collateral.TcbInfo;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.SgxQuote;
import io.github.tdx4j.attest.format.TestData;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Seeded mutants of the in-repo vectors for {@link QvlDifferentialTest}. Two kinds of base case: the real vectors
 * under Intel's production root (their quotes are mutated byte-wise and their verification time is moved), and
 * real quotes re-certified by a {@link TestPki} with real collateral re-signed by it (their collateral is edited and
 * re-signed, so that each edit reaches the checks after the signatures). Every mutant is described in words; the
 * same seed gives the same cases in the same order.
 */
final class QvlMutants {
    static final long DEFAULT_SEED = 20261207L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TCB_STATUSES = {"UpToDate", "SWHardeningNeeded", "ConfigurationNeeded",
            "ConfigurationAndSWHardeningNeeded", "OutOfDate", "OutOfDateConfigurationNeeded", "Revoked",
            "TDRelaunchAdvised", "NotAStatus", "uptodate"};
    private static final String[] INVALID_DATES = {"2025-02-30T00:00:00Z", "2025-07-01T24:00:00Z",
            "2025-06-31T10:00:00Z", "2025-07-01T10:00:60Z", "2025-7-01T10:00:00Z", "2025-07-01T10:00Z"};

    /**
     * One case.
     *
     * @param base       which vector it started from
     * @param mutation   what was changed, in words
     * @param quote      the quote bytes
     * @param collateral the collateral
     * @param root       the trusted root
     * @param at         the verification time
     */
    record Case(String base, String mutation, byte[] quote, Collateral collateral, TrustedRoot root, Instant at) {
    }

    /** A starting point: a quote, its collateral, root and a time inside the collateral's window. */
    private record Base(String name, byte[] quote, Collateral collateral, TrustedRoot root, Instant at, TestPki pki,
                        Collateral unsigned, byte[] rootCrl, byte[] pckCrl) {
    }

    private final SplittableRandom rnd;
    private final List<Case> out = new ArrayList<>();

    QvlMutants(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    List<Case> all() throws Exception {
        TrustedRoot intel = TrustedRoot.of(TestData.bytes("dcap-qvl/TrustedRootCA.der"));
        List<Base> production = List.of(
                real("dcap-qvl/tdx_quote v4", Vectors.DCAP_TDX, Vectors.DCAP_TDX_COLLATERAL, intel, Vectors.AT_2025_07_01),
                real("dcap-qvl/sgx_quote v3", "dcap-qvl/sgx_quote", "dcap-qvl/sgx_quote_collateral.json", intel,
                        Vectors.AT_2025_07_01),
                real("go-tdx-guest/quote_v5_sample v5", Vectors.GO_V5, Vectors.GO_V5_HYBRID, intel, Vectors.AT_2026_02_25),
                real("trustee/tdx_quote_4 v4", Vectors.TRUSTEE_DEBUG, Vectors.GO_V4_COLLATERAL, intel, Vectors.AT_2023_07_01),
                real("go-tdx-guest/SPR_E4 v4", Vectors.GO_SPR_E4, Vectors.GO_V4_COLLATERAL, intel, Vectors.AT_2023_07_01),
                real("dcap-qvl/tdx_quote_outdated v5", Vectors.DCAP_OUTDATED, Vectors.DCAP_OUTDATED_COLLATERAL, intel,
                        Vectors.AT_2026_03_01));
        List<Base> resigned = List.of(
                resigned("re-signed dcap-qvl/tdx_quote v4", Vectors.DCAP_TDX, Vectors.DCAP_TDX_COLLATERAL,
                        Vectors.AT_2025_07_01),
                resigned("re-signed go-tdx-guest/quote_v5_sample v5", Vectors.GO_V5, Vectors.GO_V5_HYBRID,
                        Vectors.AT_2026_02_25),
                resigned("re-signed trustee/tdx_quote_5 v5", Vectors.TRUSTEE_V5, Vectors.DCAP_OUTDATED_COLLATERAL,
                        Vectors.AT_2026_03_01));
        for (Base b : production) {
            add(b, "unchanged", b.quote(), b.collateral(), b.at());
            quoteMutants(b, 6, 10, 5, 3);
            timeShifts(b);
        }
        for (Base b : resigned) {
            add(b, "unchanged", b.quote(), b.collateral(), b.at());
            quoteMutants(b, 2, 3, 2, 2);
            timeShifts(b);
            fixedCollateralEdits(b);
            for (int i = 0; i < 300; i++) {
                collateralEdit(b);
            }
        }
        return List.copyOf(out);
    }

    private Base real(String name, String quote, String collateral, TrustedRoot root, Instant at) {
        return new Base(name, Vectors.quote(quote), Vectors.collateral(collateral), root, at, null, null, null, null);
    }

    private Base resigned(String name, String quote, String collateral, Instant at) throws Exception {
        byte[] realQuote = Vectors.quote(quote);
        TestPki pki = new TestPki(Quote.decode(realQuote).signatureData().qeReportCertificationData().orElseThrow()
                .pckCertChain().orElseThrow().certificates().getFirst());
        byte[] rootCrl = pki.crl(pki.root, pki.rootKeys.getPrivate());
        byte[] pckCrl = pki.crl(pki.pckCa, pki.pckCaKeys.getPrivate());
        Collateral unsigned = Vectors.collateral(collateral);
        return new Base(name, pki.recertify(realQuote), pki.collateral(unsigned, rootCrl, pckCrl), pki.trustedRoot(),
                at, pki, unsigned, rootCrl, pckCrl);
    }

    private void add(Base b, String mutation, byte[] quote, Collateral collateral, Instant at) {
        out.add(new Case(b.name(), mutation, quote, collateral, b.root(), at));
    }

    // ---------------------------------------------------------------- quote bytes

    /** A named byte range of a quote. */
    private record Region(String name, int start, int end) {
    }

    private static int u16(byte[] q, int off) {
        return (q[off] & 0xFF) | (q[off + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] q, int off) {
        return (q[off] & 0xFFL) | (q[off + 1] & 0xFFL) << 8 | (q[off + 2] & 0xFFL) << 16 | (q[off + 3] & 0xFFL) << 24;
    }

    /** The regions of a well-formed quote (v3, v4 or v5), walked from its length fields. */
    static List<Region> regions(byte[] q) {
        List<Region> r = new ArrayList<>();
        int version = u16(q, 0);
        r.add(new Region("header version/key type", 0, 4));
        r.add(new Region("header TEE type", 4, 8));
        r.add(new Region("header reserved/QE vendor/user data", 8, 48));
        int pos = 48;
        if (version == 3) {
            r.add(new Region("ISV enclave report", pos, pos + 384));
            pos += 384;
        } else if (version == 4) {
            r.add(new Region("TD quote body", pos, pos + 584));
            pos += 584;
        } else {
            r.add(new Region("body type and size", pos, pos + 6));
            int size = (int) u32(q, pos + 2);
            r.add(new Region("TD quote body (TEE_TCB_SVN first)", pos + 6, pos + 6 + 16));
            r.add(new Region("TD quote body", pos + 6 + 16, pos + 6 + size));
            pos += 6 + size;
        }
        r.add(new Region("signature_data_len", pos, pos + 4));
        int sigStart = pos + 4;
        int sigEnd = (int) Math.min(q.length, sigStart + u32(q, pos));
        pos = sigStart;
        r.add(new Region("quote signature", pos, pos + 64));
        r.add(new Region("attestation key", pos + 64, pos + 128));
        pos += 128;
        if (version != 3) {
            r.add(new Region("certification data type/size", pos, pos + 6));
            pos += 6;
        }
        r.add(new Region("QE report", pos, pos + 384));
        r.add(new Region("QE report signature", pos + 384, pos + 448));
        pos += 448;
        int auth = u16(q, pos);
        r.add(new Region("QE auth data size", pos, pos + 2));
        if (auth > 0) {
            r.add(new Region("QE auth data", pos + 2, pos + 2 + auth));
        }
        pos += 2 + auth;
        r.add(new Region("PCK certification data type/size", pos, pos + 6));
        pos += 6;
        int chainLength = sigEnd - pos;
        r.add(new Region("PCK chain (leaf)", pos, pos + chainLength / 3));
        r.add(new Region("PCK chain (PCK CA)", pos + chainLength / 3, pos + 2 * chainLength / 3));
        r.add(new Region("PCK chain (root copy)", pos + 2 * chainLength / 3, sigEnd));
        if (q.length > sigEnd) {
            r.add(new Region("bytes after the signature data", sigEnd, q.length));
        }
        return r;
    }

    private void quoteMutants(Base b, int flipsPerRegion, int truncations, int appends, int slacks) {
        byte[] q = b.quote();
        for (Region region : regions(q)) {
            for (int k = 0; k < flipsPerRegion && region.end() > region.start(); k++) {
                int at = region.start() + rnd.nextInt(region.end() - region.start());
                int x = 1 + rnd.nextInt(255);
                byte[] m = q.clone();
                m[at] ^= (byte) x;
                add(b, String.format("byte %d (%s) xor 0x%02x", at, region.name(), x), m, b.collateral(), b.at());
            }
        }
        for (int k = 0; k < truncations; k++) {
            int length = rnd.nextInt(q.length);
            add(b, "truncated to " + length + " bytes", Arrays.copyOf(q, length), b.collateral(), b.at());
        }
        for (int k = 0; k < appends; k++) {
            byte[] extra = new byte[1 + rnd.nextInt(64)];
            rnd.nextBytes(extra);
            byte[] m = Arrays.copyOf(q, q.length + extra.length);
            System.arraycopy(extra, 0, m, q.length, extra.length);
            add(b, extra.length + " random bytes appended", m, b.collateral(), b.at());
        }
        Region lenField = regions(q).stream().filter(r -> r.name().equals("signature_data_len")).findFirst()
                .orElseThrow();
        int sigEnd = (int) (lenField.end() + u32(q, lenField.start()));
        for (int k = 0; k < slacks; k++) {
            int extra = 1 + rnd.nextInt(8);
            byte[] m = new byte[q.length + extra];
            System.arraycopy(q, 0, m, 0, sigEnd);
            System.arraycopy(q, sigEnd, m, sigEnd + extra, q.length - sigEnd);
            long len = u32(q, lenField.start()) + extra;
            for (int i = 0; i < 4; i++) {
                m[lenField.start() + i] = (byte) (len >>> (8 * i));
            }
            add(b, extra + " slack bytes inside signature_data_len", m, b.collateral(), b.at());
        }
    }

    // ---------------------------------------------------------------- time

    /** Every validity boundary of the base's collateral and PCK chain, each at -1 s, 0 and +1 s. */
    private void timeShifts(Base b) throws Exception {
        TreeSet<Instant> bounds = new TreeSet<>();
        Collateral c = b.collateral();
        List<X509Certificate> certs = new ArrayList<>();
        certs.addAll(X509.chain(c.pckCrlIssuerChain().getBytes(StandardCharsets.US_ASCII), ErrorCode.MALFORMED_COLLATERAL, "x"));
        certs.addAll(X509.chain(c.tcbInfoIssuerChain().getBytes(StandardCharsets.US_ASCII), ErrorCode.MALFORMED_COLLATERAL, "x"));
        certs.addAll(X509.chain(c.qeIdentityIssuerChain().getBytes(StandardCharsets.US_ASCII), ErrorCode.MALFORMED_COLLATERAL, "x"));
        certs.addAll(u16(b.quote(), 0) == 3
                ? SgxQuote.decode(b.quote()).qeReportCertificationData().pckCertChain().orElseThrow().certificates()
                : Quote.decode(b.quote()).signatureData().qeReportCertificationData().orElseThrow().pckCertChain()
                .orElseThrow().certificates());
        for (X509Certificate cert : certs) {
            bounds.add(cert.getNotBefore().toInstant());
            bounds.add(cert.getNotAfter().toInstant());
        }
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (byte[] der : List.of(c.rootCaCrl(), c.pckCrl())) {
            X509CRL crl = (X509CRL) cf.generateCRL(new ByteArrayInputStream(der));
            bounds.add(crl.getThisUpdate().toInstant());
            bounds.add(crl.getNextUpdate().toInstant());
        }
        TcbInfo tcb = TcbInfo.parse(c.tcbInfo());
        QeIdentity qe = QeIdentity.parse(c.qeIdentity());
        bounds.addAll(List.of(tcb.issueDate(), tcb.nextUpdate(), qe.issueDate(), qe.nextUpdate()));
        for (Instant bound : bounds) {
            for (int d = -1; d <= 1; d++) {
                add(b, "time at a validity boundary " + bound + (d == 0 ? "" : d < 0 ? " - 1 s" : " + 1 s"),
                        b.quote(), c, bound.plusSeconds(d));
            }
        }
    }

    // ---------------------------------------------------------------- collateral (re-signed)

    private Collateral sign(Base b, Collateral unsigned) throws Exception {
        return b.pki().collateral(unsigned, b.rootCrl(), b.pckCrl());
    }

    /** Edits of the CRLs and chains: revocations and a PCK CRL issuer chain that is not the PCK CA's. */
    private void fixedCollateralEdits(Base b) throws Exception {
        TestPki pki = b.pki();
        Collateral c = b.collateral();
        byte[] revokedPck = pki.crl(pki.pckCa, pki.pckCaKeys.getPrivate(), pki.pck.getSerialNumber());
        add(b, "PCK CRL lists the PCK certificate", b.quote(), c.withCrls(c.rootCaCrl(), revokedPck), b.at());
        byte[] revokedCa = pki.crl(pki.root, pki.rootKeys.getPrivate(), pki.pckCa.getSerialNumber());
        add(b, "root CA CRL lists the PCK CA", b.quote(), c.withCrls(revokedCa, c.pckCrl()), b.at());
        byte[] revokedTcb = pki.crl(pki.root, pki.rootKeys.getPrivate(), pki.tcbSigning.getSerialNumber());
        add(b, "root CA CRL lists the TCB signing certificate", b.quote(), c.withCrls(revokedTcb, c.pckCrl()), b.at());
        byte[] wrongSigner = pki.crl(pki.pckCa, pki.tcbKeys.getPrivate());
        add(b, "PCK CRL signed by another key", b.quote(), c.withCrls(c.rootCaCrl(), wrongSigner), b.at());
        add(b, "PCK CRL issuer chain is the TCB signing chain", b.quote(), new Collateral(c.tcbInfoIssuerChain(),
                c.rootCaCrl(), c.pckCrl(), c.tcbInfoIssuerChain(), c.tcbInfo(), c.tcbInfoSignature(),
                c.qeIdentityIssuerChain(), c.qeIdentity(), c.qeIdentitySignature()), b.at());
        add(b, "PCK CRL issuer chain is the root alone", b.quote(), new Collateral(TestPki.pem(pki.root),
                c.rootCaCrl(), c.pckCrl(), c.tcbInfoIssuerChain(), c.tcbInfo(), c.tcbInfoSignature(),
                c.qeIdentityIssuerChain(), c.qeIdentity(), c.qeIdentitySignature()), b.at());
        String spaced = c.tcbInfo().replace(",", ", ");
        add(b, "TCB info served with spaces after commas, signed over the compact text", b.quote(),
                new Collateral(c.pckCrlIssuerChain(), c.rootCaCrl(), c.pckCrl(), c.tcbInfoIssuerChain(), spaced,
                        c.tcbInfoSignature(), c.qeIdentityIssuerChain(), c.qeIdentity(), c.qeIdentitySignature()), b.at());
        String escaped = c.qeIdentity().replace("\"TD_QE\"", "\"TD\\u005fQE\"");
        add(b, "QE identity served with a \\u escape, signed over the plain text", b.quote(),
                new Collateral(c.pckCrlIssuerChain(), c.rootCaCrl(), c.pckCrl(), c.tcbInfoIssuerChain(), c.tcbInfo(),
                        c.tcbInfoSignature(), c.qeIdentityIssuerChain(), escaped, c.qeIdentitySignature()), b.at());
    }

    private void collateralEdit(Base b) throws Exception {
        ObjectNode tcb = (ObjectNode) JSON.readTree(b.unsigned().tcbInfo());
        ObjectNode qe = (ObjectNode) JSON.readTree(b.unsigned().qeIdentity());
        List<String> what = new ArrayList<>();
        int edits = 1 + (rnd.nextInt(4) == 0 ? 1 : 0);
        for (int e = 0; e < edits; e++) {
            if (rnd.nextBoolean()) {
                what.add("TCB info: " + editTcbInfo(tcb));
            } else {
                what.add("QE identity: " + editQeIdentity(qe));
            }
        }
        Collateral unsigned = b.unsigned().withTcbInfo(JSON.writeValueAsString(tcb), new byte[64])
                .withQeIdentity(JSON.writeValueAsString(qe), new byte[64]);
        add(b, String.join("; ", what), b.quote(), sign(b, unsigned), b.at());
    }

    private <T> T pick(T[] options) {
        return options[rnd.nextInt(options.length)];
    }

    private int pickSvn(int current) {
        return switch (rnd.nextInt(6)) {
            case 0 -> 0;
            case 1 -> current + 1;
            case 2 -> Math.max(0, current - 1);
            case 3 -> 255;
            case 4 -> 256 + rnd.nextInt(3);
            default -> rnd.nextInt(16);
        };
    }

    /** A date near {@code current}, in the accepted form or in one of the forms Intel's parser refuses. */
    private String date(String current) {
        String v = current;
        if (rnd.nextInt(3) == 0) {
            v = Instant.parse(current).plusSeconds((rnd.nextInt(121) - 60) * 86_400L).toString();
        }
        String bare = v.substring(0, v.length() - 1);
        return switch (rnd.nextInt(10)) {
            case 0, 1, 2 -> v;
            case 3 -> bare + ".000Z";
            case 4 -> bare + "+00:00";
            case 5 -> bare + "z";
            case 6 -> v + " ";
            default -> pick(INVALID_DATES);
        };
    }

    private static ArrayNode array(JsonNode parent, String name) {
        return (ArrayNode) parent.get(name);
    }

    private ObjectNode anyOf(ArrayNode a) {
        return (ObjectNode) a.get(rnd.nextInt(a.size()));
    }

    private String hexEdit(ObjectNode n, String field) {
        String v = n.get(field).textValue();
        int i = rnd.nextInt(v.length());
        char c = "0123456789abcdefABCDEF".charAt(rnd.nextInt(22));
        String nv = v.substring(0, i) + c + v.substring(i + 1);
        n.put(field, nv);
        return field + " " + v + " -> " + nv;
    }

    private String editTcbInfo(ObjectNode t) {
        ArrayNode levels = array(t, "tcbLevels");
        ObjectNode level = anyOf(levels);
        int index = indexOf(levels, level);
        switch (rnd.nextInt(20)) {
            case 0, 1 -> {
                String s = pick(TCB_STATUSES);
                level.put("tcbStatus", s);
                return "level " + index + " tcbStatus " + s;
            }
            case 2, 3 -> {
                ArrayNode comps = array(level.get("tcb"), "sgxtcbcomponents");
                int j = rnd.nextInt(16);
                int v = pickSvn(comps.get(j).get("svn").intValue());
                ((ObjectNode) comps.get(j)).put("svn", v);
                return "level " + index + " sgx component " + j + " svn " + v;
            }
            case 4, 5 -> {
                ArrayNode comps = array(level.get("tcb"), "tdxtcbcomponents");
                int j = rnd.nextInt(4) == 0 ? rnd.nextInt(16) : rnd.nextInt(3);
                int v = pickSvn(comps.get(j).get("svn").intValue());
                ((ObjectNode) comps.get(j)).put("svn", v);
                return "level " + index + " tdx component " + j + " svn " + v;
            }
            case 6 -> {
                int v = pickSvn(level.get("tcb").get("pcesvn").intValue());
                ((ObjectNode) level.get("tcb")).put("pcesvn", v);
                return "level " + index + " pcesvn " + v;
            }
            case 7 -> {
                ObjectNode copy = level.deepCopy();
                if (rnd.nextBoolean()) {
                    copy.put("tcbStatus", pick(TCB_STATUSES));
                }
                levels.add(copy);
                return "level " + index + " duplicated (status " + copy.get("tcbStatus").textValue() + ")";
            }
            case 8 -> {
                if (levels.size() > 1) {
                    levels.remove(index);
                    return "level " + index + " removed";
                }
                levels.removeAll();
                return "every level removed";
            }
            case 9 -> {
                List<JsonNode> all = new ArrayList<>();
                levels.forEach(all::add);
                levels.removeAll();
                for (int i = all.size() - 1; i >= 0; i--) {
                    levels.add(all.get(i));
                }
                return "levels in reverse order";
            }
            case 10 -> {
                String field = pick(new String[] {"issueDate", "nextUpdate"});
                String v = date(t.get(field).textValue());
                t.put(field, v);
                return field + " " + v;
            }
            case 11 -> {
                String v = date(level.get("tcbDate").textValue());
                level.put("tcbDate", v);
                return "level " + index + " tcbDate " + v;
            }
            case 12 -> {
                return pick(new Boolean[] {true, false}) ? hexEdit(t, "fmspc") : hexEdit(t, "pceId");
            }
            case 13 -> {
                int v = pick(new Integer[] {1, -1, 2, 0});
                String field = pick(new String[] {"tcbType", "version", "tcbEvaluationDataNumber"});
                t.put(field, field.equals("version") ? (int) pick(new Integer[] {2, 4, 3}) : v);
                return field + " " + t.get(field);
            }
            case 14 -> {
                ObjectNode m = (ObjectNode) t.get("tdxModule");
                return "tdxModule " + hexEdit(m, pick(new String[] {"mrsigner", "attributes", "attributesMask"}));
            }
            case 15 -> {
                JsonNode ids = t.get("tdxModuleIdentities");
                switch (rnd.nextInt(4)) {
                    case 0 -> {
                        t.remove("tdxModuleIdentities");
                        return "tdxModuleIdentities removed";
                    }
                    case 1 -> {
                        t.putArray("tdxModuleIdentities");
                        return "tdxModuleIdentities empty";
                    }
                    case 2 -> {
                        t.putNull("tdxModuleIdentities");
                        return "tdxModuleIdentities null";
                    }
                    default -> {
                        if (ids == null || !ids.isArray() || ids.isEmpty()) {
                            return "tdxModuleIdentities absent, unchanged";
                        }
                        ObjectNode id = anyOf((ArrayNode) ids);
                        String v = pick(new String[] {"TDX_02", "tdx_01", "TDX_1", "TDX_01", "TDX_03"});
                        String old = id.get("id").textValue();
                        id.put("id", v);
                        return "module identity " + old + " renamed " + v;
                    }
                }
            }
            case 16, 17, 18 -> {
                JsonNode ids = t.get("tdxModuleIdentities");
                if (ids == null || !ids.isArray() || ids.isEmpty()) {
                    return "tdxModuleIdentities absent, unchanged";
                }
                ObjectNode id = anyOf((ArrayNode) ids);
                ArrayNode ml = array(id, "tcbLevels");
                ObjectNode l = anyOf(ml);
                String name = id.get("id").textValue();
                switch (rnd.nextInt(6)) {
                    case 0, 1 -> {
                        String s = pick(TCB_STATUSES);
                        l.put("tcbStatus", s);
                        return "module " + name + " level tcbStatus " + s;
                    }
                    case 2 -> {
                        int v = pick(new Integer[] {0, 1, 3, 4, 5, 6, 7, 65535, 65536});
                        ((ObjectNode) l.get("tcb")).put("isvsvn", v);
                        return "module " + name + " level isvsvn " + v;
                    }
                    case 3 -> {
                        ml.add(l.deepCopy().put("tcbStatus", pick(TCB_STATUSES)));
                        return "module " + name + " level duplicated";
                    }
                    case 4 -> {
                        ml.removeAll();
                        return "module " + name + " has no levels";
                    }
                    default -> {
                        return "module " + name + " " + hexEdit(id, pick(new String[] {"mrsigner", "attributes",
                                "attributesMask"}));
                    }
                }
            }
            default -> {
                switch (rnd.nextInt(3)) {
                    case 0 -> {
                        level.putNull("advisoryIDs");
                        return "level " + index + " advisoryIDs null";
                    }
                    case 1 -> {
                        level.putArray("advisoryIDs").add("INTEL-SA-99999");
                        return "level " + index + " advisoryIDs [INTEL-SA-99999]";
                    }
                    default -> {
                        ArrayNode comps = array(level.get("tcb"), "sgxtcbcomponents");
                        ((ObjectNode) comps.get(0)).put("category", 5);
                        return "level " + index + " sgx component 0 category 5 (not a string)";
                    }
                }
            }
        }
    }

    private static int indexOf(ArrayNode a, JsonNode n) {
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) == n) {
                return i;
            }
        }
        return -1;
    }

    private String editQeIdentity(ObjectNode q) {
        ArrayNode levels = array(q, "tcbLevels");
        ObjectNode level = anyOf(levels);
        int index = indexOf(levels, level);
        switch (rnd.nextInt(12)) {
            case 0, 1, 2 -> {
                String s = pick(TCB_STATUSES);
                level.put("tcbStatus", s);
                return "level " + index + " tcbStatus " + s;
            }
            case 3 -> {
                int v = pick(new Integer[] {0, 2, 4, 6, 7, 8, 12});
                ((ObjectNode) level.get("tcb")).put("isvsvn", v);
                return "level " + index + " isvsvn " + v;
            }
            case 4 -> {
                ObjectNode copy = level.deepCopy();
                copy.put("tcbStatus", pick(TCB_STATUSES));
                if (rnd.nextBoolean()) {
                    copy.put("tcbDate", Instant.parse(level.get("tcbDate").textValue()).plusSeconds(86_400).toString());
                }
                levels.add(copy);
                return "level " + index + " duplicated as " + copy;
            }
            case 5, 6 -> {
                String field = pick(new String[] {"miscselect", "miscselectMask"});
                String v = String.format("%08x", rnd.nextInt(4) == 0 ? rnd.nextInt() : 1 << rnd.nextInt(32));
                q.put(field, v);
                return field + " " + q.get(field).textValue();
            }
            case 7, 8 -> {
                String field = pick(new String[] {"attributes", "attributesMask"});
                byte[] v = java.util.HexFormat.of().parseHex(q.get(field).textValue());
                v[rnd.nextInt(16)] ^= (byte) (1 << rnd.nextInt(8));
                q.put(field, java.util.HexFormat.of().withUpperCase().formatHex(v));
                return field + " " + q.get(field).textValue();
            }
            case 9 -> {
                return rnd.nextBoolean() ? hexEdit(q, "mrsigner") : "isvprodid " + q.put("isvprodid", (int)
                        pick(new Integer[] {0, 1, 2, 3})).get("isvprodid");
            }
            case 10 -> {
                String field = pick(new String[] {"id", "version"});
                if (field.equals("id")) {
                    q.put("id", pick(new String[] {"QE", "QVE", "TD_QE", "TDQE"}));
                } else {
                    q.put("version", (int) pick(new Integer[] {1, 2, 3}));
                }
                return field + " " + q.get(field);
            }
            default -> {
                String field = pick(new String[] {"issueDate", "nextUpdate"});
                String v = date(q.get(field).textValue());
                q.put(field, v);
                return field + " " + v;
            }
        }
    }
}
