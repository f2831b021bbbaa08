package io.github.tdx4j.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PageAcceptRcxTest {
    @Test
    @DisplayName("TDG.MEM.PAGE.ACCEPT RCX: level in bits 2:0 next to the GPA, as Linux tdx_accept_memory builds it")
    void encodes() {
        assertThat(PageAcceptRcx.of(0x1234_5000L, PageLevel.SIZE_4K).raw()).isEqualTo(0x1234_5000L);
        assertThat(PageAcceptRcx.of(0x4020_0000L, PageLevel.SIZE_2M).raw()).isEqualTo(0x4020_0001L);
        assertThat(PageAcceptRcx.of(0x8000_0000L, PageLevel.SIZE_1G).raw()).isEqualTo(0x8000_0002L);
        assertThat(PageAcceptRcx.of(0x000F_FFFF_FFFF_F000L, PageLevel.SIZE_4K).gpa()).isEqualTo(0x000F_FFFF_FFFF_F000L);
    }

    @Test
    @DisplayName("of() refuses a GPA not aligned to the page size or above bit 51, so no reserved bit is ever sent")
    void rangeChecked() {
        assertThatThrownBy(() -> PageAcceptRcx.of(0x1000L, PageLevel.SIZE_2M))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x1000");
        assertThatThrownBy(() -> PageAcceptRcx.of(0x1008L, PageLevel.SIZE_4K))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PageAcceptRcx.of(1L << 52, PageLevel.SIZE_4K))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a received RCX decodes without throwing: reserved bits 11:3 and 63:52 seen, level 3..7 is null")
    void decodesHostileValues() {
        PageAcceptRcx rcx = new PageAcceptRcx(0xFFF0_0000_4020_0FF9L);
        assertThat(rcx.hasReservedBits()).isTrue();
        assertThat(rcx.gpa()).isEqualTo(0x4020_0000L);
        assertThat(rcx.level()).isEqualTo(PageLevel.SIZE_2M);
        assertThat(new PageAcceptRcx(0x4020_0003L).level()).isNull();
        assertThat(new PageAcceptRcx(0x4020_0002L).hasReservedBits()).isFalse();
    }
}
