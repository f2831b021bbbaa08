package io.github.tdx4j.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.sim.adversary.InputSite;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The CI campaign: a few thousand adversarial runs, every oracle at zero (reliability.md §5.5 "zero tolerance"). */
class ShortCampaignTest {
    @Test
    @DisplayName("5,000 adversarial runs: no hang, no failure as success, no leak, no corruption, bounded logs, "
            + "correct origins, identical replays")
    void shortCampaign() {
        CampaignReport report = new Campaign(5_000, 0x7D45_CA4B_A16EL, 0, 1, 1, null).execute(n -> { });
        StringBuilder failures = new StringBuilder();
        for (CampaignReport.Failure f : report.failures()) {
            failures.append("\n  seed 0x").append(Long.toHexString(f.result().seed())).append(" tape ")
                    .append(f.shrunk()).append(": ").append(f.result().violations());
        }
        for (Oracle o : Oracle.values()) {
            assertThat(report.count(o)).as(o + " in runs:" + failures).isZero();
        }
        assertThat(report.runs()).isEqualTo(5_000);
        // The adversary must actually have made the guest fail, with each origin, or the oracles proved nothing.
        assertThat(report.outcomes(Outcome.ERROR, Origin.VMM)).isPositive();
        assertThat(report.outcomes(Outcome.FATAL, Origin.TDX_MODULE)).isPositive();
        assertThat(report.outcomes(Outcome.HANDLED, null)).isPositive();
        // And every input site must have been attacked with every fault class on its menu.
        for (InputSite s : InputSite.values()) {
            assertThat(report.siteClasses(s)).as("fault classes injected at %s", s).isEqualTo(s.classes());
        }
    }
}
