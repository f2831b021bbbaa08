package io.github.tdx4j.attest.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The runtime event log's format (CEL-JSON in an RFC 7464 sequence), its locking and its replay. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RuntimeEventLogTest {
    @TempDir
    Path tmp;
    Path log;
    FileRtmrs rtmrs;

    @BeforeEach
    void setUp() throws Exception {
        log = tmp.resolve("run/tdx4j/runtime-events.cel.json-seq");
        rtmrs = new FileRtmrs(Files.createDirectories(tmp.resolve("rtmr")));
    }

    private static byte[] filled(int b) {
        byte[] d = new byte[48];
        Arrays.fill(d, (byte) b);
        return d;
    }

    private List<byte[]> reported() {
        return List.of(rtmrs.read(0), rtmrs.read(1), rtmrs.read(2), rtmrs.read(3));
    }

    @Test
    @DisplayName("a record is 0x1E, the CEL-JSON text (recnum, pcr = CC MR index, sha384 digest, content), and a line feed")
    void recordBytes() throws Exception {
        RuntimeEventLog.at(log).record(3, filled(0xAB), "app.jar", rtmrs);
        String expected = "\u001e{\"recnum\":0,\"pcr\":4,\"digests\":[{\"hashAlg\":\"sha384\",\"digest\":\""
                + "ab".repeat(48) + "\"}],\"content_type\":\"tdx4j_rtmr\",\"content\":{\"description\":\"app.jar\","
                + "\"rtmr_before\":\"" + "00".repeat(48) + "\"}}\n";
        assertThat(Files.readString(log)).isEqualTo(expected);
        assertThat(rtmrs.read(3)).isEqualTo(RuntimeLogReplay.extend(new byte[48], filled(0xAB)));
    }

    @Test
    @DisplayName("a file that is not a runtime event log (a mistyped --event-log) is refused: left unchanged, no extend")
    void recordRefusesAFileThatIsNotALog() throws Exception {
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "my notes\n\u001e not a record\n");
        byte[] before = Files.readAllBytes(notes);
        java.io.UncheckedIOException e = catchThrowableOfType(java.io.UncheckedIOException.class,
                () -> RuntimeEventLog.at(notes).record(3, filled(0xAB), "app.jar", rtmrs));
        assertThat(e.getCause()).hasMessage("it is not a runtime event log: its first byte is not the record "
                + "separator 0x1E; name a new file or an existing log");
        assertThat(Files.readAllBytes(notes)).isEqualTo(before);
        assertThat(rtmrs.read(3)).isEqualTo(new byte[48]);
    }

    @Test
    @DisplayName("replay of extends of RTMR2 and RTMR3 reproduces the RTMRs, every record confirmed")
    void replayMatches() throws Exception {
        RuntimeEventLog events = RuntimeEventLog.at(log);
        events.record(2, filled(1), "one", rtmrs);
        events.record(3, filled(2), "two", rtmrs);
        events.record(2, filled(3), "three", rtmrs);
        RuntimeLogReplay.Result r = RuntimeLogReplay.replay(RuntimeLogReplay.zeros(), events.read(), reported());
        assertThat(r.matches()).isTrue();
        assertThat(r.confirmed()).extracting(RuntimeEvent::description).containsExactly("one", "two", "three");
        assertThat(r.unconfirmed()).isEmpty();
    }

    @Test
    @DisplayName("an extend that fails after its record was written leaves that record unconfirmed, named by replay")
    void failedExtendIsUnconfirmed() throws Exception {
        RuntimeEventLog events = RuntimeEventLog.at(log);
        events.record(2, filled(1), "one", rtmrs);
        RtmrDevice refusing = new RtmrDevice() {
            @Override
            public byte[] read(int index) {
                return rtmrs.read(index);
            }

            @Override
            public void extend(int index, byte[] digest) {
                throw new IllegalStateException("the TDX module refused");
            }
        };
        catchThrowableOfType(IllegalStateException.class, () -> events.record(2, filled(2), "refused", refusing));
        events.record(2, filled(3), "three", rtmrs);
        RuntimeLogReplay.Result r = RuntimeLogReplay.replay(RuntimeLogReplay.zeros(), events.read(), reported());
        assertThat(r.matches()).isTrue();
        assertThat(r.unconfirmed()).extracting(RuntimeEvent::recnum).containsExactly(1L);
        assertThat(r.confirmed()).extracting(RuntimeEvent::recnum).containsExactly(0L, 2L);
    }

    @Test
    @DisplayName("an extend outside the log makes that RTMR mismatch, saying so; other RTMRs still match")
    void extendOutsideLog() throws Exception {
        RuntimeEventLog events = RuntimeEventLog.at(log);
        events.record(2, filled(1), "one", rtmrs);
        rtmrs.extend(2, filled(9)); // not recorded
        events.record(3, filled(2), "two", rtmrs);
        RuntimeLogReplay.Result r = RuntimeLogReplay.replay(RuntimeLogReplay.zeros(), events.read(), reported());
        assertThat(r.matches()).isFalse();
        assertThat(r.rtmrs().get(2).matches()).isFalse();
        assertThat(r.rtmrs().get(2).detail()).contains("extended outside this log");
        assertThat(r.rtmrs().get(3).matches()).isTrue();
    }

    @Test
    @DisplayName("a record cut short by a crash is reported damaged; the next writer's record after it still reads, with the next recnum")
    void tornRecord() throws Exception {
        RuntimeEventLog events = RuntimeEventLog.at(log);
        events.record(2, filled(1), "one", rtmrs);
        Files.write(log, "\u001e{\"recnum\":1,\"pcr\":3,\"dig".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        events.record(2, filled(2), "after the crash", rtmrs);
        RuntimeEventLog.Contents c = events.read();
        assertThat(c.damaged()).singleElement().satisfies(d -> {
            assertThat(d.recnum()).isEqualTo(1);
            assertThat(d.reason()).contains("truncated");
        });
        assertThat(c.events()).extracting(RuntimeEvent::recnum).containsExactly(0L, 2L);
        RuntimeLogReplay.Result r = RuntimeLogReplay.replay(RuntimeLogReplay.zeros(), c, reported());
        assertThat(r.matches()).isTrue();
        assertThat(r.damaged()).hasSize(1);
    }

    @Test
    @DisplayName("boot values come first: a log whose first record starts from the CCEL's RTMR value matches")
    void bootValues() throws Exception {
        rtmrs.extend(2, filled(7)); // "firmware" measured into RTMR2 at boot
        RuntimeEventLog events = RuntimeEventLog.at(log);
        events.record(2, filled(1), "one", rtmrs);
        List<byte[]> boot = new ArrayList<>(RuntimeLogReplay.zeros());
        assertThat(RuntimeLogReplay.replay(boot, events.read(), reported()).matches()).isFalse();
        boot.set(2, RuntimeLogReplay.extend(new byte[48], filled(7)));
        assertThat(RuntimeLogReplay.replay(boot, events.read(), reported()).matches()).isTrue();
    }

    @Test
    @DisplayName("8 threads recording 25 extends each: 200 records, recnums 0..199, replay matches")
    void concurrentWriters() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    RuntimeEventLog events = RuntimeEventLog.at(log); // one object per thread, one file
                    for (int i = 0; i < 25; i++) {
                        events.record(2 + (i % 2), filled(thread * 25 + i), "t" + thread + " #" + i, rtmrs);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        RuntimeEventLog.Contents c = RuntimeEventLog.at(log).read();
        assertThat(c.events()).extracting(RuntimeEvent::recnum)
                .containsExactlyElementsOf(LongStream.range(0, 200).boxed().toList());
        assertThat(RuntimeLogReplay.replay(RuntimeLogReplay.zeros(), c, reported()).matches()).isTrue();
    }

    @Test
    @DisplayName("3 child JVMs recording 20 extends each at once: the file lock serialises them; 60 records, replay matches")
    void concurrentProcesses() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            children.add(new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
                    "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                    log.toString(), tmp.resolve("rtmr").toString(), "20", "-1", "NONE", String.valueOf(c))
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("child" + c + ".out").toFile()).start());
        }
        for (Process p : children) {
            try {
                assertThat(p.waitFor(100, TimeUnit.SECONDS)).as("child finished").isTrue();
                assertThat(p.exitValue()).as("child exit status").isZero();
            } finally {
                p.destroyForcibly();
            }
        }
        RuntimeEventLog.Contents c = RuntimeEventLog.at(log).read();
        assertThat(c.damaged()).isEmpty();
        assertThat(c.events()).extracting(RuntimeEvent::recnum)
                .containsExactlyElementsOf(LongStream.range(0, 60).boxed().toList());
        RuntimeLogReplay.Result r = RuntimeLogReplay.replay(RuntimeLogReplay.zeros(), c, reported());
        assertThat(r.matches()).isTrue();
        assertThat(r.confirmed()).hasSize(60);
    }

    @Test
    @DisplayName("a record whose recnum is out of sequence (a record removed) is damaged, not replayed")
    void recnumOutOfSequence() throws Exception {
        RuntimeEventLog events = RuntimeEventLog.at(log);
        events.record(2, filled(1), "one", rtmrs);
        events.record(2, filled(2), "two", rtmrs);
        byte[] all = Files.readAllBytes(log);
        int second = 1;
        while (all[second] != 0x1E) {
            second++;
        }
        Files.write(log, Arrays.copyOfRange(all, second, all.length)); // drop record 0
        RuntimeEventLog.Contents c = events.read();
        assertThat(c.events()).isEmpty();
        assertThat(c.damaged()).singleElement().satisfies(d -> assertThat(d.reason()).contains("recnum is 1"));
    }
}
