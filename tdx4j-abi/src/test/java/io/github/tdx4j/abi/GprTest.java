package io.github.tdx4j.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GprTest {
    @Test
    @DisplayName("each register's number is its ModR/M code (Intel SDM Vol. 2, \"Register Codes\") and GPR_SELECT bit")
    void numbersAreTheArchitecturalCodes() {
        Gpr[] byCode = {Gpr.RAX, Gpr.RCX, Gpr.RDX, Gpr.RBX, Gpr.RSP, Gpr.RBP, Gpr.RSI, Gpr.RDI,
                Gpr.R8, Gpr.R9, Gpr.R10, Gpr.R11, Gpr.R12, Gpr.R13, Gpr.R14, Gpr.R15};
        for (int code = 0; code < 16; code++) {
            assertThat(byCode[code].number()).as(byCode[code].name()).isEqualTo(code);
            assertThat(byCode[code].bit()).as(byCode[code].name()).isEqualTo(1L << code);
            assertThat(Gpr.ofNumber(code)).isEqualTo(byCode[code]);
        }
        assertThat(Gpr.values()).hasSize(16);
    }

    @Test
    @DisplayName("a number outside 0..15 names no register")
    void outOfRange() {
        assertThatThrownBy(() -> Gpr.ofNumber(16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Gpr.ofNumber(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
