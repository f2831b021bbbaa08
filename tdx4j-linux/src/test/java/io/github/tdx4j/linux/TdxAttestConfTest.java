package io.github.tdx4j.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** /etc/tdx-attest.conf as libtdx_attest reads it: 'port = N' configures QGS over vsock. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TdxAttestConfTest {
    private static final Path FILE = Path.of("/etc/tdx-attest.conf");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "''{0}'' is port 4050")
    @ValueSource(strings = {"port = 4050", "port=4050", "  port\t=  4050  ", "port = 4050 # QGS", "x = 1\nport = 4050\n"})
    void portLine(String text) {
        assertThat(TdxAttestConf.parse(text, FILE)).isInstanceOfSatisfying(TdxAttestConf.Port.class,
                p -> assertThat(p.port()).isEqualTo(4050));
    }

    @Test
    @DisplayName("the file Intel ships, with its port line commented out, configures nothing")
    void shippedDefault() {
        assertThat(TdxAttestConf.parse("# The vsock port of QGS\n# port = 4050\n", FILE))
                .isInstanceOfSatisfying(TdxAttestConf.NotConfigured.class,
                        n -> assertThat(n.why()).contains("has no 'port = N' line"));
    }

    @ParameterizedTest(name = "''{0}'' is not a port and says which line")
    @ValueSource(strings = {"port = -1", "port = 0", "port = 4294967295", "port = 99999999999", "port = 0x10",
            "port = ", "port = 4050abc"})
    void badPort(String text) {
        assertThat(TdxAttestConf.parse(text, FILE)).isInstanceOfSatisfying(TdxAttestConf.NotConfigured.class,
                n -> assertThat(n.why()).contains("line 1").contains("is not a vsock port"));
    }

    @Test
    @DisplayName("the last port line wins; line numbers count from 1")
    void lastWins() {
        assertThat(TdxAttestConf.parse("port = 1\n\nport = 2\n", FILE)).isEqualTo(
                new TdxAttestConf.Port(2, FILE, 3));
    }

    @Test
    @DisplayName("a missing file says so and how the port line looks")
    void missingFile() {
        assertThat(TdxAttestConf.read(tmp.resolve("none.conf")).describe()).contains("does not exist")
                .contains("port = 4050");
    }

    @Test
    @DisplayName("a file larger than 64 KiB is not read")
    void tooLarge() throws Exception {
        Path big = tmp.resolve("big.conf");
        Files.write(big, new byte[TdxAttestConf.MAX_BYTES + 1]);
        assertThat(TdxAttestConf.read(big).describe()).contains("larger than");
    }
}
