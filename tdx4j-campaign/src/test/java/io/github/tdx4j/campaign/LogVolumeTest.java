package io.github.tdx4j.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.policy.OriginPolicy;
import io.github.tdx4j.call.policy.RateLimiter;
import io.github.tdx4j.guest.CpuidInstruction;
import io.github.tdx4j.guest.GuestConfig;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.io.PortSize;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.Vcpu;
import io.github.tdx4j.sim.adversary.Adversary;
import io.github.tdx4j.sim.adversary.AdversarialVmm;
import io.github.tdx4j.sim.adversary.Fault;
import io.github.tdx4j.sim.adversary.FaultTape;
import io.github.tdx4j.sim.adversary.InputSite;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** T32: a million VMM errors at one site keep the log bounded by the rate limiter, on the simulated clock. */
class LogVolumeTest {
    @Test
    @DisplayName("T32: 10^6 port-IN VMM errors over 1000 s of simulated time log at most burst per 5 s window")
    void millionVmmErrorsStayBounded() throws InterruptedException {
        Adversary adv = new Adversary(FaultTape.honest());
        adv.force(InputSite.IO_STATUS, Fault.STATUS_INVALID_OPERAND, 0);
        SimulatedTd td = SimulatedTd.boot(TdConfig.production(), SimSettings.strict(),
                AdversarialVmm.factory(adv, null));
        Vcpu cpu = td.vcpu();
        CpuidInstruction cpuid = (leaf, sub) -> {
            cpu.set(Gpr.RAX, leaf & 0xFFFF_FFFFL);
            cpu.set(Gpr.RCX, sub & 0xFFFF_FFFFL);
            cpu.execute(0x20_0000L, new byte[] {0x0F, (byte) 0xA2});
            return new CpuidInstruction.Result((int) cpu.get(Gpr.RAX), (int) cpu.get(Gpr.RBX),
                    (int) cpu.get(Gpr.RCX), (int) cpu.get(Gpr.RDX));
        };
        List<String> lines = new ArrayList<>();
        TdxGuest guest = TdxGuest.boot(td, cpuid, GuestConfig.defaults(0x1000_0000L, 1 << 20)
                .withPolicy(OriginPolicy.SEED_REVIEW).withLog((level, m) -> lines.add(m)));
        int errors = 1_000_000;
        for (int i = 0; i < errors; i++) {
            assertThat(guest.portIo().in(PortSize.BYTE, 0x3F8, 0) & 0xFF).isEqualTo(0xFF);
            if (i % 1_000 == 999) {
                td.sleep(1_000_000_000L); // 1 s of simulated time per 1000 errors: 1000 s, 200 windows
            }
        }
        assertThat(guest.failures().count(Origin.VMM)).isEqualTo(errors);
        long windows = td.nanoTime() / RateLimiter.DEFAULT_INTERVAL_NANOS + 1;
        long bound = windows * (RateLimiter.DEFAULT_BURST + 1);
        assertThat(lines).hasSizeLessThanOrEqualTo((int) bound).hasSizeGreaterThan(RateLimiter.DEFAULT_BURST);
        assertThat(lines).allMatch(l -> l.contains("tdx.pio.in.vmm-error"));
    }
}
