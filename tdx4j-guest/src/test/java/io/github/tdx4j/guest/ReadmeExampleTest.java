package io.github.tdx4j.guest;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.call.trace.CallTrace;
import io.github.tdx4j.sim.SimulatedTd;
import io.github.tdx4j.sim.Vcpu;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The example of tdx4j-guest/README.md, verbatim apart from the trace going to a list instead of stdout. */
class ReadmeExampleTest {

    @Test
    @DisplayName("README example: boot on the simulator, print through #VE, get a quote")
    void example() {
        CallTrace trace = new CallTrace(10_000);

        SimulatedTd td = SimulatedTd.boot();
        Vcpu cpu = td.vcpu();
        CpuidInstruction cpuid = (leaf, sub) -> {           // CPUID 0x21 runs natively in the TDX module
            cpu.set(Gpr.RAX, leaf);
            cpu.set(Gpr.RCX, sub);
            cpu.execute(0x10_0000, new byte[] {0x0F, (byte) 0xA2});
            return new CpuidInstruction.Result((int) cpu.get(Gpr.RAX), (int) cpu.get(Gpr.RBX),
                    (int) cpu.get(Gpr.RCX), (int) cpu.get(Gpr.RDX));
        };
        TdxGuest guest = TdxGuest.boot(td, cpuid, GuestConfig.defaults(0x1000_0000L, 4 << 20)
                .withTrace(trace));

        cpu.set(Gpr.RDX, 0x3F8);
        cpu.execute(0x10_0000, new byte[] {(byte) 0xC6, (byte) 0xC0, 'A', (byte) 0xEE}); // mov al,'A'; out dx,al
        assertThat(td.console()).isEqualTo("A");

        byte[] nonce = new byte[64];
        byte[] quote = guest.attestation().quote(nonce);
        assertThat(quote.length).isGreaterThan(1000);
        assertThat(trace.events()).isNotEmpty();
    }
}
