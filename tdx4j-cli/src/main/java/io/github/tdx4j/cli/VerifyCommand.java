package io.github.tdx4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.eventlog.RuntimeLogReplay;
import io.github.tdx4j.attest.format.Measurement;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.attest.json.VerificationJson;
import io.github.tdx4j.attest.policy.TdPolicy;
import io.github.tdx4j.attest.verify.DecodedQuote;
import io.github.tdx4j.attest.verify.ErrorCode;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tdx4j verify QUOTE [--collateral FILE|DIR] [policy options]}: DCAP verification of a TDX quote, Intel QVL
 * semantics, then the relying party's policy if one is given ({@link PolicyOptions}). Collateral comes from
 * {@link CollateralSource}: a file, Intel's separate files, or fetched.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify a TDX quote (v4 or v5) or an SGX quote (v3) against Intel DCAP collateral and print "
                + "its TCB status.", "",
                "Without a policy: exit 0 when the quote verified and a TCB status was computed (whatever the "
                        + "status; a DEBUG TD and expired collateral get a warning), 2 when verification failed, "
                        + "1 on usage or I/O errors (including collateral that cannot be fetched).",
                "With a policy (--policy or any policy flag): exit 2 also when a rule fails, each failed rule "
                        + "listed with what was expected and what the quote has; a DEBUG TD fails unless "
                        + "--allow-debug, and only UpToDate is accepted unless --accept-status.", "",
                "Examples:",
                "  tdx4j verify quote.dat --collateral collateral.json --at 2025-07-01T00:00:00Z",
                "  tdx4j verify quote.dat                  (collateral from Intel PCS, cached)",
                "  tdx4j verify quote.dat --pccs https://pccs.example:8081 --mrtd HEX --rtmr 2=HEX",
                "  tdx4j verify quote.dat --collateral intel-qvl/ --root root.pem",
                "  tdx4j verify quote.dat --collateral c.json --policy policy.json --json",
                "  tdx4j verify quote.hex --collateral collateral.json --at 1751328000 --json",
                "  tdx4j verify quote.dat --collateral collateral.json --repeat 1000 --json   (timing)",
                "  tdx4j verify quote.dat --collateral collateral.json --repeat 1000 --no-cache   (timing, nothing kept)",
                "  tdx4j verify quote.dat --collateral collateral.json --at 1751328000 --html verify.html", ""})
