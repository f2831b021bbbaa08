package io.github.tdx4j.cli;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxException;
import io.github.tdx4j.call.TdxPanic;
import io.github.tdx4j.call.policy.OriginPolicy;
import io.github.tdx4j.call.trace.TraceEvent;
import io.github.tdx4j.campaign.Outcome;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.memory.SharedBuffer;
import io.github.tdx4j.guest.ve.GuestTraceListener;
import io.github.tdx4j.sim.ExecutionResult;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.adversary.AdversarialVmm;
import io.github.tdx4j.sim.adversary.Adversary;
import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.FaultyModule;
import io.github.tdx4j.sim.adversary.InputSite;
import io.github.tdx4j.sim.vmm.Uart16550;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's second part: the same guest on a host that lies, played twice on one fixed script, once under each
 * origin-policy preset ({@link OriginPolicy#LINUX_MAINLINE}, {@link OriginPolicy#SEED_REVIEW}), so the two can be
 * read side by side. Each step shows one kind of failure by its origin: VMM errors returned as values (and, under
 * SEED_REVIEW, rate-limited in the log), a lying MapGPA caught and blamed on the VMM, CPUID values refused, an
 * interrupt nobody asked for, a TDX-module failure whose reaction is the policy's choice, and a TDX-module failure of
 * the TDVMCALL mechanism, which is fatal under any policy.
 *
 * <p>The host is the campaign's {@link AdversarialVmm} and the module seam its {@link FaultyModule}, both reading the
 * empty tape (every answer honest) except where the script forces a decision with {@link Adversary#force}: the
 * script names the input site, the fault, its value and how many times. Forced decisions rather than tape bytes
 * because a tape is read one byte per consulted site, so a hand-written tape would silently change meaning whenever
 * a site is consulted in a different order; a forced decision names its site. Nothing else varies (simulated time,
 * fixed values), so both runs are the same on every machine: {@link PolicyRun#traceHash()} proves it.
 */
final class HostileChapter {
    /** The number the chapter's steps carry (13.1, 13.2, ...), after the honest demo's twelve steps. */
    static final int NUMBER = 13;
    /** The presets compared, left to right. */
    static final List<OriginPolicy> POLICIES = List.of(OriginPolicy.LINUX_MAINLINE, OriginPolicy.SEED_REVIEW);
    /** The tape both runs read: empty, so every decision the script does not force is honest. */
    static final FaultTape TAPE = FaultTape.honest();
    /** What the early console prints before the pause; more bytes than the rate limiter's burst of 10. */
    static final String CONSOLE_LINE = "Hello, host? Anyone?";
    /** The pause after it: longer than the rate limiter's 5 s window, so the next warning opens a new window. */
    static final long PAUSE_NANOS = 6_000_000_000L;
    /** The bits the lying CPUID answer puts above the 32 bits CPUID returns (CPUID_MAX_LEAF's value). */
    static final long CPUID_UPPER_BITS = 0xBAD0_C0DEL;
    /** The seed of the garbage the host leaves in registers that are not CPUID's outputs. */
    static final long GARBAGE_SEED = 0x5EED_5EED_5EED_5EEDL;
    /** The hypervisor CPUID leaf the guest asks the host. */
    static final int HYPERVISOR_LEAF = 0x4000_0000;
    /** The vector of the Heckler attack (CVE-2024-25744): the legacy system-call vector, posted by the host. */
    static final int HECKLER_VECTOR = 0x80;

    /**
     * One lie of the script.
     *
     * @param site  where the host (or the module seam) lies
     * @param fault how
     * @param value the fault's value where it takes one, else 0
     * @param times how many consecutive decisions at the site it replaces
     */
    record Lie(InputSite site, Fault fault, long value, int times) {
        /** {@code IO_STATUS <- STATUS_INVALID_OPERAND x21}. */
        String describe() {
            return site + " <- " + fault + (fault.needsValue() ? " 0x" + Long.toHexString(value) : "")
                    + (times == 1 ? "" : " x" + times) + "  (" + site.seam() + ": " + site.description() + ")";
        }
    }

    static final Lie CONSOLE_REFUSED = new Lie(InputSite.IO_STATUS, Fault.STATUS_INVALID_OPERAND, 0,
            CONSOLE_LINE.length() + 1);
    static final Lie MAPGPA_LIE = new Lie(InputSite.MAPGPA_CONVERSION, Fault.MAPGPA_LIE_SUCCESS, 0, 2);
    static final Lie CPUID_WIDE = new Lie(InputSite.CPUID_OUTPUT, Fault.CPUID_MAX_LEAF, CPUID_UPPER_BITS, 1);
    static final Lie GARBAGE = new Lie(InputSite.EXIT_REGISTERS, Fault.GARBAGE_REGISTERS, GARBAGE_SEED, 1);
    static final Lie CPUID_UNDEFINED_STATUS = new Lie(InputSite.CPUID_STATUS, Fault.STATUS_TWO, 0, 1);
    static final Lie HECKLER = new Lie(InputSite.INTERRUPT, Fault.IRQ_0X80, 0, 1);
    static final Lie RTMR_BUSY = new Lie(InputSite.MODULE_RTMR_EXTEND, Fault.MODULE_OPERAND_BUSY, 0, 1);
    static final Lie VMCALL_FAILED = new Lie(InputSite.MODULE_VMCALL, Fault.MODULE_VMCALL_FAILED, 0, 1);

    /** One step of the script: the same on both presets. */
    record StepSpec(int number, String title, String explanation, List<Lie> lies) {
        /** {@code 13.2}. */
        String label() {
            return NUMBER + "." + number;
        }
    }

    static final List<StepSpec> STEPS = List.of(
            new StepSpec(1, "The host refuses console output",
                    "The early console writes each byte with TDVMCALL<Instruction.IO> (no #VE). The host answers "
                            + "every one with an error in R10. A VMM error is a value: the guest counts the byte as "
                            + "lost and goes on. LINUX_MAINLINE returns it without a word; SEED_REVIEW logs it "
                            + "through the kernel's rate limiter (10 lines per 5 s, then \"N callbacks "
                            + "suppressed\" when the next window opens).",
                    List.of(CONSOLE_REFUSED)),
            new StepSpec(2, "MapGPA lies",
                    "The guest converts a page to shared with MapGPA, then back to private. The host answers "
                            + "SUCCESS both times without converting anything, which MapGPA alone cannot reveal. But "
                            + "after converting back, the guest accepts the page, and TDG.MEM.PAGE.ACCEPT finds it "
                            + "still accepted (TDX_PAGE_ALREADY_ACCEPTED): it never left private memory, so the "
                            + "host lied. The guest blames the VMM and quarantines the page instead of reusing it.",
                    List.of(MAPGPA_LIE)),
            new StepSpec(3, "CPUID lies",
                    "The guest asks the host for hypervisor CPUID leaf 0x40000000 twice. First the host puts bits "
                            + "above 32 in every output and garbage in every register that is not an output: the "
                            + "guest keeps the low 32 bits (CPUID writes 32-bit registers) and the call layer "
                            + "scrubs the rest (marked in the register panel). Then the host answers R10 = 2, a "
                            + "status the GHCI does not define: the guest refuses the answer and the instruction "
                            + "faults.",
                    List.of(CPUID_WIDE, GARBAGE, CPUID_UNDEFINED_STATUS)),
            new StepSpec(4, "An interrupt nobody asked for",
                    "After a CPUID exit the host posts vector 0x80, the legacy system-call vector (the Heckler "
                            + "attack, CVE-2024-25744). The guest's handler counts it and does nothing else: an "
                            + "interrupt is not a system call.",
                    List.of(HECKLER)),
            new StepSpec(5, "The TDX module fails a measurement",
                    "TDG.MR.RTMR.EXTEND answers TDX_OPERAND_BUSY. A TDX-module failure of a security-sensitive "
                            + "call: LINUX_MAINLINE warns once and returns the error (the event is not logged, the "
                            + "RTMR is unchanged); SEED_REVIEW stops the TD.",
                    List.of(RTMR_BUSY)),
            new StepSpec(6, "The TDX module fails the TDVMCALL mechanism",
                    "TDCALL(TDG.VP.VMCALL) returns RAX != 0: the module did not even run the call. No policy can "
                            + "make this survivable (Linux: \"TDVMCALL failed. TDX module bug?\"): the TD stops.",
                    List.of(VMCALL_FAILED)));

    /**
     * What one step did under one policy.
     *
     * @param number   the step's number within the chapter
     * @param outcome  how it ended; null when it did not run (the TD had stopped)
     * @param origin   whose fault the failure is; null when nothing failed
     * @param failure  the failure that ended the step (an error thrown, or the panic), or null
     * @param results  what came out, one line each
     * @param log      the guest's log lines written during the step
     * @param timeline the calls, #VEs and interrupts, in order
     */
    record StepRun(int number, Outcome outcome, Origin origin, String failure, List<String> results,
                   List<String> log, List<DemoRun.Row> timeline) {
        /** The calls and #VEs of the timeline, without the interrupts. */
        List<DemoRun.Entry> events() {
            return new DemoRun.Step(number, "", "", results, timeline).events();
        }
    }

    /**
     * The script's run under one policy.
     *
     * @param policy         the preset
     * @param steps          one per {@link #STEPS}, in order
     * @param failures       failures reported per origin, indexed by {@link Origin#ordinal()}
     * @param logLines       lines the guest logged
     * @param sharedMask     the TD's shared bit
     * @param simulatedNanos simulated time at the end
     * @param traceHash      the adversary's trace hash: equal on every machine for the same script
     */
    record PolicyRun(OriginPolicy policy, List<StepRun> steps, long[] failures, long logLines, long sharedMask,
                     long simulatedNanos, long traceHash) {
        /** The step that stopped the TD, or null. */
        StepRun stoppedAt() {
            return steps.stream().filter(s -> s.outcome() == Outcome.FATAL).findFirst().orElse(null);
        }
    }

    final List<PolicyRun> runs = new ArrayList<>();
    final List<DemoRun.Check> checks = new ArrayList<>();

    private HostileChapter() {
    }

    /** Plays the script under each preset, then checks what a reader is told to look for. */
    static HostileChapter run() {
        HostileChapter c = new HostileChapter();
        for (OriginPolicy p : POLICIES) {
            c.runs.add(new Player(p).play());
        }
        c.check();
        return c;
    }

    /** A chapter from runs made elsewhere (a page rendered from a hand-made model). */
    static HostileChapter of(List<PolicyRun> runs, List<DemoRun.Check> checks) {
        HostileChapter c = new HostileChapter();
        c.runs.addAll(runs);
        c.checks.addAll(checks);
        return c;
    }

    boolean passed() {
        return checks.stream().allMatch(DemoRun.Check::passed);
    }

    private void check() {
        PolicyRun linux = runs.get(0);
        PolicyRun seed = runs.get(1);
        for (PolicyRun r : runs) {
            checks.add(new DemoRun.Check(r.policy().name() + ": no VMM failure stopped the TD",
                    r.steps().stream().noneMatch(s -> s.outcome() == Outcome.FATAL && s.origin() == Origin.VMM)));
            checks.add(new DemoRun.Check(r.policy().name() + ": the lying MapGPA is blamed on the VMM",
                    r.steps().get(1).outcome() == Outcome.ERROR && r.steps().get(1).origin() == Origin.VMM));
        }
        checks.add(new DemoRun.Check("LINUX_MAINLINE returns the console errors without logging",
                linux.steps().get(0).log().isEmpty()));
        checks.add(new DemoRun.Check("SEED_REVIEW rate-limits the console errors (\"callbacks suppressed\")",
                seed.steps().get(0).log().stream().anyMatch(l -> l.contains("callbacks suppressed"))));
        checks.add(new DemoRun.Check("the RTMR failure is an error under LINUX_MAINLINE and fatal under SEED_REVIEW",
                linux.steps().get(4).outcome() == Outcome.ERROR && seed.steps().get(4).outcome() == Outcome.FATAL
                        && linux.steps().get(4).origin() == Origin.TDX_MODULE
                        && seed.steps().get(4).origin() == Origin.TDX_MODULE));
        checks.add(new DemoRun.Check("the TDVMCALL mechanism failure stops the TD under LINUX_MAINLINE",
                linux.steps().get(5).outcome() == Outcome.FATAL && linux.steps().get(5).origin() == Origin.TDX_MODULE));
    }

    /** One run of the script under one policy. */
    private static final class Player {
        private final OriginPolicy policy;
        private final Adversary adversary = new Adversary(TAPE);
        private final List<String> log = new ArrayList<>();
        private List<DemoRun.Row> timeline;
        private List<String> results;
        private SimGuest sim;

        Player(OriginPolicy policy) {
            this.policy = policy;
        }

        PolicyRun play() {
            GuestTraceListener recorder = new GuestTraceListener() {
                @Override
                public void onEvent(TraceEvent event) {
                    add(new DemoRun.Entry(event, false, 0));
                }

                @Override
                public void onNestedEvent(TraceEvent event) {
                    add(new DemoRun.Entry(event, true, 0));
                }
            };
            SimulatedTd td = SimulatedTd.boot(TdConfig.production(), SimSettings.strict(),
                    AdversarialVmm.factory(adversary, null));
            sim = SimGuest.boot(td, module -> new FaultyModule(module, adversary),
                    vector -> add(new DemoRun.Interrupt(vector, td.nanoTime())),
                    SimGuest.defaultConfig().withPolicy(policy).withTrace(recorder)
                            .withLog((level, message) -> log.add(level + " " + message)));
            List<StepRun> steps = new ArrayList<>();
            boolean stopped = false;
            int stopStep = 0;
            for (StepSpec spec : STEPS) {
                if (stopped) {
                    steps.add(new StepRun(spec.number(), null, null, null, List.of("not run: the TD stopped in "
                            + STEPS.get(stopStep - 1).label()), List.of(), List.of()));
                    continue;
                }
                StepRun r = step(spec);
                steps.add(r);
                stopped = r.outcome() == Outcome.FATAL;
                stopStep = spec.number();
            }
            long[] failures = new long[Origin.values().length];
            for (Origin o : Origin.values()) {
                failures[o.ordinal()] = sim.guest.failures().count(o);
            }
            return new PolicyRun(policy, List.copyOf(steps), failures, sim.guest.failures().logLines(),
                    sim.guest.info().sharedMask(), td.nanoTime(), adversary.traceHash());
        }

        private void add(DemoRun.Row row) {
            if (timeline != null) {
                timeline.add(row);
            }
        }

        private StepRun step(StepSpec spec) {
            timeline = new ArrayList<>();
            results = new ArrayList<>();
            int logBefore = log.size();
            long[] before = counts();
            Outcome outcome;
            Origin origin;
            String failure = null;
            try {
                switch (spec.number()) {
                    case 1 -> console();
                    case 2 -> mapGpa();
                    case 3 -> cpuid();
                    case 4 -> heckler();
                    case 5 -> rtmr();
                    case 6 -> vmcallMechanism();
                    default -> throw new IllegalStateException("no step " + spec.number());
                }
                origin = firstIncrease(before, counts());
                outcome = origin == null ? Outcome.HANDLED : Outcome.ERROR;
            } catch (TdxPanic p) {
                failure = p.failure().toString();
                outcome = Outcome.FATAL;
                origin = p.origin();
            } catch (TdxException e) {
                failure = e.failure().toString();
                outcome = Outcome.ERROR;
                origin = e.origin();
            }
            StepRun r = new StepRun(spec.number(), outcome, origin, failure, List.copyOf(results),
                    List.copyOf(log.subList(logBefore, log.size())), List.copyOf(timeline));
            timeline = null;
            return r;
        }

        private long[] counts() {
            long[] c = new long[Origin.values().length];
            for (Origin o : Origin.values()) {
                c[o.ordinal()] = sim.guest.failures().count(o);
            }
            return c;
        }

        /** The origin whose failure count grew, most serious first; null if none did. */
        private static Origin firstIncrease(long[] before, long[] after) {
            for (Origin o : List.of(Origin.TDX_MODULE, Origin.GUEST_BUG, Origin.VMM)) {
                if (after[o.ordinal()] > before[o.ordinal()]) {
                    return o;
                }
            }
            return null;
        }

        private void result(String format, Object... args) {
            results.add(String.format(format, args));
        }

        private void lie(Lie l) {
            adversary.force(l.site(), l.fault(), l.value(), l.times());
        }

        private long vmmFailures() {
            return sim.guest.failures().count(Origin.VMM);
        }

        private void console() {
            lie(CONSOLE_REFUSED);
            TdxGuest guest = sim.guest;
            long before = vmmFailures();
            guest.portIo().print(Uart16550.COM1, CONSOLE_LINE);
            result("printed \"%s\" (%d bytes): %d failures [VMM], each returned as a value; the TD goes on",
                    CONSOLE_LINE, CONSOLE_LINE.length(), vmmFailures() - before);
            try {
                sim.td.sleep(PAUSE_NANOS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the simulated TD slept", e);
            }
            long second = vmmFailures();
            guest.portIo().print(Uart16550.COM1, "\n");
            result("%d s later, one more byte: %d more failure [VMM]", PAUSE_NANOS / 1_000_000_000L,
                    vmmFailures() - second);
        }

        private void mapGpa() {
            TdxGuest guest = sim.guest;
            lie(MAPGPA_LIE);
            SharedBuffer buffer = guest.sharedMemory().share(1);
            result("page 0x%x \"shared\": the host answered TDVMCALL_STATUS_SUCCESS", buffer.gpa());
            try {
                guest.sharedMemory().unshare(buffer);
                result("✗ the page came back as if converted");
            } finally {
                result("quarantined pages: %d (never handed out again)", guest.pages().quarantined().size());
            }
        }

        private void cpuid() {
            lie(CPUID_WIDE);
            lie(GARBAGE);
            var r = sim.cpuid(HYPERVISOR_LEAF, 0);
            result("leaf 0x%x, lying answer: EAX=0x%x EBX=0x%x ECX=0x%x EDX=0x%x (only the low 32 bits of each "
                    + "reached the registers)", HYPERVISOR_LEAF, r.eax(), r.ebx(), r.ecx(), r.edx());
            lie(CPUID_UNDEFINED_STATUS);
            sim.cpu.set(Gpr.RAX, HYPERVISOR_LEAF);
            sim.cpu.set(Gpr.RCX, 0);
            ExecutionResult e = sim.run(X86.cpuid());
            if (e instanceof ExecutionResult.Faulted f) {
                result("leaf 0x%x, undefined status: the CPUID instruction faulted: %s", HYPERVISOR_LEAF,
                        f.failure());
            } else {
                result("✗ leaf 0x%x, undefined status: the CPUID instruction completed", HYPERVISOR_LEAF);
            }
        }

        private void heckler() {
            lie(HECKLER);
            long before = sim.guest.interruptsReceived();
            sim.cpu.setInterruptsEnabled(true);
            sim.cpu.set(Gpr.RAX, HYPERVISOR_LEAF);
            sim.cpu.set(Gpr.RCX, 0);
            // cpuid (0F A2), then nop (90): the interrupt posted during CPUID's exit is delivered before the nop.
            ExecutionResult e = sim.run(new byte[] {0x0F, (byte) 0xA2, (byte) 0x90});
            sim.cpu.setInterruptsEnabled(false);
            result("x86: cpuid; nop with interrupts enabled -> %s",
                    e instanceof ExecutionResult.Completed ? "completed" : e.toString());
            result("interrupts received: %d (vector 0x%x); the guest's handler only counted it",
                    sim.guest.interruptsReceived() - before, HECKLER_VECTOR);
        }

        private void rtmr() {
            lie(RTMR_BUSY);
            var attestation = sim.guest.attestation();
            byte[] digest = DemoRun.sha("SHA-384", "tdx4j demo: hostile host");
            int logged = attestation.eventLog().size();
            try {
                attestation.extendRtmr(2, digest, "tdx4j demo: hostile host");
            } finally {
                result("event log entries added: %d", attestation.eventLog().size() - logged);
            }
        }

        private void vmcallMechanism() {
            lie(VMCALL_FAILED);
            sim.guest.portIo().outb(Uart16550.COM1, '!');
            result("✗ the TDVMCALL came back");
        }
    }
}
