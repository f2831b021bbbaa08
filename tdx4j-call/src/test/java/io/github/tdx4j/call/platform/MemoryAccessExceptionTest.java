package io.github.tdx4j.call.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Sensitivity;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MemoryAccessExceptionTest {
    @Test
    @DisplayName("A memory access the platform cannot perform is the guest's bug, at site tdx.memory.access, with the GPA in hex")
    void guestBugWithTheGpa() {
        MemoryAccessException e = new MemoryAccessException(0x1_2345_6000L, "read of an unaccepted private page");
        assertThat(e.gpa()).isEqualTo(0x1_2345_6000L);
        assertThat(e.origin()).isEqualTo(Origin.GUEST_BUG);
        assertThat(e.failure().site()).isEqualTo("tdx.memory.access");
        assertThat(e.failure().sensitivity()).isEqualTo(Sensitivity.ORDINARY);
        assertThat(e.failure().detail()).isEqualTo("read of an unaccepted private page at GPA 0x123456000");
        assertThat(e.getMessage())
                .isEqualTo("[GUEST_BUG] tdx.memory.access: read of an unaccepted private page at GPA 0x123456000");
    }
}
