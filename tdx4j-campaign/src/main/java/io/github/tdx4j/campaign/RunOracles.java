package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.Sensitivity;
import io.github.tdx4j.call.TdxException;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxPanic;
import io.github.tdx4j.call.TdxTransport;
import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.call.platform.GuestPlatform;
import io.github.tdx4j.call.platform.InterruptHandler;
import io.github.tdx4j.call.platform.VeHandler;
import io.github.tdx4j.call.policy.NanoClock;
import io.github.tdx4j.call.policy.OriginPolicy;
import io.github.tdx4j.call.policy.Reaction;
import io.github.tdx4j.guest.CpuidInstruction;
import io.github.tdx4j.guest.GuestConfig;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.GuestAttestation;
import io.github.tdx4j.guest.attest.QuoteOptions;
import io.github.tdx4j.guest.io.PortSize;
import io.github.tdx4j.guest.memory.MemoryConversionException;
import io.github.tdx4j.guest.memory.PageAcceptor;
import io.github.tdx4j.guest.memory.SharedBuffer;
import io.github.tdx4j.sim.ExecutionResult;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.StopReason;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.TdStopped;
import io.github.tdx4j.sim.Vcpu;
import io.github.tdx4j.sim.adversary.Adversary;
import io.github.tdx4j.sim.adversary.Decision;
import io.github.tdx4j.sim.adversary.AdversarialVmm;
import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.FaultyModule;
import io.github.tdx4j.sim.adversary.InputSite;
import io.github.tdx4j.sim.vmm.HostMemory;
import io.github.tdx4j.sim.vmm.VmcallExit;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The oracles of {@link Oracle} as checks on one {@link CampaignRun}: the origin of each failure, the register diff
 * after each vCPU operation, canaries that must never reach the VMM, shared memory, a quote or a log, and at the end
 * of the run the page states, the RTMR event log and the log volume.
 */
final class RunOracles {
    private RunOracles() {
    }

    /**
     * The origin oracle: a VMM failure needs a VMM fault (or the misconfigured TD the host chose), a TDX-module
     * failure a module fault. A guest bug is explained only by the module itself blaming the guest's operand
     * (TDX_OPERAND_INVALID, which the guest reports as its own, as Linux does with -EINVAL), or by the simulator's
     * deviation C5 (tdx4j-sim/DEVIATIONS.md) after a MapGPA the host claimed and did not do.
     */
    static void checkOrigin(CampaignRun run, Outcome outcome, Origin origin, String site) {
        boolean explained = switch (origin) {
            case VMM -> faultsNow(run, Origin.VMM) > 0 || deferredVmmFault(run)
                    || run.td.config().equals(CampaignRun.SEPT_VE_ENABLED);
            case TDX_MODULE -> faultsNow(run, Origin.TDX_MODULE) > 0;
            case GUEST_BUG -> run.expectGuestBug || injected(run, Fault.MODULE_OPERAND_INVALID)
                    || "tdx.memory.access".equals(site) && run.adv.consulted(InputSite.MAPGPA_CONVERSION) > 0
                    && (injected(run, Fault.MAPGPA_LIE_SUCCESS) || injected(run, Fault.MAPGPA_PARTIAL_THEN_FAIL)
                    || injected(run, Fault.MAPGPA_FAIL_AFTER_CONVERT));
        };
        if (!explained) {
            run.violation(Oracle.WRONG_ORIGIN, outcome + " with origin " + origin + " at " + site
                    + " but the faults injected during " + run.op + " were "
                    + run.adv.faults().subList(run.opFaultStart, run.adv.faults().size()));
        }
        if (site != null && !siteBelongs(run.op, site)) {
            run.violation(Oracle.WRONG_ORIGIN, "the failure's site " + site + " does not name operation " + run.op);
        }
    }

