package io.github.tdx4j.cli;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.campaign.CampaignReport;
import io.github.tdx4j.campaign.CampaignRun;
import io.github.tdx4j.campaign.Oracle;
import io.github.tdx4j.campaign.Outcome;
import io.github.tdx4j.campaign.RunResult;
import io.github.tdx4j.campaign.RunSpec;
import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.FaultClass;
import io.github.tdx4j.sim.adversary.InputSite;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code tdx4j campaign --html} shows: aggregates only (a page for 10^6 runs is as small as for 10), so its size
 * depends on the number of input sites, fault classes and saved failures, never on the number of runs.
 *
 * @param title    the campaign, as the command line names it (seed, runs, shard)
 * @param classes  the fault classes, in column order
 * @param sites    one row per input site
 * @param outcomes the operation outcomes over the campaign, with their origin
 * @param oracles  the runs breaking each oracle
 * @param failures the saved failing cases
 */
record CampaignPage(String title, List<FaultClass> classes, List<SiteRow> sites, List<Count> outcomes,
                    List<Count> oracles, List<FailingCase> failures) {
    CampaignPage {
        classes = List.copyOf(classes);
        sites = List.copyOf(sites);
        outcomes = List.copyOf(outcomes);
        oracles = List.copyOf(oracles);
        failures = List.copyOf(failures);
    }

    /** Whether a fault class can be, and was, injected at a site. */
    enum CellState {
        /** The site's menu has no fault of this class. */
        NOT_ON_MENU,
        /** The class is on the menu, but no run injected it: a coverage gap. */
        NEVER_INJECTED,
        /** At least one run injected it. */
        INJECTED
    }

    /**
     * One heat-map cell: its state, how many saved failing cases injected this class at this site, and the counts of
     * the runs that injected it.
     */
    record Cell(FaultClass faultClass, CellState state, int failingCases, CellCounts counts) {
        /** The worst thing that happened in this cell, which its colour shows. */
        Worst worst() {
            if (counts.oracleViolations() > 0 || failingCases > 0) {
                return Worst.ORACLE_VIOLATION;
            }
            if (counts.fatal().stream().anyMatch(n -> n > 0)) {
                return Worst.FATAL;
            }
            if (counts.error().stream().anyMatch(n -> n > 0)) {
                return Worst.ERROR;
            }
            if (counts.handled() > 0 || state == CellState.INJECTED) {
                return Worst.HANDLED;
            }
            return state == CellState.NEVER_INJECTED ? Worst.NEVER_INJECTED : Worst.NOT_ON_MENU;
        }
    }

    /** A cell's colour, best to worst. */
    enum Worst { NOT_ON_MENU, NEVER_INJECTED, HANDLED, ERROR, FATAL, ORACLE_VIOLATION }

    /**
     * What happened where a fault class was injected at an input site (CampaignReport's per-cell counts).
     *
     * @param runs             runs that injected the class at the site
     * @param handled          operations during which it was injected that returned normally
     * @param error            of those, the ones that returned an error, per origin in {@link Origin} order
     * @param fatal            of those, the ones that stopped the TD, per origin in {@link Origin} order
     * @param oracleViolations of the runs, those that broke at least one oracle
     */
    record CellCounts(long runs, long handled, List<Long> error, List<Long> fatal, long oracleViolations) {
        CellCounts {
            error = List.copyOf(error);
            fatal = List.copyOf(fatal);
        }

        /** No run injected the class at the site. */
        static final CellCounts NONE = new CellCounts(0, 0, zeros(), zeros(), 0);

        private static List<Long> zeros() {
            return java.util.Collections.nCopies(Origin.values().length, 0L);
        }
    }

    /** One input site with the runs that consulted it and its cells, one per class. */
    record SiteRow(String name, String seam, String description, long runs, List<Cell> cells) {
        SiteRow {
            cells = List.copyOf(cells);
        }
    }

    /** A labelled total. */
    record Count(String label, long count) { }

    /**
     * A saved failing case.
     *
     * @param seed    the run's seed
     * @param oracle  the first oracle it broke
     * @param detail  what the oracle saw
     * @param tape    the shrunk tape (hex)
     * @param replay  the command that replays it, or empty when its tape was not saved
     * @param cells   the site/class cells its shrunk tape injects, as {@code SITE/CLASS}
     */
    record FailingCase(String seed, String oracle, String detail, String tape, String replay, List<String> cells) {
        FailingCase {
            cells = List.copyOf(cells);
        }
    }

    /** The page for {@code report}; each saved failure's shrunk tape is replayed once to learn where it injects. */
    static CampaignPage of(CampaignReport report, String title) {
        List<FaultClass> classes = List.of(FaultClass.values());
        int[][] failing = new int[InputSite.values().length][classes.size()];
        List<FailingCase> cases = new ArrayList<>();
        for (CampaignReport.Failure f : report.failures()) {
            RunResult shrunk = CampaignRun.run(RunSpec.of(f.result().seed(), f.shrunk()));
            List<String> where = new ArrayList<>();
            for (InputSite site : InputSite.values()) {
                for (FaultClass c : classesIn(shrunk.injected()[site.ordinal()])) {
                    failing[site.ordinal()][c.ordinal()]++;
                    where.add(site.name() + "/" + c.name());
                }
            }
            Oracle first = f.result().firstOracle();
            cases.add(new FailingCase("0x" + Long.toHexString(f.result().seed()),
                    first == null ? Oracle.REPLAY_MISMATCH.name() : first.name(),
                    f.result().violations().isEmpty() ? "replay mismatch" : f.result().violations().getFirst().toString(),
                    f.shrunk().toString(),
                    f.saved() == null ? "" : "tdx4j campaign --replay " + CliPaths.show(f.saved()), where));
        }
        List<SiteRow> rows = new ArrayList<>();
        for (InputSite site : InputSite.values()) {
            Set<FaultClass> injected = report.siteClasses(site);
            Set<FaultClass> menu = site.classes();
            List<Cell> cells = new ArrayList<>();
            for (FaultClass c : classes) {
                CellState state = injected.contains(c) ? CellState.INJECTED
                        : menu.contains(c) ? CellState.NEVER_INJECTED : CellState.NOT_ON_MENU;
                cells.add(new Cell(c, state, failing[site.ordinal()][c.ordinal()], counts(report, site, c)));
            }
            rows.add(new SiteRow(site.name(), site.seam().name(), site.description(), report.siteRuns(site), cells));
        }
        List<Count> outcomes = new ArrayList<>();
        outcomes.add(new Count("handled", report.outcomes(Outcome.HANDLED, null)));
        for (Outcome oc : List.of(Outcome.ERROR, Outcome.FATAL)) {
            for (Origin origin : Origin.values()) {
                outcomes.add(new Count(oc.name().toLowerCase(java.util.Locale.ROOT) + " " + origin.name(),
                        report.outcomes(oc, origin)));
            }
        }
        List<Count> oracles = new ArrayList<>();
        for (Oracle o : Oracle.values()) {
            oracles.add(new Count(o.name(), report.count(o)));
        }
        // 1,000,000 rather than 1000000: the count of a large campaign is read at a glance
        return new CampaignPage(title + ", " + String.format(java.util.Locale.ROOT, "%,d", report.runs()) + " runs",
                classes, rows, outcomes, oracles, cases);
    }

    private static CellCounts counts(CampaignReport report, InputSite site, FaultClass c) {
        List<Long> error = new ArrayList<>();
        List<Long> fatal = new ArrayList<>();
        for (Origin o : Origin.values()) {
            error.add(report.cellOutcomes(site, c, Outcome.ERROR, o));
            fatal.add(report.cellOutcomes(site, c, Outcome.FATAL, o));
        }
        return new CellCounts(report.cellRuns(site, c), report.cellOutcomes(site, c, Outcome.HANDLED, null), error,
                fatal, report.cellViolations(site, c));
    }

    private static Set<FaultClass> classesIn(long faultMask) {
        Set<FaultClass> s = EnumSet.noneOf(FaultClass.class);
        for (Fault f : Fault.values()) {
            if ((faultMask & (1L << f.ordinal())) != 0 && f.faultClass() != null) {
                s.add(f.faultClass());
            }
        }
        return s;
    }
}
