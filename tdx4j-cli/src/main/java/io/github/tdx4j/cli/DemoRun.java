package io.github.tdx4j.cli;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.format.Measurement;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.verify.QuoteVerifier;
import io.github.tdx4j.attest.verify.TrustedRoot;
import io.github.tdx4j.attest.verify.VerificationResult;
import io.github.tdx4j.sim.quote.SimulatedQuotingService;
import java.time.Instant;
import io.github.tdx4j.attest.format.QuoteHeader;
import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxException;
import io.github.tdx4j.call.TdxPanic;
import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.guest.TdInfo;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.AttestationException;
import io.github.tdx4j.guest.attest.GuestAttestation;
import io.github.tdx4j.guest.memory.PageAcceptor;
import io.github.tdx4j.guest.memory.SharedBuffer;
import io.github.tdx4j.guest.ve.GuestTraceListener;
import io.github.tdx4j.sim.ExecutionResult;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.vmm.MmioTestDevice;
import io.github.tdx4j.sim.vmm.Uart16550;
import io.github.tdx4j.trace.internal.TraceRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The demo's script: a TD's life on the simulated platform, one step at a time, every TDCALL, TDVMCALL and #VE
 * recorded under the step that caused it. {@link DemoCommand} prints it as text or JSON.
 */
final class DemoRun {
    /** The console line, printed one OUT at a time. */
    static final String CONSOLE_LINE = "Hello from inside a TD: each character is an OUT, a #VE and a TDVMCALL.\n";
    /** The interrupt vector the demo's host injects to wake the halted vCPU. */
    static final int WAKE_VECTOR = 0x30;
    /** Where the demo accepts fresh private memory: 512 MiB, just above what the TD accepted at build time. */
    static final long ACCEPT_GPA = 0x2000_0000L;
    static final long ACCEPT_BYTES = 64 * 1024;

    /** One row of a step's timeline: a call or #VE the guest made or took, or an interrupt the VMM posted. */
    sealed interface Row permits Entry, Interrupt {
        /** Whether a #VE handler made it (drawn and printed under the #VE before). */
        boolean nested();

        /** The row as the trace text and the sequence diagram draw it. */
        TraceRow traceRow();
    }

    /** One recorded call or exception, and whether a #VE handler made it. */
    record Entry(TraceEvent event, boolean nested, int step) implements Row {
        @Override
        public TraceRow traceRow() {
            return new TraceRow.Call(event, nested);
        }
    }

    /**
     * An interrupt the VMM posted, as the guest's handler received it: not a call the guest made, so not a
     * {@link TraceEvent}; never nested.
     *
     * @param vector  the interrupt vector, 32..255
     * @param atNanos simulated time of delivery
     */
    record Interrupt(int vector, long atNanos) implements Row {
        @Override
        public boolean nested() {
            return false;
        }

        @Override
        public TraceRow traceRow() {
            return new TraceRow.Interrupt(vector, atNanos);
        }
    }

    /** One step: what it shows, what came out, the calls it made and the interrupts it received, in order. */
    record Step(int number, String title, String explanation, List<String> results, List<Row> timeline) {
        /** The calls and #VEs of the timeline, without the interrupts. */
        List<Entry> events() {
            List<Entry> l = new ArrayList<>();
            for (Row r : timeline) {
                if (r instanceof Entry e) {
                    l.add(e);
                }
            }
            return l;
        }
    }

    /** A check the demo makes on its own results (exit code 2 if one fails). */
    record Check(String name, boolean passed) {
    }

    final List<Step> steps = new ArrayList<>();
    final List<Entry> events = new ArrayList<>();
    /** The interrupts the guest received, in order (they are in the steps' timelines too, not in {@link #events}). */
    final List<Interrupt> interrupts = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    final List<Check> checks = new ArrayList<>();
    String console = "";
    List<byte[]> rtmrs = List.of();
    byte[] reportData = new byte[0];
    byte[] tdReport = new byte[0];
    byte[] quote = new byte[0];
    Map<String, String> quoteFields = Map.of();
    /** The quote decoded, or null if the demo stopped before. */
    Quote decodedQuote;
    TdInfo info;
    long simulatedNanos;
    long wallNanos;
    String failure;
    /** The TCB status the verifier computed for the quote, or null if verification failed. */
    String tcbStatus;
    /** The second part: the same guest on a lying host, under both origin-policy presets. */
    HostileChapter hostile;
    private SimGuest sim;
    private Step current;

