package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code tdx4j detect} on whatever machine runs the tests: its JSON, and an exit code that agrees with it. */
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
}
