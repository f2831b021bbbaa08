package io.github.tdx4j.guest;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Boot information and ReportFatalError text at their edges, found by mutation testing (issue 18). */
class BootInfoEdgesTest {

    @Test
    @DisplayName("TDG.VP.INFO: NUM_VCPUS from R8[31:0], MAX_VCPUS from R8[63:32], VCPU_INDEX from R9[31:0]")
    void vcpuCountsFromVpInfo() {
        FakeTd td = new FakeTd();
        td.vpInfoR8 = 4L | (64L << 32);
        td.vpInfoR9 = 3;
        TdInfo info = TdxGuest.boot(td, Boot.TD_CPUID, Boot.config()).info();
        assertThat(info.numVcpus()).isEqualTo(4);
        assertThat(info.maxVcpus()).isEqualTo(64);
        assertThat(info.vcpuIndex()).isEqualTo(3);
    }

    @Test
    @DisplayName("ReportFatalError text: space (0x20) and '~' (0x7E) pass; 0x1F and DEL (0x7F) become '?'")
    void printableAsciiBounds() {
        long r14 = FatalErrorReporter.request("a b~\u001f\u007f").r14();
        String sent = new String(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(r14).array(),
                StandardCharsets.US_ASCII);
        assertThat(sent).isEqualTo("a b~??\0\0");
    }
}
