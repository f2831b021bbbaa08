package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.sim.qgs.SimulatedQgsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tdx4j detect} on whatever machine runs the tests: its JSON, and an exit code that agrees with it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DetectCommandTest {
    private static final List<String> ITEMS = List.of("cpuFlag", "reportDevice", "configfsTsm", "measurements");

    @Test
    @DisplayName("detect --json names every interface with present, path and detail; exit 0 only when all are present, else 2")
    void jsonAndExitCodeAgree() throws Exception {
        CliRun r = CliRun.of("detect", "--json");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("kernel").asText()).isNotBlank();
        List<String> missing = new ArrayList<>();
        for (String item : ITEMS) {
            JsonNode n = j.get(item);
            assertThat(n).as(item).isNotNull();
            assertThat(n.get("path").asText()).as(item).startsWith("/");
            assertThat(n.get("detail").asText()).as(item).isNotBlank();
            if (!n.get("present").asBoolean()) {
                missing.add(item);
            }
        }
        assertThat(r.exitCode()).as("missing: %s", missing).isEqualTo(missing.isEmpty() ? Main.OK : Main.CHECK_FAILED);
        assertThat(r.err()).isEmpty();
    }

    @Test
    @DisplayName("detect --qgs-socket reports a listening simulated QGS as present; QGS never decides the exit code")
    void qgsSocket(@TempDir Path tmp) throws Exception {
        try (SimulatedQgsServer qgs = SimulatedQgsServer.start(tmp.resolve("qgs.sock"), report -> new byte[1])) {
            CliRun up = CliRun.of("detect", "--json", "--qgs-socket", qgs.socketPath().toString());
            JsonNode j = new ObjectMapper().readTree(up.out());
            assertThat(j.get("qgs").get("present").asBoolean()).isTrue();
            assertThat(j.get("qgs").get("path").asText()).isEqualTo("UNIX socket " + qgs.socketPath());
            CliRun down = CliRun.of("detect", "--json", "--qgs-socket", tmp.resolve("none.sock").toString());
            JsonNode k = new ObjectMapper().readTree(down.out());
            assertThat(k.get("qgs").get("present").asBoolean()).isFalse();
            assertThat(k.get("qgs").get("detail").asText()).contains("unreachable");
            assertThat(down.exitCode()).isEqualTo(up.exitCode());
        }
    }

    @Test
    @DisplayName("detect without QGS options reads the conf file given and says QGS is not configured when it has no port")
    void qgsNotConfigured(@TempDir Path tmp) throws Exception {
        Path conf = tmp.resolve("tdx-attest.conf");
        Files.writeString(conf, "# port = 4050\n");
        JsonNode j = new ObjectMapper().readTree(CliRun.of("detect", "--json", "--attest-conf", conf.toString()).out());
        assertThat(j.get("qgs").get("present").asBoolean()).isFalse();
        assertThat(j.get("qgs").get("detail").asText()).contains("not configured").contains("has no 'port = N' line");
    }

    @Test
    @DisplayName("detect --qgs-port out of range is one sentence and exit 1")
    void badQgsPort() {
        CliRun r = CliRun.of("detect", "--qgs-port", "0");
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err()).isEqualTo("tdx4j detect: --qgs-port must be a vsock port 1..4294967294, got 0.\n");
    }

    @Test
    @DisplayName("detect's TDX guest verdict is the tdx_guest flag of /proc/cpuinfo, read here independently")
    void cpuFlagMatchesCpuinfo() throws Exception {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        boolean flag = Files.isReadable(cpuinfo) && Files.readAllLines(cpuinfo).stream()
                .filter(l -> l.startsWith("flags"))
                .anyMatch(l -> List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")).contains("tdx_guest"));
        JsonNode j = new ObjectMapper().readTree(CliRun.of("detect", "--json").out());
        assertThat(j.get("tdxGuest").asBoolean()).isEqualTo(flag);
        assertThat(j.get("cpuFlag").get("present").asBoolean()).isEqualTo(flag);
    }

    @Test
    @DisplayName("detect with a missing QGS socket or a directory as conf: reasons in words (was 'SocketException: No such file or directory', '(IOException)')")
    void qgsReasonsWithoutExceptionNames(@TempDir Path tmp) throws Exception {
        CliRun socket = CliRun.of("detect", "--json", "--qgs-socket", tmp.resolve("missing.sock").toString());
        String detail = new ObjectMapper().readTree(socket.out()).get("qgs").get("detail").textValue();
        assertThat(detail).contains("unreachable (no such file or directory)").doesNotContain("Exception");
        CliRun conf = CliRun.of("detect", "--json", "--attest-conf", tmp.toString());
        assertThat(new ObjectMapper().readTree(conf.out()).get("qgs").get("detail").textValue())
                .isEqualTo("not configured, quotes use configfs-tsm: " + tmp + " is a directory, not a tdx-attest.conf");
    }
}
