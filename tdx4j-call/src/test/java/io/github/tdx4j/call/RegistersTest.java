package io.github.tdx4j.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.Gpr;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link Registers}: the one-line form traces and failure messages print, and the per-register setters. */
class RegistersTest {
    @Test
    @DisplayName("toString: RAX always, then every other non-zero register in order, one space apart, in hex")
    void toStringListsRaxAndTheNonZeroRegisters() {
        assertThat(Registers.ZERO.toString()).isEqualTo("{RAX=0x0}");
        assertThat(Registers.ZERO.withRcx(0xFFCC).withR11(0x1E).toString()).isEqualTo("{RAX=0x0 RCX=0xffcc R11=0x1e}");
        assertThat(Registers.ZERO.withRax(-1L).with(Gpr.R15, 1).toString()).isEqualTo("{RAX=0xffffffffffffffff R15=0x1}");
    }

    @Test
    @DisplayName("withR8 sets R8 and nothing else")
    void withR8SetsOnlyR8() {
        Registers r = Registers.ZERO.withR8(0x1234);
        for (Gpr g : Gpr.values()) {
            assertThat(r.get(g)).as(g.name()).isEqualTo(g == Gpr.R8 ? 0x1234 : 0);
        }
    }

    @Test
    @DisplayName("TdxCalls#transport is the transport the calls go through (decorators and the CLI's inspect read it)")
    void transportIsTheOneGiven() {
        TdxTransport t = in -> in;
        assertThat(new TdxCalls(t).transport()).isSameAs(t);
    }
}
