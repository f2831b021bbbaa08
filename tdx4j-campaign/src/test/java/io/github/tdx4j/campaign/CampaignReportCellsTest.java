package io.github.tdx4j.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.campaign.CampaignRun.Op;
import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.FaultClass;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.InputSite;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The per input site x fault class counts of {@link CampaignReport}: what a heat map of the campaign shows, and what
 * shard reports add up to.
 */
class CampaignReportCellsTest {
    private static final long SEED = 0x7D45_0002L;

    private static CampaignReport reportOf(RunResult... runs) {
        CampaignReport report = new CampaignReport();
        for (RunResult r : runs) {
            report.add(r, false);
        }
        return report;
    }

    @Test
    @DisplayName("A CPUID R10=RETRY forced on one CPUID counts one run and one ERROR VMM operation in cell "
            + "CPUID_STATUS/B, and nothing in any other cell")
    void forcedFaultLandsInItsCell() {
        RunResult r = CampaignRun.run(RunSpec.of(SEED, FaultTape.honest())
                .forcing(InputSite.CPUID_STATUS, Fault.STATUS_RETRY, 0, 1).withOps(Op.CPUID_HYPERVISOR));
        assertThat(r.results()).containsExactly("HANDLED", "ERROR VMM");
        CampaignReport report = reportOf(r);
        assertThat(report.cellRuns(InputSite.CPUID_STATUS, FaultClass.B)).isEqualTo(1);
        assertThat(report.cellOutcomes(InputSite.CPUID_STATUS, FaultClass.B, Outcome.ERROR, Origin.VMM)).isEqualTo(1);
        assertThat(report.cellOutcomes(InputSite.CPUID_STATUS, FaultClass.B, Outcome.HANDLED, null)).isZero();
        assertThat(report.cellViolations(InputSite.CPUID_STATUS, FaultClass.B)).isZero();
        for (InputSite s : InputSite.values()) {
            for (FaultClass c : FaultClass.values()) {
                if (s != InputSite.CPUID_STATUS || c != FaultClass.B) {
                    assertThat(report.cellRuns(s, c)).as("%s/%s", s, c).isZero();
                }
            }
        }
    }

    @Test
    @DisplayName("A fault the TD's boot decides counts against the guest's boot operation: TDG.VP.INFO GPAW 0 is "
            + "one FATAL TDX_MODULE in cell MODULE_VP_INFO/A")
    void bootFaultCountsAgainstBoot() {
        RunResult r = CampaignRun.run(RunSpec.of(SEED, FaultTape.honest())
                .forcing(InputSite.MODULE_VP_INFO, Fault.MODULE_GPAW_0, 0, Integer.MAX_VALUE).withOps(Op.PORT_IN));
        assertThat(r.results()).containsExactly("FATAL TDX_MODULE");
        CampaignReport report = reportOf(r);
        assertThat(report.cellOutcomes(InputSite.MODULE_VP_INFO, FaultClass.A, Outcome.FATAL, Origin.TDX_MODULE))
                .isEqualTo(1);
    }

    @Test
    @DisplayName("Oracle failures are counted in every cell the failing run injected, and only there")
    void violationsCountedInTheFailingRunsCells() {
        // One run in four gets a planted violation; the expected cell counts come from the runs' own injection masks.
        BiFunction<Long, FaultTape, RunResult> oneInFourFails = (seed, tape) -> {
            RunResult r = CampaignRun.run(RunSpec.of(seed, tape));
            return (seed & 3) != 0 ? r : new RunResult(r.seed(), r.tape(),
                    List.of(new Violation(Oracle.CORRUPTION, "test", "planted")), r.outcomes(), r.traceHash(),
                    r.trace(), r.consulted(), r.injected(), r.logLines(), r.operations(), r.results(),
                    r.cellOutcomes());
        };
        long runs = 300;
        // Count, per cell, the failing runs whose injection mask has a fault of that class at that site.
        long[][] expected = new long[InputSite.values().length][FaultClass.values().length];
        for (long i = 0; i < runs; i++) {
            long seed = Campaign.runSeed(77, i);
            if ((seed & 3) != 0) {
                continue;
            }
            RunResult r = CampaignRun.run(RunSpec.of(seed, Campaign.randomTape(seed)));
            for (InputSite s : InputSite.values()) {
                for (FaultClass c : FaultClass.values()) {
                    boolean hit = false;
                    for (Fault f : s.menu()) {
                        hit |= f.faultClass() == c && (r.injected()[s.ordinal()] & (1L << f.ordinal())) != 0;
                    }
                    expected[s.ordinal()][c.ordinal()] += hit ? 1 : 0;
                }
            }
        }
        CampaignReport report = new Campaign(runs, 77, 0, 1, 1_000, null).execute(n -> { }, oneInFourFails);
        long total = 0;
        for (InputSite s : InputSite.values()) {
            for (FaultClass c : FaultClass.values()) {
                assertThat(report.cellViolations(s, c)).as("%s/%s", s, c).isEqualTo(expected[s.ordinal()][c.ordinal()]);
                total += expected[s.ordinal()][c.ordinal()];
            }
        }
        assertThat(total).as("the planted failures injected somewhere").isPositive();
    }

    @Test
    @DisplayName("Cells agree with the coverage: a cell has runs exactly when its class was injected at its site, "
            + "and every run that injected it has an operation during which it was injected")
    void cellsAgreeWithCoverage() {
        CampaignReport report = new Campaign(1_000, 0x5EEDL, 0, 1, 1_000, null).execute(n -> { });
        assertThat(report.count(Oracle.HANG)).isZero();
        for (InputSite s : InputSite.values()) {
            for (FaultClass c : FaultClass.values()) {
                long runs = report.cellRuns(s, c);
                assertThat(runs > 0).as("%s/%s has runs", s, c).isEqualTo(report.siteClasses(s).contains(c));
                long ops = report.cellOutcomes(s, c, Outcome.HANDLED, null);
                for (Origin o : Origin.values()) {
                    ops += report.cellOutcomes(s, c, Outcome.ERROR, o) + report.cellOutcomes(s, c, Outcome.FATAL, o);
                }
                assertThat(ops).as("%s/%s operations", s, c).isGreaterThanOrEqualTo(runs);
                assertThat(runs).as("%s/%s runs", s, c).isLessThanOrEqualTo(report.siteRuns(s));
            }
        }
    }

    @Test
    @DisplayName("The report of a campaign is the sum of its shards' reports: two halves merged give the same JSON, "
            + "cells included (timing aside)")
    void shardsAddUp() {
        CampaignReport whole = new Campaign(400, 0xC0FFEEL, 0, 1, 16, null).execute(n -> { });
        CampaignReport merged = new Campaign(400, 0xC0FFEEL, 0, 2, 16, null).execute(n -> { });
        merged.merge(new Campaign(400, 0xC0FFEEL, 1, 2, 16, null).execute(n -> { }));
        Map<String, Object> a = whole.toJson();
        Map<String, Object> b = merged.toJson();
        for (String timing : List.of("elapsedSeconds", "runsPerSecond")) {
            a.remove(timing);
            b.remove(timing);
        }
        assertThat(b).isEqualTo(a);
        assertThat(((Map<?, ?>) ((Map<?, ?>) a.get("sites")).get("CPUID_STATUS")).get("cells").toString())
                .contains("B=");
    }
}
