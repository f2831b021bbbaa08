package io.github.tdx4j.sim;

import static io.github.tdx4j.sim.Tdx.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdcallLeaf;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TdgMemPageAcceptTest {
    private static final long MB = 1L << 20;
    private static final long UNACCEPTED = 1024 * MB; // above the 512 MiB the firmware accepted
    private static final TdcallLeaf ACCEPT = TdcallLeaf.TDG_MEM_PAGE_ACCEPT;

    private static long accept(SimulatedTd td, long gpa, PageLevel level) {
        return status(td, ACCEPT, gpa | level.level(), 0, 0, 0);
    }

    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT of an unmapped 4K page succeeds (the host AUGs it) and the page reads zero")
    void accept4k() {
        SimulatedTd td = SimulatedTd.boot();
        assertThat(accept(td, UNACCEPTED, PageLevel.SIZE_4K)).isZero();
        assertThat(td.memory().readLong(UNACCEPTED + 8)).isZero();
        td.memory().writeLong(UNACCEPTED, 42);
        assertThat(td.memory().readLong(UNACCEPTED)).isEqualTo(42);
    }

    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT twice returns PAGE_ALREADY_ACCEPTED + level 0x00000B0A00000000, a warning")
    void alreadyAccepted4k() {
        SimulatedTd td = SimulatedTd.boot();
        accept(td, UNACCEPTED, PageLevel.SIZE_4K);
        assertThat(accept(td, UNACCEPTED, PageLevel.SIZE_4K)).isEqualTo(0x0000_0B0A_0000_0000L);
    }

    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT 4K inside boot memory accepted at 2M returns PAGE_ALREADY_ACCEPTED level 1")
    void alreadyAcceptedLarger() {
        SimulatedTd td = SimulatedTd.boot();
        assertThat(accept(td, 4 * MB + 4096, PageLevel.SIZE_4K)).isEqualTo(0x0000_0B0A_0000_0001L);
        assertThat(accept(td, 4 * MB, PageLevel.SIZE_2M)).isEqualTo(0x0000_0B0A_0000_0001L);
    }

    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT 2M on a KVM host mapping 4K returns PAGE_SIZE_MISMATCH + level 0xC0000B0B00000001")
    void sizeMismatchOn4kHost() {
        SimulatedTd td = SimulatedTd.boot();
        assertThat(accept(td, UNACCEPTED, PageLevel.SIZE_2M)).isEqualTo(0xC000_0B0B_0000_0001L);
        // Linux falls back to 4K: every page then accepts.
        assertThat(accept(td, UNACCEPTED + 4096, PageLevel.SIZE_4K)).isZero();
    }

    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT 2M succeeds on a host mapping 2M; a later 4K accept inside is ALREADY_ACCEPTED(1)")
    void accept2mOnHugePageHost() {
        SimulatedTd td = SimulatedTd.boot(TdConfig.production(),
                SimSettings.builder().hostPrivateMappingLevel(PageLevel.SIZE_2M).build());
        assertThat(accept(td, UNACCEPTED, PageLevel.SIZE_2M)).isZero();
        assertThat(accept(td, UNACCEPTED + 8192, PageLevel.SIZE_4K)).isEqualTo(0x0000_0B0A_0000_0001L);
        assertThat(accept(td, UNACCEPTED, PageLevel.SIZE_2M)).isEqualTo(0x0000_0B0A_0000_0001L);
    }

    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT 4K in a pending 2M leaf splits it (TDH.MEM.PAGE.DEMOTE); the 2M accept then mismatches")
    void demotePending() {
        SimulatedTd td = SimulatedTd.boot();
        td.host().augPrivate(UNACCEPTED, PageLevel.SIZE_2M);
        assertThat(accept(td, UNACCEPTED + 4096, PageLevel.SIZE_4K)).isZero();
        assertThat(accept(td, UNACCEPTED, PageLevel.SIZE_2M)).isEqualTo(0xC000_0B0B_0000_0001L);
    }

    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT at 1G is TDX_OPERAND_INVALID(RCX) on module 1.5; the 1G relaxation accepts it")
    void oneGig() {
        SimulatedTd strict = SimulatedTd.boot(TdConfig.builder().memoryBytes(4096 * MB).build());
        assertThat(accept(strict, 2048 * MB, PageLevel.SIZE_1G)).isEqualTo(0xC000_0100_0000_0001L);
        assertThat(strict.counters().violations("module.accept.level-unsupported")).isEqualTo(1);
        SimulatedTd relaxed = SimulatedTd.boot(TdConfig.builder().memoryBytes(4096 * MB).build(),
                SimSettings.builder().maxAcceptLevel(PageLevel.SIZE_1G).build());
        assertThat(accept(relaxed, 2048 * MB, PageLevel.SIZE_1G)).as("4K host: mismatch")
                .isEqualTo(0xC000_0B0B_0000_0002L);
        relaxed.host().augPrivate(3072 * MB, PageLevel.SIZE_1G);
        assertThat(accept(relaxed, 3072 * MB, PageLevel.SIZE_1G)).isZero();
        assertThat(accept(relaxed, 3072 * MB + 2 * MB, PageLevel.SIZE_2M)).isEqualTo(0x0000_0B0A_0000_0002L);
    }

    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT rejects a misaligned, shared or reserved-bit RCX with TDX_OPERAND_INVALID(RCX)")
    void invalidOperands() {
        SimulatedTd td = SimulatedTd.boot();
        assertThat(accept(td, UNACCEPTED + 4096, PageLevel.SIZE_2M)).isEqualTo(0xC000_0100_0000_0001L);
        assertThat(accept(td, UNACCEPTED | td.config().sharedBit(), PageLevel.SIZE_4K))
                .isEqualTo(0xC000_0100_0000_0001L);
        assertThat(status(td, ACCEPT, UNACCEPTED | 0x8, 0, 0, 0)).isEqualTo(0xC000_0100_0000_0001L);
        assertThat(status(td, ACCEPT, UNACCEPTED | 3, 0, 0, 0)).isEqualTo(0xC000_0100_0000_0001L);
        assertThat(td.counters().violations("module.accept.rcx")).isEqualTo(4);
    }

    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT of a SEPT entry the host holds locked returns TDX_OPERAND_BUSY(RCX) 0x8000020000000001")
    void operandBusy() {
        SimulatedTd td = SimulatedTd.boot();
        td.host().holdSeptLock(UNACCEPTED, true);
        assertThat(accept(td, UNACCEPTED, PageLevel.SIZE_4K)).isEqualTo(0x8000_0200_0000_0001L);
        td.host().holdSeptLock(UNACCEPTED, false);
        assertThat(accept(td, UNACCEPTED, PageLevel.SIZE_4K)).isZero();
    }

    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT beyond the TD's RAM stops the TD: the host cannot map the EPT violation")
    void beyondRam() {
        SimulatedTd td = SimulatedTd.boot();
        assertThatThrownBy(() -> accept(td, td.config().memoryBytes(), PageLevel.SIZE_4K))
                .isInstanceOf(TdStopped.class);
        assertThat(td.stopReason().kind()).isEqualTo(StopReason.Kind.UNRESOLVED_EPT_VIOLATION);
    }

    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT of a page the guest shared makes the host convert it back (counted) and accepts it")
    void acceptSharedPage() {
        SimulatedTd td = SimulatedTd.boot();
        long shared = Tdx.share(td, UNACCEPTED, 4096);
        td.memory().writeLong(shared, 7);
        assertThat(accept(td, UNACCEPTED, PageLevel.SIZE_4K)).isZero();
        assertThat(td.memory().readLong(UNACCEPTED)).as("accepted pages are zeroed").isZero();
        assertThat(td.host().memory().isShared(UNACCEPTED)).isFalse();
        assertThat(td.counters().violations("vmm.ept.implicit-conversion")).isEqualTo(1);
    }

    @Test
    @DisplayName("Guest memory is sparse: a 64 GiB TD boots and reads zero anywhere accepted")
    void sparse() {
        SimulatedTd td = SimulatedTd.boot(TdConfig.builder().memoryBytes(64L << 30).build());
        assertThat(accept(td, (63L << 30), PageLevel.SIZE_4K)).isZero();
        assertThat(td.memory().readLong(63L << 30)).isZero();
        assertThat(td.memory().readLong(100 * MB)).isZero();
    }
}
