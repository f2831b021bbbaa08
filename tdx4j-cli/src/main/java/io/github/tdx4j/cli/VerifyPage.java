package io.github.tdx4j.cli;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.QeIdentity;
import io.github.tdx4j.attest.collateral.TcbInfo;
import io.github.tdx4j.attest.collateral.TcbLevel;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.PckCertChain;
import io.github.tdx4j.attest.format.PckExtensions;
import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.attest.verify.DecodedQuote;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What {@code tdx4j verify --html} shows, as plain values: the decoded quote, the PCK chain, the collateral items with
 * their validity windows, the TCB level matching, the policy checks and the verdict. {@link VerifyHtml} draws it.
 *
 * @param at      the verification time
 * @param quote   decoded quote fields, in display order
 * @param chain   the PCK certificate chain from the quote, leaf first
 * @param windows every collateral item and certificate with the time it is valid
 * @param tcb     the TCB levels of the TCB info compared with the platform, when both could be read
 * @param policy  the policy checks that were run (none when no policy was given)
 * @param verdict the verifier's result
 */
record VerifyPage(Instant at, List<Row> quote, List<Cert> chain, List<Window> windows, Optional<TcbMatch> tcb,
                  List<PolicyCheck> policy, Verdict verdict) {
    VerifyPage {
        quote = List.copyOf(quote);
        chain = List.copyOf(chain);
        windows = List.copyOf(windows);
        policy = List.copyOf(policy);
    }

    /** A decoded quote field. */
    record Row(String name, String value) { }

    /** A certificate of the PCK chain. */
    record Cert(String role, String subject, String issuer, Instant notBefore, Instant notAfter) { }

    /** A collateral item valid from {@code from} until {@code until}. */
    record Window(String item, Instant from, Instant until) {
        boolean covers(Instant t) {
            return !t.isBefore(from) && !t.isAfter(until);
        }
    }

    /**
     * The TCB levels in Intel's matching order (newest first) and how the platform compares with each one.
     *
     * @param platform what was compared: the PCK certificate's TCB and, for a TD, the quote's TEE_TCB_SVN
     * @param levels   every level, newest first
     * @param matched  index of the first level met on every count (Intel's selected level), or -1
     */
    record TcbMatch(String platform, List<Level> levels, int matched) {
        TcbMatch {
            levels = List.copyOf(levels);
        }
    }

    /**
     * One TCB level and the first component that keeps the platform below it (empty when met).
     *
     * @param tcbDate    the level's date
     * @param status     the level's status
     * @param advisories its advisories
     * @param pckBelow   why the PCK TCB does not meet it, or empty
     * @param teeBelow   why TEE_TCB_SVN does not meet it, or empty (always empty for SGX)
     */
    record Level(Instant tcbDate, String status, List<String> advisories, Optional<String> pckBelow,
                 Optional<String> teeBelow) {
        boolean met() {
            return pckBelow.isEmpty() && teeBelow.isEmpty();
        }
    }

    /** A policy check and its outcome. */
    record PolicyCheck(String name, boolean passed, String detail) { }

    /** The verifier's answer. */
    record Verdict(boolean verified, String headline, String detail) { }

    /** The page for {@code result} of verifying against {@code collateral} (null when it could not be parsed). */
    static VerifyPage of(VerificationResult result, Collateral collateral, Instant at) {
        HexFormat hex = HexFormat.of();
        List<Row> rows = new ArrayList<>();
        List<Cert> chain = new ArrayList<>();
        List<Window> windows = new ArrayList<>();
        Optional<DecodedQuote> decoded = result.decodedQuote();
        Optional<PckCertChain> pck = Optional.empty();
        byte[] teeTcbSvn = null;
        if (decoded.isPresent()) {
            DecodedQuote d = decoded.get();
            rows.add(new Row("version", Integer.toString(d.header().version())));
            switch (d) {
                case DecodedQuote.Td td -> {
                    TdQuoteBody b = td.quote().body();
                    rows.add(new Row("body", b.tdx15() ? "TDX 1.5" : "TDX 1.0"));
                    rows.add(new Row("TEE_TCB_SVN", hex.formatHex(b.teeTcbSvn())));
                    rows.add(new Row("MRTD", b.mrTd().hex()));
                    for (int i = 0; i < b.rtmrs().size(); i++) {
                        rows.add(new Row("RTMR" + i, b.rtmr(i).hex()));
                    }
                    rows.add(new Row("TD attributes", b.tdAttributes().toString()));
                    pck = td.quote().pckCertChain();
                    teeTcbSvn = b.teeTcbSvn();
                }
                case DecodedQuote.Sgx sgx -> {
                    rows.add(new Row("body", "SGX enclave"));
                    rows.add(new Row("MRENCLAVE", hex.formatHex(sgx.quote().enclaveReport().mrEnclave())));
                    rows.add(new Row("MRSIGNER", hex.formatHex(sgx.quote().enclaveReport().mrSigner())));
                }
            }
            rows.add(new Row("REPORTDATA", hex.formatHex(d.reportData())));
        }
        result.platformFmspc().ifPresent(f -> rows.add(new Row("FMSPC", f)));

        PckExtensions ext = null;
        if (pck.isPresent()) {
            try {
                List<X509Certificate> certs = pck.get().leafFirst();
                String[] roles = {"PCK", "PCK platform/processor CA", "root CA"};
                for (int i = 0; i < certs.size(); i++) {
                    X509Certificate c = certs.get(i);
                    String role = i < roles.length ? roles[i] : "certificate " + i;
                    chain.add(new Cert(role, c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
                            c.getNotBefore().toInstant(), c.getNotAfter().toInstant()));
                    windows.add(new Window(role + " certificate", c.getNotBefore().toInstant(),
                            c.getNotAfter().toInstant()));
                }
                ext = pck.get().pckExtensions();
            } catch (MalformedEvidenceException e) {
                chain.clear();
            }
        }

        Optional<TcbInfo> tcbInfo = Optional.empty();
        if (collateral != null) {
            try {
                TcbInfo info = TcbInfo.parse(collateral.tcbInfo());
                tcbInfo = Optional.of(info);
                windows.add(new Window(info.id() + " TCB info", info.issueDate(), info.nextUpdate()));
            } catch (RuntimeException e) {
                // an unreadable TCB info has no window; the verdict says why verification failed
            }
            try {
                QeIdentity qe = QeIdentity.parse(collateral.qeIdentity());
                windows.add(new Window(qe.id() + " identity", qe.issueDate(), qe.nextUpdate()));
            } catch (RuntimeException e) {
                // as above
            }
            crl("root CA CRL", collateral.rootCaCrl()).ifPresent(windows::add);
            crl("PCK CRL", collateral.pckCrl()).ifPresent(windows::add);
            certificates("TCB signing", collateral.tcbInfoIssuerChain()).ifPresent(windows::add);
        }

        Optional<TcbMatch> match = Optional.empty();
        if (tcbInfo.isPresent() && ext != null) {
            match = Optional.of(match(tcbInfo.get(), ext, tcbInfo.get().isTdx() ? teeTcbSvn : null));
        }

        Verdict verdict = switch (result) {
            case VerificationResult.Verified v -> new Verdict(true, "verified, TCB status " + v.status().jsonName(),
                    (v.advisoryIds().isEmpty() ? "no advisories" : "advisories " + String.join(", ", v.advisoryIds()))
                            + "; collateral " + (v.collateralExpired() ? "EXPIRED: " + v.expiringItem() + " at "
                            + v.collateralExpiry() : "valid until " + v.collateralExpiry() + " (" + v.expiringItem()
                            + ")"));
            case VerificationResult.Failed f -> new Verdict(false, "NOT verified: " + f.code().name(), f.detail());
        };
        return new VerifyPage(at, rows, chain, windows, match, List.of(), verdict);
    }

    /**
     * Intel's TCB level matching, restated for display (Intel TDX DCAP Quoting Library API / QVL "TCB level
     * selection"; the verifier's own evaluation decides the status): the selected level is the first, newest first,
     * whose SGX components and PCESVN the PCK certificate meets and, for a TD, whose TDX components TEE_TCB_SVN meets
     * (from byte 2 when TEE_TCB_SVN[1] &gt; 0, since bytes 0 and 1 then name the module, judged by its identity).
     */
    static TcbMatch match(TcbInfo info, PckExtensions ext, byte[] teeTcbSvn) {
        List<Level> levels = new ArrayList<>();
        int matched = -1;
        for (TcbLevel level : info.tcbLevels()) {
            Optional<String> pckBelow = Optional.empty();
            for (int i = 0; i < TcbLevel.COMPONENTS && pckBelow.isEmpty(); i++) {
                if (ext.tcbComponents().get(i) < level.sgxComponents().get(i)) {
                    pckBelow = Optional.of("PCK CPUSVN component " + i + " is " + ext.tcbComponents().get(i)
                            + " < " + level.sgxComponents().get(i));
                }
            }
            if (pckBelow.isEmpty() && ext.pceSvn() < level.pceSvn()) {
                pckBelow = Optional.of("PCESVN " + ext.pceSvn() + " < " + level.pceSvn());
            }
            Optional<String> teeBelow = Optional.empty();
            if (teeTcbSvn != null && !level.tdxComponents().isEmpty()) {
                int start = Byte.toUnsignedInt(teeTcbSvn[1]) > 0 ? 2 : 0;
                for (int i = start; i < TcbLevel.COMPONENTS && teeBelow.isEmpty(); i++) {
                    if (Byte.toUnsignedInt(teeTcbSvn[i]) < level.tdxComponents().get(i)) {
                        teeBelow = Optional.of("TEE_TCB_SVN[" + i + "] is " + Byte.toUnsignedInt(teeTcbSvn[i]) + " < "
                                + level.tdxComponents().get(i));
                    }
                }
            }
            Level l = new Level(level.tcbDate(), level.status().jsonName(), level.advisoryIds(), pckBelow, teeBelow);
            if (matched < 0 && l.met()) {
                matched = levels.size();
            }
            levels.add(l);
        }
        String platform = "PCK CPUSVN components " + ext.tcbComponents() + ", PCESVN " + ext.pceSvn()
                + (teeTcbSvn == null ? "" : ", TEE_TCB_SVN " + HexFormat.of().formatHex(teeTcbSvn));
        return new TcbMatch(platform, levels, matched);
    }

    private static Optional<Window> crl(String item, byte[] bytes) {
        try {
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                    .generateCRL(new ByteArrayInputStream(bytes));
            if (crl.getNextUpdate() == null) {
                return Optional.empty();
            }
            return Optional.of(new Window(item, crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant()));
        } catch (CertificateException | CRLException | RuntimeException e) {
            return Optional.empty(); // an unreadable CRL has no window; the verdict says why verification failed
        }
    }

    private static Optional<Window> certificates(String item, String pem) {
        try {
            var certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            for (var c : certs) {
                X509Certificate x = (X509Certificate) c;
                if (!x.getSubjectX500Principal().equals(x.getIssuerX500Principal())) {
                    return Optional.of(new Window(item + " certificate", x.getNotBefore().toInstant(),
                            x.getNotAfter().toInstant()));
                }
            }
            return Optional.empty();
        } catch (CertificateException | RuntimeException e) {
            return Optional.empty(); // as for a CRL
        }
    }
}
