package io.github.tdx4j.guest.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxPolicyPanic;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MemoryServicesTest {
    private static final long MAP_GPA = TdvmcallSubFunction.MAP_GPA.raw();
    private static final long G = 1L << 30;
    private static final long M2 = 2L << 20;

    private final FakeTd td = new FakeTd();

    /** A VMM that answers MapGPA from a script, one answer per call, then SUCCESS. */
    private void script(List<UnaryOperator<Registers>> answers) {
        Deque<UnaryOperator<Registers>> q = new ArrayDeque<>(answers);
        td.vmm.put(MAP_GPA, in -> q.isEmpty() ? in.withR10(0) : q.poll().apply(in));
    }

    private static UnaryOperator<Registers> retryAt(long r11) {
        return in -> FakeTd.answer(in, TdvmcallStatus.RETRY, r11);
    }

    @Test
    @DisplayName("Accept tries 1G, then 2M, then 4K: a range of 4K + 2M-aligned 2M + 1G gets one page of each")
    void acceptLargestFirst() {
        TdxGuest g = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config());
        long start = G - M2 - 4096;
        long end = 2 * G;
        td.addPending(start, end);
        PageAcceptor.Accepted a = g.acceptMemory(start, end);
        assertThat(a.count(PageLevel.SIZE_1G)).isEqualTo(1);
        assertThat(a.count(PageLevel.SIZE_2M)).isEqualTo(1);
        assertThat(a.count(PageLevel.SIZE_4K)).isEqualTo(1);
        assertThat(a.bytes()).isEqualTo(end - start);
    }

    @Test
    @DisplayName("Accept never uses a page larger than the rest of the range: pending memory beyond end stays pending")
    void acceptStaysInsideTheRange() {
        TdxGuest g = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config());
        td.addPending(0, 2 * G);
        PageAcceptor.Accepted a = g.acceptMemory(G, G + M2 + 4096);
        assertThat(a.count(PageLevel.SIZE_1G)).isZero();
        assertThat(a.count(PageLevel.SIZE_2M)).isEqualTo(1);
        assertThat(a.count(PageLevel.SIZE_4K)).isEqualTo(1);
        assertThat(td.pending).contains(G + M2 + 4096, 2 * G - 4096).doesNotContain(G, G + M2);
    }

    @Test
    @DisplayName("Any status at 1G (PAGE_SIZE_MISMATCH) falls back to 2M pages")
    void acceptFallsBack() {
        TdxGuest g = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config());
        td.largestAccept = PageLevel.SIZE_2M;
        td.addPending(0, G);
        PageAcceptor.Accepted a = g.acceptMemory(0, G);
        assertThat(a.count(PageLevel.SIZE_2M)).isEqualTo(512);
        assertThat(a.count(PageLevel.SIZE_1G)).isZero();
    }

    @Test
    @DisplayName("A 4K page that cannot be accepted stops the TD (\"TDX: Failed to accept memory\"), origin by status")
    void acceptFailureIsFatal() {
        TdxGuest g = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config());
        td.addPending(0, 0x3000);
        assertThatThrownBy(() -> g.acceptMemory(0, 0x4000)).isInstanceOfSatisfying(TdxPolicyPanic.class, p -> {
            assertThat(p.origin()).as("the VMM never added the page").isEqualTo(Origin.VMM);
            assertThat(p.failure().detail()).contains("0x3000");
        });
    }

    @Test
    @DisplayName("MapGPA to shared sets the shared bit in R12 and passes the length in R13")
    void mapGpaShared() {
        TdxGuest g = Boot.boot(td);
        script(List.of());
        SharedBuffer b = g.sharedMemory().share(2);
        Registers call = td.vmcalls(MAP_GPA).getFirst();
        assertThat(call.r12()).isEqualTo(b.gpa() | td.sharedMask());
        assertThat(call.r13()).isEqualTo(2 * 4096);
        assertThat(b.sharedGpa()).isEqualTo(b.gpa() | td.sharedMask());
    }

    @Test
    @DisplayName("MapGPA RETRY resumes at R11; progress resets the no-progress count")
    void mapGpaRetryProgress() {
        MapGpa m = new MapGpa(Boot.boot(td).calls(), td.sharedMask());
        long s = 0x100000;
        long sh = td.sharedMask();
        script(List.of(retryAt(sh | s), retryAt(sh | s), retryAt(sh | (s + 0x1000)), retryAt(sh | (s + 0x1000)),
                retryAt(sh | (s + 0x2000))));
        assertThat(m.map(s, s + 0x4000, true)).isNull();
        List<Registers> calls = td.vmcalls(MAP_GPA);
        assertThat(calls).extracting(Registers::r12).containsExactly(sh | s, sh | s, sh | s, sh | (s + 0x1000),
                sh | (s + 0x1000), sh | (s + 0x2000));
        assertThat(calls.getLast().r13()).isEqualTo(0x2000);
    }

    @Test
    @DisplayName("MapGPA needs exactly one shared bit: with none, a conversion to shared would share nothing")
    void mapGpaSharedMaskIsOneBit() {
        TdxGuest g = Boot.boot(td);
        for (long bad : new long[] {0, (1L << 51) | (1L << 47), -1L}) {
            assertThatThrownBy(() -> new MapGpa(g.calls(), bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(td.vmcalls(MAP_GPA)).isEmpty();
    }

    @Test
    @DisplayName("MapGPA fails after 3 RETRY answers in a row without progress")
    void mapGpaNoProgress() {
        MapGpa m = new MapGpa(Boot.boot(td).calls(), td.sharedMask());
        td.vmm.put(MAP_GPA, in -> FakeTd.answer(in, TdvmcallStatus.RETRY, in.r12()));
        TdxFailure f = m.map(0x100000, 0x104000, false);
        assertThat(f.site()).isEqualTo("tdx.mapgpa.no-progress");
        assertThat(f.origin()).isEqualTo(Origin.VMM);
        assertThat(td.vmcalls(MAP_GPA)).hasSize(MapGpa.MAX_RETRIES_PER_PAGE);
    }

    @Test
    @DisplayName("MapGPA RETRY with R11 outside [start, end) fails at once (R11 is VMM-controlled)")
    void mapGpaRetryAddress() {
        MapGpa m = new MapGpa(Boot.boot(td).calls(), td.sharedMask());
        for (long bad : new long[] {0xFF000, 0x104000, 0x100800, 0}) {
            td.calls.clear();
            script(List.of(retryAt(bad)));
            TdxFailure f = m.map(0x100000, 0x104000, false);
            assertThat(f).isNotNull();
            assertThat(f.site()).isEqualTo("tdx.mapgpa.retry-address");
            assertThat(td.vmcalls(MAP_GPA)).hasSize(1);
        }
    }

    @Test
    @DisplayName("A failed conversion quarantines the pages: never freed, never handed out again")
    void conversionFailureQuarantines() {
        TdxGuest g = Boot.boot(td);
        td.vmm.put(MAP_GPA, in -> FakeTd.answer(in, TdvmcallStatus.INVALID_OPERAND, in.r12()));
        assertThatThrownBy(() -> g.sharedMemory().share(4)).isInstanceOfSatisfying(MemoryConversionException.class,
                e -> assertThat(e.origin()).isEqualTo(Origin.VMM));
        GuestPages.Quarantined q = g.pages().quarantined().getFirst();
        assertThat(q.pages()).isEqualTo(4);
        assertThat(g.pages().isQuarantined(q.start())).isTrue();
        assertThatThrownBy(() -> g.pages().free(q.start(), 4)).isInstanceOf(PagePoolException.class);

        td.vmm.put(MAP_GPA, in -> in.withR10(0));
        SharedBuffer next = g.sharedMemory().share(4);
        assertThat(next.gpa() >= q.start() + 4 * 4096 || next.gpa() + 4 * 4096 <= q.start()).as("disjoint from the quarantine").isTrue();
    }

    @Test
    @DisplayName("Unshare: MapGPA to private, accept, free; a failed accept quarantines instead of freeing")
    void unshare() {
        TdxGuest g = Boot.boot(td);
        td.vmm.put(MAP_GPA, in -> {
            if ((in.r12() & td.sharedMask()) == 0) {
                td.addPending(in.r12(), in.r12() + in.r13()); // the VMM maps the pages back as pending private
            }
            return in.withR10(0);
        });
        int free = g.pages().freePages();
        SharedBuffer b = g.sharedMemory().share(2);
        td.accepted.remove(b.gpa());
        td.accepted.remove(b.gpa() + 4096);
        g.sharedMemory().unshare(b);
        assertThat(g.pages().freePages()).isEqualTo(free);
        assertThat(td.countLeaf(TdcallLeaf.TDG_MEM_PAGE_ACCEPT)).isGreaterThanOrEqualTo(2);

        SharedBuffer c = g.sharedMemory().share(1);
        td.vmm.put(MAP_GPA, in -> in.withR10(0)); // the VMM says done but never adds the pages
        assertThatThrownBy(() -> g.sharedMemory().unshare(c)).isInstanceOf(MemoryConversionException.class);
        assertThat(g.pages().isQuarantined(c.gpa())).isTrue();
    }
}
