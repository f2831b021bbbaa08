package io.github.tdx4j.guest.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** QuoteOptions validation at its exact bounds: vectors 31/32 and 255/256, buffers of 0, 4K and 128 KiB ± 4K. */
class QuoteOptionsTest {
    private static final QuoteOptions BASE = QuoteOptions.LINUX;

    @Test
    @DisplayName("LINUX is 30 s timeout, 1 s poll, a 128 KiB buffer, no notify vector, 10 ms notify checks")
    void linuxDefaults() {
        assertThat(BASE).isEqualTo(new QuoteOptions(30_000_000_000L, 1_000_000_000L, 131_072, 0, 10_000_000L));
    }

    @ParameterizedTest(name = "vector {0}")
    @ValueSource(ints = {0, 32, 33, 254, 255})
    @DisplayName("Notify vector 0 (poll) and 32..255 inclusive are accepted")
    void vectorsAccepted(int vector) {
        assertThat(BASE.withNotifyVector(vector).notifyVector()).isEqualTo(vector);
    }

    @ParameterizedTest(name = "vector {0}")
    @ValueSource(ints = {1, 31, 256, -1, Integer.MIN_VALUE})
    @DisplayName("Notify vectors 1..31 (exceptions) and 256 and above are refused")
    void vectorsRefused(int vector) {
        assertThatThrownBy(() -> BASE.withNotifyVector(vector)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(": " + vector);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {4096, 8192, 126_976, 131_072})
    @DisplayName("Buffers of whole 4K pages from one page up to 128 KiB are accepted")
    void buffersAccepted(int bytes) {
        assertThat(BASE.withBufferBytes(bytes).bufferBytes()).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, -4096, 24, 4095, 4097, 135_168, 131_071, Integer.MIN_VALUE})
    @DisplayName("Buffers of 0, negative, not whole pages, or 128 KiB + 4K are refused")
    void buffersRefused(int bytes) {
        assertThatThrownBy(() -> BASE.withBufferBytes(bytes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(": " + bytes);
    }

    @Test
    @DisplayName("Timeout, poll interval and notify-check interval must be at least 1 ns")
    void intervalsMustBePositive() {
        for (long bad : new long[] {0, -1, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> BASE.withTimeout(bad)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> BASE.withPoll(bad)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new QuoteOptions(1, 1, 4096, 0, bad)).isInstanceOf(IllegalArgumentException.class);
        }
        QuoteOptions smallest = new QuoteOptions(1, 1, 4096, 0, 1);
        assertThat(smallest.withTimeout(1).timeoutNanos()).isEqualTo(1);
        assertThat(smallest.withPoll(1).pollNanos()).isEqualTo(1);
    }

    @Test
    @DisplayName("Each with-er changes its own field only")
    void withersChangeOneField() {
        assertThat(BASE.withTimeout(7)).isEqualTo(new QuoteOptions(7, 1_000_000_000L, 131_072, 0, 10_000_000L));
        assertThat(BASE.withPoll(7)).isEqualTo(new QuoteOptions(30_000_000_000L, 7, 131_072, 0, 10_000_000L));
        assertThat(BASE.withNotifyVector(40)).isEqualTo(new QuoteOptions(30_000_000_000L, 1_000_000_000L, 131_072, 40,
                10_000_000L));
        assertThat(BASE.withBufferBytes(8192)).isEqualTo(new QuoteOptions(30_000_000_000L, 1_000_000_000L, 8192, 0,
                10_000_000L));
    }
}
