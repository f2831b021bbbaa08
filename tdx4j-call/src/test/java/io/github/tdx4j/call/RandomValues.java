package io.github.tdx4j.call;

import java.util.SplittableRandom;
import java.util.stream.LongStream;

/** Seeded values for property-style parameterised tests; the failing value appears in the test name. */
final class RandomValues {
    private RandomValues() {
    }

    static LongStream longs(long seed, int count) {
        return LongStream.concat(LongStream.of(0, 1, 2, 3, -1, Long.MIN_VALUE, Long.MAX_VALUE,
                0x8000000000000000L, 0x8000000000000001L, 0x8000000000000002L, 0x8000000000000003L,
                0x8000000000000004L), new SplittableRandom(seed).longs(count));
    }
}
