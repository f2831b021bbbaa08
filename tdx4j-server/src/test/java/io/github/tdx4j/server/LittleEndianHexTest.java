package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The expected strings are claims as Trustee and Intel Trust Authority print them: Trustee's
 * {@code vectors/trustee/parse_tdx_claims_expected.json} ({@code "tee_type": "81000000"}, {@code "version": "0400"},
 * {@code "xfam": "e742060000000000"}) and Intel Trust Authority's published sample tokens
 * ({@code "tdx_td_attributes": "0000001000000000"} with {@code tdx_td_attributes_septve_disable} true).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LittleEndianHexTest {
    @Test
    @DisplayName("Integer fields print as the hex of their little-endian bytes, as Trustee and ITA print them")
    void printsTheQuoteBytesInTheirOrder() {
        assertThat(LittleEndianHex.of(0x642e7L, 8)).isEqualTo("e742060000000000");
        assertThat(LittleEndianHex.of(1L << 28, 8)).as("TDATTRIBUTES with SEPT_VE_DISABLE").isEqualTo("0000001000000000");
        assertThat(LittleEndianHex.of(0x81L, 4)).as("tee_type TDX").isEqualTo("81000000");
        assertThat(LittleEndianHex.of(4L, 2)).as("quote version 4").isEqualTo("0400");
        assertThat(LittleEndianHex.of(0x8000_0000_0000_0001L, 8)).as("PERFMON and DEBUG").isEqualTo("0100000000000080");
    }

    @Test
    @DisplayName("A value wider than its field, or a field of 0 or 9 bytes, is refused rather than cut")
    void refusesWhatDoesNotFit() {
        assertThatThrownBy(() -> LittleEndianHex.of(0x1_0000L, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("0x10000 does not fit in 2 bytes");
        assertThatThrownBy(() -> LittleEndianHex.of(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LittleEndianHex.of(1, 9)).isInstanceOf(IllegalArgumentException.class);
    }
}
