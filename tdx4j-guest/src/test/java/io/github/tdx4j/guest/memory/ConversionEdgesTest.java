package io.github.tdx4j.guest.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.GuestBugException;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Private/shared conversion and accept edges found by mutation testing (issue 18). */
class ConversionEdgesTest {
    private static final long MAP_GPA = TdvmcallSubFunction.MAP_GPA.raw();

    private final FakeTd td = new FakeTd();
    private final TdxGuest guest = Boot.boot(td);

    @Test
    @DisplayName("Unshare where MapGPA-to-private 'succeeds' but the pages stay accepted (PAGE_ALREADY_ACCEPTED): the "
            + "VMM's false success, tdx.unshare.not-converted, origin VMM, pages quarantined")
    void falseMapGpaSuccessOnUnshareIsTheVmms() {
        SharedBuffer b = guest.sharedMemory().share(1); // the fake VMM's MapGPA never touches the accepted set
        assertThatThrownBy(() -> guest.sharedMemory().unshare(b)).isInstanceOfSatisfying(
                MemoryConversionException.class, e -> {
                    assertThat(e.failure().site()).isEqualTo("tdx.unshare.not-converted");
                    assertThat(e.origin()).isEqualTo(Origin.VMM);
                });
        assertThat(guest.pages().isQuarantined(b.gpa())).isTrue();
    }

    @Test
    @DisplayName("A failed share names the exact range [start, start + 4 pages) in the exception")
    void conversionExceptionNamesTheRange() {
        td.vmm.put(MAP_GPA, in -> FakeTd.answer(in, TdvmcallStatus.INVALID_OPERAND, 0));
        assertThatThrownBy(() -> guest.sharedMemory().share(4)).isInstanceOfSatisfying(
                MemoryConversionException.class, e -> {
                    assertThat(e.start()).isEqualTo(Boot.POOL);
                    assertThat(e.end()).isEqualTo(Boot.POOL + 4 * 4096);
                    assertThat(guest.pages().quarantined().getFirst().start()).isEqualTo(e.start());
                });
    }

    @Test
    @DisplayName("SharedMemory takes its pages from the guest's pool")
    void sharedMemoryUsesThePool() {
        assertThat(guest.sharedMemory().pages()).isSameAs(guest.pages());
    }

    @Test
    @DisplayName("Accept of an empty range accepts nothing, with no TDCALL; a misaligned start or a reversed range is "
            + "the guest's bug")
    void acceptRangeEdges() {
        PageAcceptor.Result r = guest.acceptor().accept(0x200000, 0x200000);
        assertThat(r).isInstanceOfSatisfying(PageAcceptor.Result.Done.class,
                d -> assertThat(d.accepted().bytes()).isZero());
        assertThat(td.countLeaf(TdcallLeaf.TDG_MEM_PAGE_ACCEPT)).isZero();
        for (long[] bad : new long[][] {{0x200800, 0x204000}, {0x200000, 0x204800}, {0x204000, 0x200000}}) {
            assertThatThrownBy(() -> guest.acceptor().accept(bad[0], bad[1])).isInstanceOfSatisfying(
                    GuestBugException.class, e -> assertThat(e.failure().site()).isEqualTo("tdx.accept.range"));
        }
    }

    @Test
    @DisplayName("Accepted.bytes multiplies pages by their size: three 4K pages are 12 KiB")
    void acceptedBytesCountsEveryPage() {
        td.addPending(0x300000, 0x303000);
        PageAcceptor.Accepted a = guest.acceptMemory(0x300000, 0x303000);
        assertThat(a.count(PageLevel.SIZE_4K)).isEqualTo(3);
        assertThat(a.bytes()).isEqualTo(3 * 4096);
    }
}
