package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.attest.eventlog.RtmrDevice;
import io.github.tdx4j.attest.eventlog.RuntimeEventLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime event log end to end on the simulator: {@code extend} records, {@code quote} quotes the same simulated
 * TD, {@code rtmr --replay} and {@code verify --event-log} replay the log against its RTMRs.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RuntimeLogFlowTest {
    private static final String A = "a1".repeat(48);
    private static final String B = "b2".repeat(48);

    @TempDir
    Path tmp;
    Path log;

    @BeforeEach
    void setUp() {
        log = tmp.resolve("td/events.cel.json-seq");
    }

    private CliRun extend(int rtmr, String digest, String description) {
        return CliRun.of("extend", "--simulated", "--event-log", log.toString(), "--rtmr", String.valueOf(rtmr),
                "--digest", digest, "--description", description);
    }

    private CliRun replay() {
        return CliRun.of("rtmr", "--simulated", "--event-log", log.toString(), "--replay");
    }

    @Test
    @DisplayName("extend twice, then rtmr --replay and verify --event-log on a fresh quote both match")
    void extendQuoteVerify() throws Exception {
        assertThat(extend(3, A, "app.jar").out()).contains("logged   record 0 in " + log);
        CliRun second = extend(2, B, "config");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("logged   record 1");

        CliRun r = replay();
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(Main.OK);
        assertThat(r.out()).contains("matches the RTMRs: 2 record(s) confirmed, 0 unconfirmed, 0 damaged");

        Path quote = tmp.resolve("q.dat");
        Path collateral = tmp.resolve("c.json");
        Path root = tmp.resolve("root.pem");
        CliRun q = CliRun.of("quote", "--simulated", "--event-log", log.toString(), "--out", quote.toString(),
                "--collateral-out", collateral.toString(), "--root-out", root.toString());
        assertThat(q.exitCode()).as(q.err()).isZero();
        CliRun v = CliRun.of("verify", quote.toString(), "--collateral", collateral.toString(), "--root",
                root.toString(), "--event-log", log.toString(), "--json");
        assertThat(v.exitCode()).as(v.out() + v.err()).isEqualTo(Main.OK);
        JsonNode j = new ObjectMapper().readTree(v.out());
        assertThat(j.get("eventLog").get("matches").asBoolean()).isTrue();
        assertThat(j.get("eventLog").get("confirmed").asInt()).isEqualTo(2);
    }

    @Test
    @DisplayName("a record whose extend never happened is named by rtmr --replay, which still matches")
    void unconfirmedRecord() throws Exception {
        extend(3, A, "app.jar");
        RtmrDevice dying = new RtmrDevice() {
            @Override
            public byte[] read(int index) {
                return new byte[48]; // RTMR3 before the first extend is what the simulated TD reported then
            }

            @Override
            public void extend(int index, byte[] digest) {
                throw new IllegalStateException("the writer died before the extend");
            }
        };
        try {
            RuntimeEventLog.at(log).record(2, new byte[48], "never extended", dying);
        } catch (IllegalStateException expected) {
            // the record stays; its extend never happened
        }
        CliRun r = replay();
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(Main.OK);
        assertThat(r.out()).contains("1 record(s) confirmed, 1 unconfirmed")
                .contains("unconfirmed record 1 (RTMR2").contains("never extended");
    }

    @Test
    @DisplayName("an extend that bypassed the log makes rtmr --replay and verify --event-log exit 2 with the RTMR named")
    void extendOutsideLog() throws Exception {
        extend(3, A, "app.jar");
        Files.writeString(RuntimeLog.simulatedState(log), "3 " + B + "\n", StandardCharsets.US_ASCII,
                StandardOpenOption.APPEND); // the simulated TD extended RTMR3 without a record
        CliRun r = replay();
        assertThat(r.exitCode()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.out()).contains("DOES NOT MATCH").contains("RTMR3 was extended outside this log");
    }

    @Test
    @DisplayName("--ccel puts the boot's RTMRs first: a real TD's CCEL (RTMR0/1 extended) does not match the simulated TD's zero RTMR0")
    void ccelFirst() {
        extend(3, A, "app.jar");
        Path ccel = TestVectors.DIR.resolve("go-tdx-guest/ccel/ccel_data.dat");
        CliRun r = CliRun.of("rtmr", "--simulated", "--event-log", log.toString(), "--replay", "--ccel",
                ccel.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.out()).contains("after the CCEL " + ccel).contains("RTMR0 is 000000")
                .contains("but the boot value is");
    }

    @Test
    @DisplayName("a damaged simulated TD state is one sentence and exit 1; verify --ccel without --event-log too")
    void usageErrors() throws Exception {
        extend(3, A, "app.jar");
        Files.writeString(RuntimeLog.simulatedState(log), "3 zz\n", StandardCharsets.US_ASCII,
                StandardOpenOption.APPEND);
        CliRun r = replay();
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("is damaged at '3 zz'").doesNotContain("Exception");
        CliRun v = CliRun.of("verify", "q.dat", "--collateral", "c.json", "--ccel", "x");
        assertThat(v.exitCode()).isEqualTo(Main.USAGE);
        assertThat(v.err()).isEqualTo("tdx4j verify: --ccel is replayed together with a runtime event log: add "
                + "--event-log FILE\n");
    }

    @Test
    @DisplayName("rtmr --replay --simulated without --event-log is one sentence and exit 1")
    void replayNeedsLog() {
        CliRun r = CliRun.of("rtmr", "--simulated", "--replay");
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err()).startsWith("tdx4j rtmr: --replay with --simulated needs --event-log FILE");
    }

    /** One sentence on stderr, exit 1, nothing on stdout, no Java exception or decoder text. */
    private static void oneSentence(CliRun r, String expected) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(Main.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).containsExactly(expected);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("Input length");
    }

    @Test
    @DisplayName("extend --event-log DIR: 'is a directory; name the log file' (was 'runtime event log DIR: FileSystemException ...')")
    void extendIntoADirectory() {
        oneSentence(CliRun.of("extend", "--simulated", "--event-log", tmp.toString(), "--rtmr", "3", "--digest", A),
                "tdx4j extend: --event-log " + tmp + " is a directory; name the log file.");
    }

    @Test
    @DisplayName("extend --event-log FILE/log: 'FILE is a file, not a folder' (was FileAlreadyExistsException's bare path)")
    void extendUnderAFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "notes");
        Path under = file.resolve("events.cel.json-seq");
        oneSentence(CliRun.of("extend", "--simulated", "--event-log", under.toString(), "--rtmr", "3", "--digest", A),
                "tdx4j extend: --event-log " + under + " cannot be made: " + file + " is a file, not a folder.");
    }

    @Test
    @DisplayName("extend --event-log naming a file that is not a log: refused and the file left as it was (was appended to)")
    void extendIntoAFileThatIsNotALog() throws Exception {
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "my notes\n");
        oneSentence(CliRun.of("extend", "--simulated", "--event-log", notes.toString(), "--rtmr", "3", "--digest", A),
                "tdx4j extend: cannot record the extend in " + notes + " (it is not a runtime event log: its first "
                        + "byte is not the record separator 0x1E; name a new file or an existing log).");
        assertThat(Files.readString(notes)).isEqualTo("my notes\n");
    }

    @Test
    @DisplayName("rtmr --replay and verify --event-log with a directory: one sentence naming it (was a bare 'Is a directory')")
    void replayFromADirectory() {
        oneSentence(CliRun.of("rtmr", "--simulated", "--event-log", tmp.toString(), "--replay"),
                "tdx4j rtmr: cannot read the runtime event log " + tmp + " (it is a directory).");
    }

    @Test
    @DisplayName("a simulated TD state file of random bytes: 'is damaged at ...', not the decoder's 'Input length = 1'")
    void binarySimulatedState() throws Exception {
        Files.createDirectories(log.getParent());
        Files.write(RuntimeLog.simulatedState(log), new byte[] {(byte) 0x89, 'P', 'N', 'G', '\n'});
        oneSentence(replay(), "tdx4j rtmr: " + RuntimeLog.simulatedState(log) + " is damaged at '?PNG…': remove it "
                + "with its log to start a new simulated TD.");
    }
}
