package io.github.tdx4j.campaign;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.sim.StopReason;
import io.github.tdx4j.sim.adversary.Decision;
import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.InputSite;
import java.util.List;

/**
 * The origin oracle ({@link Oracle#WRONG_ORIGIN}), per operation: a failure's origin must be explained by a fault of
 * that seam injected during the same operation (or by an earlier fault whose effect outlives it), and its site must
 * name the operation; plus the failure counts by origin the operation runner classifies outcomes with.
 */
final class OriginOracle {
    private OriginOracle() {
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
}