    /** Faults of {@code seam} injected during the current operation. */
    private static int faultsNow(CampaignRun run, Origin seam) {
        int n = 0;
        List<Decision> all = run.adv.faults();
        for (int i = run.opFaultStart; i < all.size(); i++) {
            if (all.get(i).site().seam() == seam) {
                n++;
            }
        }
        return n;
    }

    /**
     * A VMM fault of an earlier operation whose effect can outlive it: an interrupt (delayed or pending), a GetQuote
     * the host completes late or never (the next request finds the buffer busy), a MapGPA lie (pages in an unknown
     * state, quarantined).
     */
    private static boolean deferredVmmFault(CampaignRun run) {
        List<Decision> all = run.adv.faults();
        for (int i = 0; i < run.opFaultStart; i++) {
            InputSite s = all.get(i).site();
            if (s == InputSite.INTERRUPT || s.name().startsWith("GETQUOTE_") || s.name().startsWith("MAPGPA_")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a failure site names the operation that failed: each operation's own sites (tdx4j-guest's site
     * names), the call layer's ({@code tdx.tdcall}, {@code tdx.check.}) anywhere, and anything at boot.
     */
    static boolean siteBelongs(String op, String site) {
        if (op.equals("boot") || op.equals("end of run") || site.startsWith("tdx.tdcall")
                || site.startsWith("tdx.check.")) {
            return true;
        }
        String[] prefixes = switch (CampaignRun.Op.valueOf(op)) {
            case PORT_IN, PORT_OUT, MMIO_READ, MMIO_WRITE, CPUID_HYPERVISOR, CPUID_OTHER, RDMSR, WRMSR, HLT ->
                    new String[] {"tdx.ve."};
            case DIRECT_PORT_IN, DIRECT_PORT_OUT -> new String[] {"tdx.pio."};
            case SAFE_HALT -> new String[] {"tdx.halt."};
            case SHARE, UNSHARE -> new String[] {"tdx.mapgpa.", "tdx.unshare.", "tdx.pages.", "tdx.memory.",
                "tdx.accept."};
            case ACCEPT -> new String[] {"tdx.accept."};
            case REPORT -> new String[] {"tdx.report"};
            case EXTEND -> new String[] {"tdx.rtmr."};
            case QUOTE -> new String[] {"tdx.getquote.", "tdx.report", "tdx.mapgpa.", "tdx.pages.", "tdx.memory.",
                "tdx.accept."};
            case VMCALL_PROBE, SIM_PROBE, SLEEP, WAIT_WINDOW -> new String[] {"tdx."};
        };
        for (String p : prefixes) {
            if (site.startsWith(p)) {
                return true;
            }
        }
        // An interrupt the VMM posts can arrive in any operation and is handled where it lands.
        return site.startsWith("tdx.irq") || site.startsWith("tdx.ve.mmio.private-gpa");
    }

    /**
     * Per-operation rules that need the whole operation: MapGPA gives up after exactly
     * {@link SpecTables#MAPGPA_NO_PROGRESS_RETRIES} RETRY answers without progress; a GetQuote timeout is reported
     * exactly at the deadline (neither a sleep past it nor an early give-up).
     */
    static void checkOperation(CampaignRun run, Outcome outcome, TdxFailure failure) {
        if (run.op.equals("QUOTE")) {
            run.lastQuoteTimedOut = failure != null && failure.site().equals("tdx.getquote.timeout");
        }
        if (failure == null) {
            return;
        }
        if (failure.site().equals("tdx.mapgpa.no-progress")
                && run.mapGpaSameStart != SpecTables.MAPGPA_NO_PROGRESS_RETRIES) {
            run.violation(Oracle.WRONG_ORIGIN, "MapGPA gave up after " + run.mapGpaSameStart + " calls at the same "
                    + "start; GHCI/Linux: exactly " + SpecTables.MAPGPA_NO_PROGRESS_RETRIES + " RETRY without progress");
        }
        if (failure.site().equals("tdx.getquote.timeout") && run.quoteReturnNanos >= 0) {
            long waited = run.td.nanoTime() - run.quoteReturnNanos;
            long timeout = run.quoteOptions.timeoutNanos();
            if (waited != timeout) {
                run.violation(Oracle.CORRUPTION, String.format("GetQuote timed out after %d ns, the timeout is %d ns "
                        + "(poll %d ns)", waited, timeout, run.quoteOptions.pollNanos()));
            }
        }
    }

    /** After every TDCALL the guest makes: when GetQuote returned, for the deadline check. */
    static void afterTdcall(CampaignRun run, Registers in, Registers out) {
        if (in.rax() == 0 && in.r10() == 0 && in.r11() == TdvmcallSubFunction.GET_QUOTE.raw()) {
            run.quoteReturnNanos = run.td.nanoTime();
        }
    }

    private static boolean injected(CampaignRun run, Fault f) {
        for (Decision d : run.adv.faults()) {
            if (d.fault() == f) {
                return true;
            }
        }
        return false;
    }

    static Origin stopOrigin(StopReason r) {
        return switch (r.kind()) {
            case UNRESOLVED_EPT_VIOLATION, VMM_STOPPED -> Origin.VMM;
            case FATAL_ERROR, DOUBLE_FAULT, NO_VE_HANDLER -> Origin.GUEST_BUG;
        };
    }

    static long[] failureCounts(CampaignRun run) {
        if (run.guest == null) {
            return new long[3];
        }
        return new long[] {run.guest.failures().count(Origin.GUEST_BUG), run.guest.failures().count(Origin.TDX_MODULE),
                run.guest.failures().count(Origin.VMM)};
    }

    static Origin firstIncrease(long[] before, long[] after) {
        if (after[2] > before[2]) {
            return Origin.VMM;
        }
        if (after[1] > before[1]) {
            return Origin.TDX_MODULE;
        }
        if (after[0] > before[0]) {
            return Origin.GUEST_BUG;
        }
        return null;
    }

    /**
     * The register diff oracle: after the operation every register must hold exactly what the architectural model
     * in {@code expected} says (the operands it writes, from the VMM's answer masked and extended; all others
     * untouched). A #VE fault leaves the registers as the handler's error path defines them.
     */
    static boolean checkRegisters(CampaignRun run, ExecutionResult r, long[] expected) {
        if (r instanceof ExecutionResult.Faulted f) {
            run.opFailure = f.failure();
        }
        if (r instanceof ExecutionResult.StepLimit s) {
            throw new BoundedPlatform.HangDetected("vCPU instruction bound reached at RIP 0x"
                    + Long.toHexString(s.rip()));
        }
        for (Gpr g : Gpr.values()) {
            long got = run.cpu.get(g);
            if (got != expected[g.number()]) {
                run.violation(Oracle.CORRUPTION, String.format("%s = 0x%x after the operation, architecturally 0x%x",
                        g, got, expected[g.number()]));
            }
        }
        return switch (r) {
            case ExecutionResult.Completed c -> true;
            case ExecutionResult.Faulted f -> {
                if (f.fault() != ExecutionResult.Fault.VE_FAULT) {
                    throw new BoundedPlatform.FaultWithOrigin(f.failure());
                }
                yield false;
            }
            case ExecutionResult.StepLimit s -> false;
        };
    }

    static long canary(int where) {
        return CampaignRun.CANARY_PREFIX | where;
    }

    static boolean isCanary(long v) {
        return (v & CampaignRun.CANARY_MASK) == CampaignRun.CANARY_PREFIX;
    }

    static void plantPrivateCanaries(CampaignRun run) {
        // One page write instead of 512 8-byte writes: the simulator checks the page once, not 4,096 times.
        run.td.memory().write(CampaignRun.STACK_GPA, CANARY_PAGE);
    }

    /** The stack page's content: 512 little-endian canaries, slot i naming where 0x80 | (i & 0x3F). */
    private static final byte[] CANARY_PAGE = canaryPage();

    private static byte[] canaryPage() {
        ByteBuffer b = ByteBuffer.allocate(GuestMemory.PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < GuestMemory.PAGE_SIZE / Long.BYTES; i++) {
            b.putLong(canary(0x80 | (i & 0x3F)));
        }
        return b.array();
    }

    /** What the VMM sees at each TDVMCALL exit: no register may hold a canary (the "no leak" oracle). */
    static void onExit(CampaignRun run, VmcallExit exit) {
        run.exits++;
        if (run.bufferGpa < 0 && exit.r10() == 0 && exit.r11() == 0x10002) {
            run.bufferGpa = exit.r12();
        }
        long sharedBit = run.td.config().sharedBit();
        if (run.op.equals("QUOTE") && exit.r10() == 0 && exit.r11() == 0x10001 && (exit.r12() & sharedBit) != 0) {
            run.quoteBuffers.add(new long[] {exit.r12() & ~sharedBit, (exit.r12() & ~sharedBit) + exit.r13()});
        }
        for (int i = 0; i < 16; i++) {
            if (isCanary(exit.get(i))) {
                run.violation(Oracle.LEAK, String.format("the VMM saw canary 0x%x in %s of sub-function 0x%x",
                        exit.get(i), Gpr.ofNumber(i), exit.r11()));
            }
        }
        run.guestOps.probes.onExit(exit);
        if (run.guestOps.probes.inSimProbe()) {
            return;
        }
        if (exit.gprSelect().raw() != Probes.LINUX_EXPOSE_MASK) {
            run.violation(Oracle.CALLER_REGISTERS, String.format("the guest exposed %s to the VMM; Linux's "
                    + "TDVMCALL_EXPOSE_REGS_MASK is 0x%x", exit.gprSelect(), Probes.LINUX_EXPOSE_MASK));
        }
        if (exit.r10() != 0) {
            return;
        }
        long fn = exit.r11();
        if (fn == TdvmcallSubFunction.INSTRUCTION_IO.raw()) {
            checkIoExit(run, exit);
        } else if (fn == TdvmcallSubFunction.VE_REQUEST_MMIO.raw()) {
            checkMmioExit(run, exit);
        } else if (fn == TdvmcallSubFunction.MAP_GPA.raw()) {
            if (exit.r12() == run.mapGpaStart) {
                run.mapGpaSameStart++;
            } else {
                run.mapGpaStart = exit.r12();
                run.mapGpaSameStart = 1;
            }
            if (run.mapGpaSameStart > SpecTables.MAPGPA_NO_PROGRESS_RETRIES) {
                run.violation(Oracle.WRONG_ORIGIN, String.format("MapGPA called %d times in a row at 0x%x; after %d "
                        + "RETRY answers without progress the conversion must fail", run.mapGpaSameStart, exit.r12(),
                        SpecTables.MAPGPA_NO_PROGRESS_RETRIES));
            }
        } else if (fn == TdvmcallSubFunction.GET_QUOTE.raw() && run.hostHoldsQuoteBuffer) {
            run.violation(Oracle.CORRUPTION, "GetQuote sent again while the host still holds the buffer "
                    + "(GET_QUOTE_IN_FLIGHT from a request that timed out)");
        }
    }

    /** Instruction.IO as the operation announced it: R12 size, R13 direction, R14 port, R15 the OUT value. */
    private static void checkIoExit(CampaignRun run, VmcallExit exit) {
        if (run.expectPort < 0) {
            return;
        }
        boolean out = run.expectOutValue >= 0;
        if (exit.r12() != run.expectIoBytes || exit.r13() != (out ? 1 : 0) || exit.r14() != run.expectPort) {
            run.violation(Oracle.CORRUPTION, String.format("Instruction.IO R12=%d R13=%d R14=0x%x, the instruction "
                    + "was %s of %d bytes at port 0x%x", exit.r12(), exit.r13(), exit.r14(), out ? "OUT" : "IN",
                    run.expectIoBytes, run.expectPort));
        } else if (out && exit.r15() != run.expectOutValue) {
            run.violation(Oracle.LEAK, String.format("OUT of %d bytes sent R15=0x%x; only 0x%x may leave the TD",
                    run.expectIoBytes, exit.r15(), run.expectOutValue));
        }
        run.expectPort = -1;
    }

    /** #VE.RequestMMIO as decoded from the instruction by the campaign's own table: size, direction, value. */
    private static void checkMmioExit(CampaignRun run, VmcallExit exit) {
        if (run.expectMmioBytes == 0) {
            return;
        }
        if (exit.r12() != run.expectMmioBytes || exit.r13() != (run.expectMmioIsWrite ? 1 : 0)) {
            run.violation(Oracle.CORRUPTION, String.format("#VE.RequestMMIO R12=%d R13=%d, the instruction %s %d "
                    + "bytes", exit.r12(), exit.r13(), run.expectMmioIsWrite ? "writes" : "reads",
                    run.expectMmioBytes));
        } else if (run.expectMmioIsWrite && exit.r15() != run.expectMmioWrite) {
            run.violation(Oracle.CORRUPTION, String.format("MMIO write sent R15=0x%x, the instruction stores 0x%x",
                    exit.r15(), run.expectMmioWrite));
        } else if (!run.expectMmioIsWrite && exit.r15() != 0) {
            run.violation(Oracle.LEAK, String.format("MMIO read sent R15=0x%x to the VMM; a read sends 0",
                    exit.r15()));
        }
        run.expectMmioBytes = 0;
    }

    /** Canaries are planted 8-byte aligned and every copy the guest makes keeps that alignment; scan by 8. */
    static void scanForCanaries(CampaignRun run, byte[] b, String where) {
        for (int i = 0; i + 8 <= b.length; i += 8) {
            long v = 0;
            for (int j = 7; j >= 0; j--) {
                v = (v << 8) | (b[i + j] & 0xFF);
            }
            if (isCanary(v)) {
                run.violation(Oracle.LEAK, "canary 0x" + Long.toHexString(v) + " in " + where + " at offset " + i);
                return;
            }
        }
    }

    static void finish(CampaignRun run) {
        run.op = "end of run";
        HostMemory host = run.td.host().memory();
        long poolEnd = CampaignRun.POOL_GPA + CampaignRun.POOL_BYTES;
        for (long g = CampaignRun.POOL_GPA; g < poolEnd; g += GuestMemory.PAGE_SIZE) {
            boolean hostShared = host.isShared(g);
            if (hostShared) {
                for (long a = g; a < g + GuestMemory.PAGE_SIZE; a += 8) {
                    if (isCanary(host.readLong(a))) {
                        run.violation(Oracle.LEAK, "canary in shared page 0x" + Long.toHexString(a));
                        break;
                    }
                }
            }
            // After a panic the TD is gone and no page is ever used again; otherwise pages in an unknown state must be
            // quarantined (GuestPages: never handed out again).
            if (!run.dead && run.guest != null && hostShared && !believedShared(run, g)
                    && !run.guest.pages().isQuarantined(g)) {
                run.violation(Oracle.CORRUPTION, String.format("page 0x%x is shared but the guest believes it private "
                        + "and did not quarantine it", g));
            }
        }
        for (String line : run.logLines) {
            if (line.toLowerCase(Locale.ROOT).contains(CampaignRun.CANARY_HEX)) {
                run.violation(Oracle.LEAK, "canary in log line: " + line);
            }
        }
        checkLogVolume(run);
        if (run.guest != null && !run.td.isStopped()) {
            List<byte[]> replayed = GuestAttestation.replay(run.guest.attestation().eventLog());
            for (int i = 0; i < TdReportLayout.RTMR_COUNT; i++) {
                if (!Arrays.equals(replayed.get(i), run.td.rtmr(i))) {
                    run.violation(Oracle.CORRUPTION, "the RTMR event log does not replay to RTMR" + i);
                }
            }
        }
        run.adv.trace("end", run.violations.size());
    }

    private static boolean believedShared(CampaignRun run, long gpa) {
        for (SharedBuffer b : run.shared) {
            if (gpa >= b.gpa() && gpa < b.gpa() + b.bytes()) {
                return true;
            }
        }
        for (long[] q : run.quoteBuffers) {
            if (gpa >= q[0] && gpa < q[1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Bounded logs (the "bounded logs" oracle): per site, a warn-once reaction allows one line, a rate-limited one
     * {@code burst} lines per window plus one "callbacks suppressed" line per window, an error return none; at
     * most one fatal line per run.
     */
    private static void checkLogVolume(CampaignRun run) {
        Map<String, Integer> perSite = new HashMap<>();
        Map<String, Origin> originOf = new HashMap<>();
        int fatal = 0;
        for (String line : run.logLines) {
            if (line.startsWith("tdx4j: fatal: ")) {
                fatal++;
                continue;
            }
            String site;
            if (line.startsWith("tdx4j: [")) {
                int close = line.indexOf(']');
                Origin o = Origin.valueOf(line.substring(8, close));
                site = line.substring(close + 2, line.indexOf(':', close));
                originOf.put(site, o);
            } else {
                site = line.substring(0, line.indexOf(':')) + " (suppressed)";
            }
            perSite.merge(site, 1, Integer::sum);
        }
        if (fatal > 1) {
            run.violation(Oracle.UNBOUNDED_LOG, fatal + " fatal lines in one run");
        }
        long windows = 1 + run.td.nanoTime() / SpecTables.RATE_LIMIT_INTERVAL_NANOS;
        checkBurstAtOneInstant(run);
        for (var e : perSite.entrySet()) {
            Origin o = originOf.get(e.getKey());
            long bound = o == null ? windows : allowed(run, o, windows);
            if (e.getValue() > bound) {
                run.violation(Oracle.UNBOUNDED_LOG, e.getKey() + " logged " + e.getValue() + " lines, bound " + bound);
            }
        }
    }

    /**
     * The rate limiter's burst, exactly: lines of one site written at the same simulated instant all fall in one
     * window (a window begins at a call, and later calls at that instant are inside it), so there are at most
     * {@link SpecTables#RATE_LIMIT_BURST} of them.
     */
    private static void checkBurstAtOneInstant(CampaignRun run) {
        Map<String, Integer> atInstant = new HashMap<>();
        for (int i = 0; i < run.logLines.size(); i++) {
            String line = run.logLines.get(i);
            if (!line.startsWith("tdx4j: [")) {
                continue;
            }
            int close = line.indexOf(']');
            String key = line.substring(close + 2, line.indexOf(':', close)) + "@" + run.logTimes.get(i);
            int n = atInstant.merge(key, 1, Integer::sum);
            if (n == SpecTables.RATE_LIMIT_BURST + 1) {
                run.violation(Oracle.UNBOUNDED_LOG, key + " logged more than " + SpecTables.RATE_LIMIT_BURST
                        + " lines at one instant, the rate limiter's burst");
            }
        }
    }

    private static long allowed(CampaignRun run, Origin o, long windows) {
        long most = 0;
        for (Sensitivity s : Sensitivity.values()) {
            Reaction r = run.preset.reaction(o, s);
            long n = switch (r) {
                case WARN_ONCE -> 1;
                case RATE_LIMITED -> (long) SpecTables.RATE_LIMIT_BURST * windows;
                case ERROR_RETURN, FATAL -> 0;
            };
            most = Math.max(most, n);
        }
        return most;
    }
}