    private final GuestTraceListener recorder = new GuestTraceListener() {
        @Override
        public void onEvent(TraceEvent event) {
            record(event, false);
        }

        @Override
        public void onNestedEvent(TraceEvent event) {
            record(event, true);
        }
    };

    private void record(TraceEvent e, boolean nested) {
        Entry entry = new Entry(e, nested, current == null ? 0 : current.number());
        events.add(entry);
        if (current != null) {
            current.timeline().add(entry);
        }
    }

    private void interrupt(int vector) {
        Interrupt i = new Interrupt(vector, sim == null ? 0 : sim.td.nanoTime());
        interrupts.add(i);
        if (current != null) {
            current.timeline().add(i);
        }
    }

    private void step(String title, String explanation) {
        current = new Step(steps.size() + 1, title, explanation, new ArrayList<>(), new ArrayList<>());
        steps.add(current);
    }

    private void result(String format, Object... args) {
        current.results().add(String.format(format, args));
    }

    private void check(String name, boolean passed) {
        checks.add(new Check(name, passed));
        result("%s %s", passed ? "✓" : "✗", name);
    }

    static DemoRun run() {
        DemoRun d = new DemoRun();
        long start = System.nanoTime();
        try {
            d.script();
        } catch (TdxPanic | TdxException e) {
            d.failure = e.getMessage();
            d.checks.add(new Check("the demo ran to the end", false));
        }
        d.wallNanos = System.nanoTime() - start;
        if (d.sim != null) {
            for (Origin o : Origin.values()) {
                if (d.sim.guest.failures().count(o) != 0) {
                    d.warnings.add(o + " failures reported: " + d.sim.guest.failures().count(o));
                }
            }
            d.console = d.sim.td.console();
            d.simulatedNanos = d.sim.td.nanoTime();
        }
        d.hostile = HostileChapter.run();
        return d;
    }