final class VerifyCommand implements Callable<Integer> {
    /**
     * Fewest untimed calls before a --repeat measurement: with 500 the median still included interpreted and C1
     * code (277 µs measured here against 90 µs after 1000+); C2 has compiled the hot paths well before 2000.
     */
    static final int WARMUP_MIN = 2000;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "QUOTE", description = "The quote: binary, hex text with an optional 0x prefix, or the output of tdx4j quote --json.")
    Path quoteFile;

    @CommandLine.Mixin
    CollateralSource source = new CollateralSource();

    @CommandLine.Mixin
    PolicyOptions policyOptions = new PolicyOptions();

    @Option(names = "--root", paramLabel = "CERT",
            description = "Trusted root CA certificate, PEM or DER (default: Intel's production SGX root CA).")
    Path rootFile;

    @Option(names = "--at", paramLabel = "TIME",
            description = "Verification time: epoch seconds or ISO-8601 such as 2025-07-01T00:00:00Z (default: now).")
    String at;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Also write a self-contained HTML page (no network): the decoded quote, the PCK chain, the collateral's validity windows on a time axis, the TCB level matched and why, and the verdict.")
    Path htmlFile;

    @Option(names = "--repeat", paramLabel = "N",
            description = "Verify N more times after a warm-up of max(N, 2000) calls (enough for the JIT to compile the verifier) and report the median and p90 time.")
    Integer repeat;

    @Option(names = "--event-log", paramLabel = "FILE",
            description = "Replay this runtime event log (tdx4j extend's CEL-JSON log) against the quote's RTMRs, after the boot's CCEL; exit 2 if they do not match.")
    Path eventLog;

    @Option(names = "--ccel", paramLabel = "FILE",
            description = "With --event-log: the CCEL log area of the TD's boot (default: none, boot RTMRs are zero).")
    Path ccel;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Instant time;
        try {
            time = parseTime(at);
        } catch (IllegalArgumentException e) {
            err.println("tdx4j verify: " + e.getMessage());
            return Main.USAGE;
        }
        if (ccel != null && eventLog == null) {
            err.println("tdx4j verify: --ccel is replayed together with a runtime event log: add --event-log FILE");
            return Main.USAGE;
        }
        if (repeat != null && (repeat < 1 || repeat > 10_000_000)) {
            err.println("tdx4j verify: --repeat must be 1..10000000, not " + repeat);
            return Main.USAGE;
        }
        String badSource = source.check(true);
        if (badSource != null) {
            err.println("tdx4j verify: " + badSource + ".");
            return Main.USAGE;
        }
        byte[] quote;
        Optional<TdPolicy> policy;
        QuoteVerifier.Builder builder = QuoteVerifier.builder().caching(!source.noCache);
        Path reading = quoteFile;
        try {
            policy = policyOptions.policy();
            quote = readQuote(quoteFile);
            if (rootFile != null) {
                reading = rootFile;
                builder.trustedRoot(RootFile.read(rootFile));
            }
        } catch (CliFiles.FileFailure e) {
            err.println("tdx4j verify: " + e.getMessage() + ".");
            return Main.USAGE;
        } catch (PolicyOptions.BadPolicy e) {
            err.println("tdx4j verify: " + e.getMessage() + ".");
            return Main.USAGE;
        } catch (IllegalArgumentException e) {
            err.println("tdx4j verify: " + CliPaths.show(reading) + ": " + e.getMessage() + ".");
            return Main.USAGE;
        }
        QuoteVerifier verifier = builder.build();

        VerificationResult result;
        Timing timing = null;
        CollateralSource.Loaded loaded;
        try {
            loaded = source.load(quote);
        } catch (CliFiles.FileFailure | CollateralSource.Unavailable e) {
            err.println("tdx4j verify: " + e.getMessage() + ".");
            return Main.USAGE;
        } catch (IllegalArgumentException e) {
            // Fetching needs the quote's FMSPC; a quote without one fails as verification would.
            result = new VerificationResult.Failed(ErrorCode.MALFORMED_QUOTE, "cannot fetch collateral for this "
                    + "quote: " + e.getMessage(), Optional.empty(), Optional.empty());
            return finish(result, null, time, policy, null, err);
        }
        loaded.notes().forEach(n -> err.println("tdx4j verify: note: " + n + "."));
        if (loaded.collateral().isPresent()) {
            Collateral collateral = loaded.collateral().get();
            result = verifier.verify(quote, collateral, time);
            if (repeat != null) {
                timing = Timing.measure(() -> verifier.verify(quote, collateral, time), Math.max(repeat, WARMUP_MIN), repeat);
            }
        } else {
            result = new VerificationResult.Failed(ErrorCode.MALFORMED_COLLATERAL,
                    loaded.malformed().orElseThrow().getMessage(), Optional.empty(), Optional.empty());
        }
        return finish(result, timing, time, policy, loaded.collateral().orElse(null), err);
    }

    /** Prints the result, the policy's outcome and warnings, and returns the exit code. */
    private int finish(VerificationResult result, Timing timing, Instant time, Optional<TdPolicy> policy,
                       Collateral collateral, PrintWriter err) {
        PolicyOutcome outcome = PolicyOutcome.of(policy, result);
        if (htmlFile != null) {
            try {
                CliFiles.write(htmlFile, VerifyHtml.render(VerifyPage.of(result, collateral, time))
                        .getBytes(StandardCharsets.UTF_8));
            } catch (CliFiles.FileFailure e) {
                err.println("tdx4j verify: " + e.getMessage() + ".");
                return Main.USAGE;
            }
        }
        RuntimeLogReplay.Result replay = null;
        if (eventLog != null && result.decodedQuote().orElse(null) instanceof DecodedQuote.Td td) {
            try {
                replay = RuntimeLogReplay.replay(RuntimeLog.bootValues(ccel), RuntimeLog.read(eventLog, true),
                        td.quote().body().rtmrs().stream().map(Measurement::toByteArray).toList());
            } catch (IOException e) {
                err.println("tdx4j verify: " + e.getMessage());
                return Main.USAGE;
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode log = null;
            if (replay != null) {
                log = JSON.createObjectNode();
                ReplayReport.json(log, replay, eventLog, ccel);
            }
            out.println(json(result, timing, time, outcome, log));
        } else {
            text(out, result, timing, time);
            outcome.text(out);
            if (replay != null) {
                ReplayReport.text(out, replay, eventLog, ccel);
            }
        }
        out.flush();
        outcome.warn(err);
        err.flush();
        boolean logOk = replay == null || replay.matches();
        return result instanceof VerificationResult.Verified && !outcome.failed() && logOk ? Main.OK
                : Main.CHECK_FAILED;
    }

    static Instant parseTime(String s) {
        if (s == null) {
            return Instant.now();
        }
        if (s.matches("-?\\d+")) {
            try {
                return Instant.ofEpochSecond(Long.parseLong(s));
            } catch (NumberFormatException | DateTimeException e) {
                throw new IllegalArgumentException("--at '" + s + "' is beyond the range of epoch seconds");
            }
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--at '" + s + "' is neither epoch seconds nor ISO-8601 "
                    + "(e.g. 2025-07-01T00:00:00Z)");
        }
    }

    /**
     * The quote in {@code file}: binary, hex text, or the output of {@code tdx4j quote --json} ({@link EvidenceText}).
     *
     * @throws IllegalArgumentException if the file is hex or JSON that holds no quote
     */
    static byte[] readQuote(Path file) throws CliFiles.FileFailure {
        EvidenceText.Decoded d = EvidenceText.decode(CliFiles.read(file));
        if (d.encoding() == EvidenceText.Encoding.OTHER_JSON) {
            throw new IllegalArgumentException("is JSON but has no \"quote\" field as tdx4j quote --json prints it");
        }
        return d.bytes();
    }

    private static String json(VerificationResult r, Timing timing, Instant at, PolicyOutcome outcome,
                               ObjectNode eventLog) {
        ObjectNode o = VerificationJson.result(r, at);
        outcome.json(o);
        if (eventLog != null) {
            o.set("eventLog", eventLog);
        }
        if (timing != null) {
            ObjectNode t = o.putObject("timing");
            t.put("iterations", timing.iterations);
            t.put("medianMicros", timing.medianMicros);
            t.put("p90Micros", timing.p90Micros);
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // serializing an in-memory tree of strings and numbers cannot fail
        }
    }

    private static byte[] trailing(DecodedQuote d) {
        return switch (d) {
            case DecodedQuote.Td td -> td.quote().trailingBytes();
            case DecodedQuote.Sgx sgx -> sgx.quote().trailingBytes();
        };
    }

    private static void text(PrintWriter out, VerificationResult r, Timing timing, Instant at) {
        HexFormat hex = HexFormat.of();
        String fmspc = r.platformFmspc().map(f -> ", FMSPC " + f).orElse("");
        r.decodedQuote().ifPresent(d -> {
            switch (d) {
                case DecodedQuote.Td td -> {
                    TdQuoteBody b = td.quote().body();
                    out.println("quote       v" + d.header().version() + ", " + (b.tdx15() ? "TDX 1.5" : "TDX 1.0")
                            + " body" + fmspc);
                    out.println("MRTD        " + b.mrTd().hex());
                    for (int i = 0; i < b.rtmrs().size(); i++) {
                        out.println("RTMR" + i + "       " + b.rtmr(i).hex());
                    }
                    out.println("attributes  " + b.tdAttributes());
                }
                case DecodedQuote.Sgx sgx -> {
                    out.println("quote       v" + d.header().version() + ", SGX enclave" + fmspc);
                    out.println("MRENCLAVE   " + hex.formatHex(sgx.quote().enclaveReport().mrEnclave()));
                    out.println("MRSIGNER    " + hex.formatHex(sgx.quote().enclaveReport().mrSigner()));
                }
            }
            out.println("REPORTDATA  " + hex.formatHex(d.reportData()));
            if (trailing(d).length > 0) {
                out.println("trailing    " + trailing(d).length + " bytes after the signature data (not verified)");
            }
        });
        out.println("time        " + at);
        switch (r) {
            case VerificationResult.Verified v -> {
                out.println("verified    yes");
                out.println("TCB status  " + v.status().jsonName()
                        + (v.advisoryIds().isEmpty() ? "" : "  " + v.advisoryIds()));
                out.println("collateral  " + (v.collateralExpired() ? "EXPIRED: " + v.expiringItem() + " at "
                        : "valid until ") + v.collateralExpiry() + (v.collateralExpired() ? "" : " (" + v.expiringItem() + ")"));
            }
            case VerificationResult.Failed f -> {
                out.println("verified    NO");
                out.println("error       " + f.code());
                out.println("detail      " + f.detail());
            }
        }
        if (timing != null) {
            out.printf("timing      median %d µs, p90 %d µs over %d verifications%n", timing.medianMicros,
                    timing.p90Micros, timing.iterations);
        }
    }

    /** Wall-clock time per verification, after a warm-up that lets the JIT compile the verifier. */
    record Timing(int iterations, long medianMicros, long p90Micros) {
        static Timing measure(Runnable op, int warmup, int iterations) {
            for (int i = 0; i < warmup; i++) {
                op.run();
            }
            long[] nanos = new long[iterations];
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                op.run();
                nanos[i] = System.nanoTime() - t0;
            }
            Arrays.sort(nanos);
            return new Timing(iterations, nanos[(iterations - 1) / 2] / 1000,
                    nanos[(int) Math.ceil(iterations * 0.9) - 1] / 1000);
        }
    }
}
