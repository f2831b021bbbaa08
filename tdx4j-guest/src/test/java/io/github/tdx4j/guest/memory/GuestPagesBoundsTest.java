package io.github.tdx4j.guest.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.call.GuestBugException;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxFailure;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The page pool at its edges: the last page, one page past it, and frees and quarantines out of range. */
class GuestPagesBoundsTest {
    private static final long BASE = 0x1000_0000L;
    private static final long PAGE = 4096;
    private static final TdxFailure WHY = TdxFailure.of(Origin.VMM, "test.reason", "conversion failed");

    /** A pool of exactly four pages. */
    private final GuestPages pool = new GuestPages(BASE, 4 * PAGE);

    @Test
    @DisplayName("The whole pool is one allocation: four pages from a four-page pool, then nothing is left")
    void wholePoolIsOneAllocation() {
        assertThat(pool.allocate(4)).isEqualTo(BASE);
        assertThat(pool.freePages()).isZero();
        assertThatThrownBy(() -> pool.allocate(1)).isInstanceOfSatisfying(PagePoolException.class,
                e -> assertThat(e.failure().site()).isEqualTo("tdx.pages.exhausted"));
    }

    @Test
    @DisplayName("Five pages from a four-page pool is exhausted, not an allocation running past the pool's end")
    void onePageMoreThanThePoolIsExhausted() {
        assertThatThrownBy(() -> pool.allocate(5)).isInstanceOfSatisfying(PagePoolException.class,
                e -> assertThat(e.failure().site()).isEqualTo("tdx.pages.exhausted"));
        assertThat(pool.freePages()).isEqualTo(4);
    }

    @Test
    @DisplayName("First fit hands out the pool's last page exactly, and a run that would cross the end is refused")
    void lastPageIsHandedOutAndNoRunCrossesTheEnd() {
        assertThat(pool.allocate(1)).isEqualTo(BASE);
        assertThat(pool.allocate(2)).isEqualTo(BASE + PAGE);
        assertThat(pool.allocate(1)).as("the last page").isEqualTo(BASE + 3 * PAGE);
        pool.free(BASE, 1);
        pool.free(BASE + 3 * PAGE, 1);
        assertThat(pool.freePages()).isEqualTo(2);
        assertThatThrownBy(() -> pool.allocate(2)).as("two free pages, but not contiguous")
                .isInstanceOf(PagePoolException.class);
        assertThat(pool.allocate(1)).isEqualTo(BASE);
        assertThat(pool.allocate(1)).isEqualTo(BASE + 3 * PAGE);
    }

    @Test
    @DisplayName("First fit skips a used page and takes the first free run after it")
    void firstFitSkipsUsedRun() {
        pool.allocate(1);
        long second = pool.allocate(1);
        pool.allocate(1);
        pool.free(second, 1);
        assertThat(pool.allocate(1)).isEqualTo(BASE + PAGE);
        pool.free(BASE + PAGE, 1);
        assertThatThrownBy(() -> pool.allocate(2)).isInstanceOf(PagePoolException.class);
    }

    @ParameterizedTest(name = "free(base {0} pages, {1})")
    @CsvSource({
            "-1, 1",  // the page before the pool
            "4,  1",  // the page after the pool
            "3,  2",  // starts at the last page, runs one past the end
            "0,  5",  // the whole pool and one more
            "0,  0",  // no pages
            "0, -1",  // a negative count
    })
    @DisplayName("Freeing or quarantining pages outside the pool is the guest's bug (tdx.pages.range); nothing changes")
    void outOfRangeFreeAndQuarantineAreRefused(long firstPage, int pages) {
        pool.allocate(4);
        long gpa = BASE + firstPage * PAGE;
        assertThatThrownBy(() -> pool.free(gpa, pages)).isInstanceOfSatisfying(GuestBugException.class, e -> {
            assertThat(e.failure().site()).isEqualTo("tdx.pages.range");
            assertThat(e.origin()).isEqualTo(Origin.GUEST_BUG);
        });
        assertThatThrownBy(() -> pool.quarantine(gpa, pages, WHY)).isInstanceOfSatisfying(GuestBugException.class,
                e -> assertThat(e.failure().site()).isEqualTo("tdx.pages.range"));
        assertThat(pool.freePages()).isZero();
        assertThat(pool.quarantined()).isEmpty();
    }

    @Test
    @DisplayName("A free at a GPA inside a page but not at its start is refused")
    void misalignedFreeIsRefused() {
        pool.allocate(2);
        assertThatThrownBy(() -> pool.free(BASE + 0x800, 1)).isInstanceOf(GuestBugException.class);
        assertThat(pool.freePages()).isEqualTo(2);
    }