    private void script() {
        HexFormat hex = HexFormat.of();

        step("Boot a TD and detect TDX",
                "CPUID leaf 0x21 says \"IntelTDX    \"; TDG.VP.INFO gives the GPA width (the shared bit is its top "
                        + "bit) and the TD attributes; then the guest clears NOTIFY_ENABLES, checks that SEPT #VE is "
                        + "disabled and asks for fewer #VEs (REDUCE_VE).");
        sim = SimGuest.boot(SimulatedTd.boot(TdConfig.production(), SimSettings.strict()), UnaryOperator.identity(),
                this::interrupt, SimGuest.defaultConfig().withTrace(recorder)
                        .withLog((level, message) -> warnings.add(level + " " + message)));
        TdxGuest guest = sim.guest;
        info = guest.info();
        result("CPUID.0x21           IntelTDX (this is a TD)");
        result("GPAW                 %d -> shared bit 0x%x", info.gpaWidth(), info.sharedMask());
        result("TD attributes        %s", info.attributes());
        result("SEPT #VE disabled    %s", info.septVeDisabled());
        result("NOTIFY_ENABLES := 0  %s", info.notifyCleared());
        result("REDUCE_VE            %s%s", info.reduceVe(), info.enumTopology() ? " (ENUM_TOPOLOGY instead)" : "");

        step("Accept private memory",
                "Memory the host added after the TD was built is 'pending' until the guest accepts it with "
                        + "TDG.MEM.PAGE.ACCEPT, trying 1G, then 2M, then 4K pages.");
        PageAcceptor.Accepted accepted = guest.acceptMemory(ACCEPT_GPA, ACCEPT_GPA + ACCEPT_BYTES);
        result("accepted [0x%x, 0x%x): %s", ACCEPT_GPA, ACCEPT_GPA + ACCEPT_BYTES, accepted.pages());
        byte[] probe = "private".getBytes(StandardCharsets.US_ASCII);
        sim.td.memory().write(ACCEPT_GPA, probe);
        check("the accepted memory reads back what was written",
                Arrays.equals(sim.td.memory().read(ACCEPT_GPA, probe.length), probe));

        step("Print a line on the console",
                "OUT to the UART (port 0x3F8) is not run by the CPU in a TD: it raises a #VE, and the guest's "
                        + "handler sends the byte to the VMM with TDVMCALL<Instruction.IO>.");
        X86 line = X86.code().movEdx(Uart16550.COM1);
        for (byte b : CONSOLE_LINE.getBytes(StandardCharsets.ISO_8859_1)) {
            line.movAl(b).outDxAl();
        }
        result("x86: mov edx, 0x3f8; then for each character: mov al, <char>; out dx, al");
        expectCompleted(sim.run(line.bytes()));
        result("console: %s", sim.td.console().strip());
        check("the UART received the line", sim.td.console().equals(CONSOLE_LINE));

        step("Query CPUID",
                "The TDX module answers most CPUID leaves itself. Only the hypervisor range 0x40000000-0x4FFFFFFF "
                        + "goes to the VMM; any other leaf that reaches the #VE handler reads as zeros, so the "
                        + "untrusted host cannot fake CPU features.");
        result("x86: cpuid, with EAX = leaf and ECX = 0");
        var kvm = sim.cpuid(0x4000_0000, 0);
        byte[] sig = new byte[12];
        for (int i = 0; i < 4; i++) {
            sig[i] = (byte) (kvm.ebx() >>> (8 * i));
            sig[4 + i] = (byte) (kvm.ecx() >>> (8 * i));
            sig[8 + i] = (byte) (kvm.edx() >>> (8 * i));
        }
        result("leaf 0x40000000 (asked the VMM)  max leaf 0x%x, signature \"%s\"", kvm.eax(),
                new String(sig, StandardCharsets.US_ASCII).replace("\0", ""));
        var zero = sim.cpuid(0x24, 0);
        result("leaf 0x24 (not the VMM's)        EAX=%#x EBX=%#x ECX=%#x EDX=%#x", zero.eax(), zero.ebx(), zero.ecx(),
                zero.edx());
        check("a leaf outside the hypervisor range reads as zeros",
                zero.eax() == 0 && zero.ebx() == 0 && zero.ecx() == 0 && zero.edx() == 0);

        step("Read an MSR",
                "RDMSR of IA32_APIC_BASE (0x1B) raises #VE; the handler asks the VMM with "
                        + "TDVMCALL<Instruction.RDMSR> and splits the answer into EDX:EAX.");
        result("x86: rdmsr, with ECX = 0x1b");
        sim.cpu.set(Gpr.RCX, 0x1B);
        expectCompleted(sim.run(X86.code().rdmsr().bytes()));
        long apicBase = (sim.cpu.get(Gpr.RDX) << 32) | sim.cpu.get(Gpr.RAX);
        result("IA32_APIC_BASE = 0x%x (x2APIC %s, enabled %s)", apicBase, (apicBase & (1L << 10)) != 0,
                (apicBase & (1L << 11)) != 0);

        step("Read and write the MMIO device",
                "The device sits at a shared GPA the host does not map, so each access is an EPT-violation #VE. The "
                        + "handler decodes the instruction at RIP, performs the access with TDVMCALL<#VE.RequestMMIO> "
                        + "and advances RIP by the decoded length.");
        long mmio = info.sharedMask() | sim.td.config().mmioBase();
        sim.cpu.set(Gpr.RDI, mmio);
        sim.cpu.set(Gpr.RCX, 0xDEADBEEF_00000000L);
        byte[] mmioCode = X86.code().movMemRdiImm32((int) MmioTestDevice.REG32, 0xC0FFEE42L)
                .movEcxMemRdi((int) MmioTestDevice.REG32).movEaxMemRdi((int) MmioTestDevice.ID_REGISTER).bytes();
        result("x86: mov dword [rdi+0x10], 0xc0ffee42 (7 bytes); mov ecx, [rdi+0x10]; mov eax, [rdi+0x20]; "
                + "RDI = device");
        expectCompleted(sim.run(mmioCode));
        result("device at GPA 0x%x (shared alias of 0x%x)", mmio, sim.td.config().mmioBase());
        result("wrote REG32 := 0xc0ffee42, read back ECX -> RCX = 0x%x", sim.cpu.get(Gpr.RCX));
        result("ID register -> EAX = 0x%x", sim.cpu.get(Gpr.RAX));
        check("a 32-bit MMIO load zero-extends into RCX", sim.cpu.get(Gpr.RCX) == 0xC0FFEE42L);
        check("RIP advanced past all three instructions", sim.cpu.rip() == SimGuest.CODE_GPA + mmioCode.length);

        step("Share a buffer with the host",
                "Private memory is encrypted; to hand data to the VMM the guest converts pages to shared with "
                        + "TDVMCALL<MapGPA>, then back to private (MapGPA again, and TDG.MEM.PAGE.ACCEPT).");
        SharedBuffer buf = guest.sharedMemory().share(1);
        byte[] hello = "hello, VMM".getBytes(StandardCharsets.US_ASCII);
        sim.td.memory().write(buf.sharedGpa(), hello);
        byte[] hostView = new byte[hello.length];
        sim.td.host().memory().read(buf.gpa(), hostView, 0, hostView.length);
        result("page 0x%x is shared; the guest uses it at 0x%x", buf.gpa(), buf.sharedGpa());
        result("the host reads \"%s\"", new String(hostView, StandardCharsets.US_ASCII));
        check("the host sees what the guest wrote to shared memory", Arrays.equals(hostView, hello));
        guest.sharedMemory().unshare(buf);
        result("converted back to private and accepted; quarantined pages: %d", guest.pages().quarantined().size());

        step("Halt and wake",
                "HLT with interrupts off raises #VE and becomes TDVMCALL<Instruction.HLT> with R12 = 1. An idle "
                        + "guest halts with interrupts on (R12 = 0) and the host wakes it with an interrupt.");
        result("x86: cli; hlt  (then the guest's idle path: TDVMCALL<HLT> directly, no #VE)");
        expectCompleted(sim.run(X86.code().cli().hlt().bytes()));
        long t0 = sim.td.nanoTime();
        sim.td.host().schedule(t0 + 250_000, () -> sim.td.host().injectInterrupt(0, WAKE_VECTOR));
        boolean halted = guest.safeHalt();
        long woke = sim.td.nanoTime();
        sim.cpu.setInterruptsEnabled(true);
        expectCompleted(sim.run(new byte[] {(byte) 0x90}));
        result("safe halt at t=%d µs, woke at t=%d µs by vector 0x%x; interrupts received: %d", t0 / 1000,
                woke / 1000, WAKE_VECTOR, guest.interruptsReceived());
        check("the host's interrupt woke the vCPU and reached the guest", halted && guest.interruptsReceived() == 1);

        GuestAttestation att = guest.attestation();
        step("Extend RTMR 2",
                "A runtime measurement register can only be extended: RTMR := SHA-384(RTMR || digest). The guest "
                        + "keeps an event log; replaying it must give the value the TDX module reports.");
        byte[] digest = sha("SHA-384", "tdx4j demo: application v1");
        att.extendRtmr(2, digest, "tdx4j demo: application v1");
        rtmrs = att.rtmrs();
        result("digest  %s", hex.formatHex(digest));
        result("RTMR2   %s", hex.formatHex(rtmrs.get(2)));
        check("replaying the event log gives RTMR2",
                Arrays.equals(GuestAttestation.replay(att.eventLog()).get(2), rtmrs.get(2)));

        step("Get a TDREPORT with a nonce",
                "TDG.MR.REPORT binds 64 bytes of REPORTDATA (here a verifier's nonce) to the TD's measurements, "
                        + "MACed with a key only this platform has.");
        reportData = sha("SHA-512", "tdx4j demo nonce");
        tdReport = att.report(reportData);
        result("REPORTDATA  %s", hex.formatHex(reportData));
        result("MRTD        %s", hex.formatHex(tdReport, TdReportLayout.MRTD_OFFSET,
                TdReportLayout.MRTD_OFFSET + TdReportLayout.MEASUREMENT_SIZE));
        check("REPORTDATA is in the TDREPORT", Arrays.equals(Arrays.copyOfRange(tdReport,
                TdReportLayout.REPORTDATA_OFFSET, TdReportLayout.REPORTDATA_OFFSET + 64), reportData));
        check("the platform accepts the TDREPORT's MAC", sim.td.host().verifyReport(tdReport));

        step("Get a quote",
                "The TDREPORT goes to the quoting service through a 128 KiB shared buffer and TDVMCALL<GetQuote>; "
                        + "the guest polls the buffer's status until the quote is there.");
        long q0 = sim.td.nanoTime();
        try {
            quote = att.quote(reportData);
        } catch (AttestationException e) {
            failure = e.getMessage();
            check("GetQuote returned a quote (" + e.reason() + ", origin " + e.origin() + ")", false);
            return;
        }
        result("quote: %d bytes after %d ms (simulated; the guest polls once a second, as Linux)", quote.length,
                (sim.td.nanoTime() - q0) / 1_000_000);

        step("Verify the quote",
                "A relying party checks the quote the way Intel's DCAP library does: the quote signature with the "
                        + "attestation key, the QE report with the PCK certificate, the PCK chain and CRLs up to a "
                        + "trusted root, then the TCB level from the collateral. The simulated platform has its own "
                        + "root CA and collateral; Intel's production root rejects them. Then the TD body is compared "
                        + "with what the TD reported.");
        SimulatedQuotingService quoting = sim.td.quotingService();
        Collateral collateral = QuoteCollateralV3.parse(
                quoting.collateral().quoteCollateralV3Json().getBytes(StandardCharsets.UTF_8));
        Instant at = Instant.now();
        VerificationResult verdict = QuoteVerifier.builder()
                .trustedRoot(TrustedRoot.of(quoting.pki().rootCertificate())).build()
                .verify(quote, collateral, at);
        VerificationResult intelVerdict = QuoteVerifier.create().verify(quote, collateral, at);
        switch (verdict) {
            case VerificationResult.Verified v -> {
                tcbStatus = v.status().toString();
                result("verified with the simulated root: TCB status %s%s", v.status(),
                        v.collateralExpired() ? " (collateral expired)" : "");
            }
            case VerificationResult.Failed fail -> result("✗ verification failed: %s %s", fail.code(), fail.detail());
        }
        if (intelVerdict instanceof VerificationResult.Failed fail) {
            // Same quote, collateral and time; only the trusted root differs. So when the simulated root accepts,
            // Intel's rejects for one reason: the chains end at the simulated platform's CA, not at Intel's root.
            result(verdict instanceof VerificationResult.Verified
                    ? "with Intel's production root:    rejected: not signed by Intel's root (as expected)"
                    : "with Intel's production root:    rejected (" + fail.code() + ")");
        }
        check("the quote verifies with the simulated root (UpToDate)",
                verdict instanceof VerificationResult.Verified v && v.status() == TcbStatus.UP_TO_DATE);
        check("Intel's production root rejects the simulated quote",
                intelVerdict instanceof VerificationResult.Failed);
        Quote decoded;
        try {
            decoded = Quote.decode(quote);
        } catch (MalformedEvidenceException e) {
            check("the quote decodes (" + e.getMessage() + ")", false);
            return;
        }
        QuoteHeader h = decoded.header();
        TdQuoteBody body = decoded.body();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("version", Integer.toString(h.version()));
        f.put("attestationKeyType", h.attestationKeyType() + (h.attestationKeyType()
                == QuoteHeader.ATT_KEY_TYPE_ECDSA_P256 ? " (ECDSA-256 with P-256)" : ""));
        f.put("teeType", String.format("0x%x%s", h.teeType(), h.teeType() == QuoteHeader.TEE_TYPE_TDX ? " (TDX)" : ""));
        f.put("qeVendorId", hex.formatHex(h.qeVendorId()));
        f.put("body", body.tdx15() ? "TD report, TDX 1.5 (648 bytes)" : "TD report, TDX 1.0 (584 bytes)");
        f.put("teeTcbSvn", hex.formatHex(body.teeTcbSvn()));
        f.put("mrSeam", body.mrSeam().hex());
        f.put("tdAttributes", body.tdAttributes().toString());
        f.put("xfam", String.format("0x%016x", body.xfam()));
        f.put("mrTd", body.mrTd().hex());
        for (int i = 0; i < 4; i++) {
            f.put("rtmr" + i, body.rtmr(i).hex());
        }
        f.put("reportData", hex.formatHex(body.reportData()));
        f.put("signature", decoded.signatureData().signature().length + " bytes, certification data "
                + decoded.signatureData().certificationData().getClass().getSimpleName());
        quoteFields = f;
        decodedQuote = decoded;
        f.forEach((k, v) -> result("%-20s %s", k, v));
        check("the quote carries the nonce as REPORTDATA", Arrays.equals(body.reportData(), reportData));
        check("the quote carries RTMR2", body.rtmr(2).equals(Measurement.of(rtmrs.get(2))));
        check("the quote carries the TD's MRTD", body.mrTd().equals(
                Measurement.of(tdReport, TdReportLayout.MRTD_OFFSET)));
        current = null;
    }

    private void expectCompleted(ExecutionResult r) {
        if (!(r instanceof ExecutionResult.Completed)) {
            checks.add(new Check("instructions ran to completion", false));
            result("✗ the vCPU stopped: %s", r);
        }
    }

    /** Whether every check passed, the hostile chapter's included. */
    boolean passed() {
        return checks.stream().allMatch(Check::passed) && (hostile == null || hostile.passed());
    }

    static byte[] sha(String algorithm, String text) {
        try {
            return MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java SE platform provides " + algorithm, e);
        }
    }
}
