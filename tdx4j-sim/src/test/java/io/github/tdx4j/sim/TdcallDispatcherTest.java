package io.github.tdx4j.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdcsField;
import io.github.tdx4j.call.Registers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TdcallDispatcherTest {
    private final SimulatedTd td = SimulatedTd.boot();

    private long raxOut(long rax) {
        return td.transport().tdcall(Registers.ZERO.withRax(rax)).rax();
    }

    @Test
    @DisplayName("TDCALL with an unknown leaf returns TDX_OPERAND_INVALID(RAX) 0xC000010000000000")
    void unknownLeaf() {
        assertThat(raxOut(13)).isEqualTo(0xC000_0100_0000_0000L);
        assertThat(raxOut(0xFFFF)).isEqualTo(0xC000_0100_0000_0000L);
        assertThat(td.counters().violations("module.tdcall.unknown-leaf")).isEqualTo(2);
    }

    @Test
    @DisplayName("TDCALL with any of RAX[63:24] set returns TDX_OPERAND_INVALID(RAX)")
    void reservedRaxBits() {
        assertThat(raxOut(TdcallLeaf.TDG_VP_INFO.rax() | (1L << 24))).isEqualTo(0xC000_0100_0000_0000L);
        assertThat(raxOut(TdcallLeaf.TDG_VP_INFO.rax() | (1L << 63))).isEqualTo(0xC000_0100_0000_0000L);
        assertThat(td.counters().violations("module.tdcall.rax-reserved")).isEqualTo(2);
    }

    @Test
    @DisplayName("TDCALL version 1 is accepted only for TDG.VM.RD; other leaves answer TDX_OPERAND_INVALID(RAX)")
    void versions() {
        assertThat(raxOut(TdcallLeaf.TDG_VP_INFO.rax() | (1L << 16))).isEqualTo(0xC000_0100_0000_0000L);
        assertThat(raxOut(TdcallLeaf.TDG_VM_RD.rax() | (2L << 16))).isEqualTo(0xC000_0100_0000_0000L);
        Registers out = td.transport().tdcall(Registers.ZERO.withRax(TdcallLeaf.TDG_VM_RD.rax() | (1L << 16))
                .withRdx(TdcsField.CONFIG_FLAGS.raw()));
        assertThat(out.rax()).isZero();
        assertThat(out.rdx()).as("version 1 returns the next field id").isEqualTo(TdcsField.TD_CTLS.raw());
    }

    @Test
    @DisplayName("Counters record each TDCALL per leaf and per exact status")
    void counters() {
        raxOut(TdcallLeaf.TDG_VP_INFO.rax());
        raxOut(99);
        assertThat(td.counters().tdcalls(TdcallLeaf.TDG_VP_INFO)).isEqualTo(1);
        assertThat(td.counters().tdcalls(new TdcallLeaf(99),
                new io.github.tdx4j.abi.TdxStatus(0xC000_0100_0000_0000L))).isEqualTo(1);
    }
}