    @Test
    @DisplayName("Freeing the last page alone, and the whole pool, are in range")
    void freeAtTheEdgesIsAccepted() {
        pool.allocate(4);
        pool.free(BASE + 3 * PAGE, 1);
        assertThat(pool.freePages()).isEqualTo(1);
        pool.free(BASE, 4);
        assertThat(pool.freePages()).isEqualTo(4);
    }

    @Test
    @DisplayName("Quarantine of the last page: it reads as quarantined, stays allocated, and is never freed")
    void quarantineOfTheLastPage() {
        pool.allocate(4);
        pool.free(BASE + 3 * PAGE, 1);
        pool.quarantine(BASE + 3 * PAGE, 1, WHY);
        assertThat(pool.isQuarantined(BASE + 3 * PAGE)).isTrue();
        assertThat(pool.isQuarantined(BASE + 2 * PAGE)).isFalse();
        assertThat(pool.freePages()).isZero();
        assertThat(pool.quarantined()).containsExactly(new GuestPages.Quarantined(BASE + 3 * PAGE, 1, WHY));
        assertThatThrownBy(() -> pool.free(BASE + 2 * PAGE, 2)).as("a range that includes a quarantined page")
                .isInstanceOfSatisfying(PagePoolException.class,
                        e -> assertThat(e.failure().site()).isEqualTo("tdx.pages.quarantined"));
        pool.free(BASE + 2 * PAGE, 1);
        assertThat(pool.freePages()).isEqualTo(1);
    }

    @Test
    @DisplayName("isQuarantined outside the pool is false (no exception), right before and right after it")
    void isQuarantinedOutsideThePool() {
        pool.allocate(4);
        pool.quarantine(BASE, 4, WHY);
        assertThat(pool.isQuarantined(BASE - 1)).isFalse();
        assertThat(pool.isQuarantined(BASE - PAGE)).isFalse();
        assertThat(pool.isQuarantined(BASE + 4 * PAGE)).isFalse();
        assertThat(pool.isQuarantined(BASE)).isTrue();
        assertThat(pool.isQuarantined(BASE + 4 * PAGE - 1)).isTrue();
    }

    @Test
    @DisplayName("allocate(0) and allocate(-1) are the guest's bug (tdx.pages.count)")
    void allocateNothingIsRefused() {
        for (int n : new int[] {0, -1}) {
            assertThatThrownBy(() -> pool.allocate(n)).isInstanceOfSatisfying(GuestBugException.class,
                    e -> assertThat(e.failure().site()).isEqualTo("tdx.pages.count"));
        }
        assertThat(pool.freePages()).isEqualTo(4);
    }

    @ParameterizedTest(name = "base {0}, {1} bytes")
    @CsvSource({"0x1000, 0", "0x1000, -4096", "0x1800, 4096", "0x1000, 6144", "0, 0x80000000000000"})
    @DisplayName("A pool that is not whole 4K pages, is empty, or has more than Integer.MAX_VALUE pages is refused")
    void badPoolsAreRefused(String base, String bytes) {
        assertThatThrownBy(() -> new GuestPages(Long.decode(base), Long.decode(bytes)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("The pool reports its base and size; a one-page pool works")
    void sizeAndOnePagePool() {
        assertThat(pool.base()).isEqualTo(BASE);
        assertThat(pool.bytes()).isEqualTo(4 * PAGE);
        GuestPages one = new GuestPages(0x1000, PAGE);
        assertThat(one.allocate(1)).isEqualTo(0x1000);
        assertThat(one.freePages()).isZero();
    }

    @Test
    @DisplayName("The largest pool is Integer.MAX_VALUE pages: accepted and usable, a run past its end is exhausted "
            + "(no int overflow), one page more is refused")
    void largestPool() {
        GuestPages largest = new GuestPages(0, (long) Integer.MAX_VALUE * PAGE);
        assertThat(largest.freePages()).isEqualTo(Integer.MAX_VALUE);
        assertThat(largest.allocate(1)).isZero();
        assertThat(largest.isQuarantined((long) (Integer.MAX_VALUE - 1) * PAGE)).isFalse();
        assertThatThrownBy(() -> largest.allocate(Integer.MAX_VALUE)).as("no int overflow past the end")
                .isInstanceOf(PagePoolException.class);
        assertThatThrownBy(() -> new GuestPages(0, ((long) Integer.MAX_VALUE + 1) * PAGE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
