package io.github.tdx4j.guest.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.GuestBugException;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MapGPA's preconditions on the range the guest asks for, and its bound on RETRY answers without progress: the
 * exact edges, since a bounds mutant survives tests that only use values far from the bound.
 */
class MapGpaRangeTest {
    private static final long MAP_GPA = TdvmcallSubFunction.MAP_GPA.raw();

    private final FakeTd td = new FakeTd();
    private final MapGpa mapGpa = new MapGpa(Boot.boot(td).calls(), td.sharedMask());

    @ParameterizedTest(name = "[{0}, {1})")
    @CsvSource({
            "0x100800, 0x104000",           // start not 4K-aligned
            "0x100000, 0x104800",           // end not 4K-aligned
            "0x100000, 0x100000",           // empty
            "0x104000, 0x100000",           // end before start
            "0x8000000000000, 0x8000000004000", // start carries the shared bit (bit 51)
            "0x7ffffffffe000, 0x8000000001000", // the last page, end - 1, carries the shared bit
            "0x100000, 0x8000000000001000", // end above every GPA (bit 63), its shared bit clear
            "0x100000, 0x100800",           // end misaligned by half a page, start aligned
            "0x100800, 0x101000",           // start misaligned, end the next page
    })
    @DisplayName("MapGPA of a misaligned, empty, reversed, shared-bit or beyond-the-shared-bit range is the guest's bug: refused with "
            + "site tdx.mapgpa.range before any TDVMCALL")
    void badRangeRefusedBeforeAnyTdvmcall(String start, String end) {
        long s = Long.parseUnsignedLong(start.substring(2), 16);
        long e = Long.parseUnsignedLong(end.substring(2), 16);
        for (boolean shared : new boolean[] {true, false}) {
            assertThatThrownBy(() -> mapGpa.map(s, e, shared)).isInstanceOfSatisfying(GuestBugException.class, x -> {
                assertThat(x.failure().site()).isEqualTo("tdx.mapgpa.range");
                assertThat(x.origin()).isEqualTo(Origin.GUEST_BUG);
            });
        }
        assertThat(td.vmcalls(MAP_GPA)).isEmpty();
    }

    @Test
    @DisplayName("MapGPA of one page, and of the last page below the shared bit, reaches the VMM with exact R12/R13")
    void smallestAndHighestRangesAreSent() {
        long sharedBit = td.sharedMask();
        assertThat(mapGpa.map(0x100000, 0x101000, false)).isNull();
        assertThat(mapGpa.map(sharedBit - 0x1000, sharedBit, true)).isNull();
        assertThat(td.vmcalls(MAP_GPA)).extracting(Registers::r12, Registers::r13).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0x100000L, 0x1000L),
                org.assertj.core.groups.Tuple.tuple((sharedBit - 0x1000) | sharedBit, 0x1000L));
    }

    @Test
    @DisplayName("MapGPA gives up after exactly 3 RETRY answers without progress (Linux max_retries_per_page), "
            + "never a 4th TDVMCALL")
    void noProgressStopsAfterExactlyThreeRetries() {
        AtomicInteger answered = new AtomicInteger();
        td.vmm.put(MAP_GPA, in -> {
            answered.incrementAndGet();
            return FakeTd.answer(in, TdvmcallStatus.RETRY, in.r12());
        });
        TdxFailure f = mapGpa.map(0x100000, 0x104000, false);
        assertThat(f).isNotNull();
        assertThat(f.site()).isEqualTo("tdx.mapgpa.no-progress");
        assertThat(f.origin()).isEqualTo(Origin.VMM);
        assertThat(answered).hasValue(3);
        assertThat(MapGpa.MAX_RETRIES_PER_PAGE).as("the documented bound").isEqualTo(3);
    }

    @Test
    @DisplayName("Two RETRY answers without progress are tolerated: the third call's SUCCESS completes the map")
    void twoRetriesWithoutProgressThenSuccess() {
        AtomicInteger answered = new AtomicInteger();
        td.vmm.put(MAP_GPA, in -> answered.incrementAndGet() <= 2
                ? FakeTd.answer(in, TdvmcallStatus.RETRY, in.r12()) : in.withR10(0));
        assertThat(mapGpa.map(0x100000, 0x104000, false)).isNull();
        assertThat(answered).hasValue(3);
    }

    @Test
    @DisplayName("A RETRY resuming at the last page of the range is progress; at the range's end it is refused")
    void retryResumeAtLastPageAndAtEnd() {
        AtomicInteger answered = new AtomicInteger();
        td.vmm.put(MAP_GPA, in -> answered.incrementAndGet() == 1
                ? FakeTd.answer(in, TdvmcallStatus.RETRY, 0x103000) : in.withR10(0));
        assertThat(mapGpa.map(0x100000, 0x104000, false)).isNull();
        assertThat(td.vmcalls(MAP_GPA)).extracting(Registers::r12, Registers::r13).last()
                .isEqualTo(org.assertj.core.groups.Tuple.tuple(0x103000L, 0x1000L));

        td.vmm.put(MAP_GPA, in -> FakeTd.answer(in, TdvmcallStatus.RETRY, 0x104000));
        assertThat(mapGpa.map(0x100000, 0x104000, false).site()).isEqualTo("tdx.mapgpa.retry-address");
    }

    @Test
    @DisplayName("A VMM error from MapGPA is a security-sensitive failure, origin VMM, naming the range and R11")
    void vmmErrorIsSensitiveWithOriginVmm() {
        td.vmm.put(MAP_GPA, in -> FakeTd.answer(in, TdvmcallStatus.INVALID_OPERAND, 0x1234000));
        TdxFailure f = mapGpa.map(0x100000, 0x104000, true);
        assertThat(f.site()).isEqualTo("tdx.mapgpa.vmm-error");
        assertThat(f.origin()).isEqualTo(Origin.VMM);
        assertThat(f.sensitivity()).isEqualTo(io.github.tdx4j.call.Sensitivity.SECURITY_SENSITIVE);
        assertThat(f.detail()).contains("to shared").contains("R11=0x1234000");
    }
}
