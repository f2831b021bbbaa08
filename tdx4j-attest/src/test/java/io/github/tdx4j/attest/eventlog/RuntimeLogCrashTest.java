package io.github.tdx4j.attest.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency of {@link RuntimeEventLog}: a writer dies at every step of recording an extend (lock held,
 * record written, record synced, RTMR extended), many times over a seeded schedule, and after every death replay
 * either matches the RTMRs with no unconfirmed record, or matches them and names exactly the records whose extend
 * never happened. Never a mismatch, never a silently matched or dropped record.
 *
 * <p>Two kinds of death. {@link #killPointsInProcess()}: a kill-point hook ends the writer where it stands by
 * throwing, which leaves the file as a killed process does (written bytes are in the kernel's page cache either way;
 * the file lock is released as the kernel releases a dead process's locks); thousands of kill points in seconds.
 * {@link #childJvmKilled()}: real child JVMs killed with SIGKILL at each step, started ahead of their turn so that a
 * kill does not wait for a JVM start; 8 by default, 1,000 in .ci/run ({@code -Dtdx4j.crashChildren=N}). Power loss
 * (the page cache lost) is not simulated.
 *
 * <p>A failure prints the seed and run number that replay it.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RuntimeLogCrashTest {
    private static final long SEED = 0x7D4A_2026L;
    private static final int IN_PROCESS_KILL_POINTS = 2000;
    private static final int RUNS_PER_TD = 25;
    /** SIGKILLs in the default suite: each step twice. */
    private static final int DEFAULT_CHILD_KILLS = 8;
    private static final RuntimeEventLog.Step[] STEPS = RuntimeEventLog.Step.values();

    /**
     * The logs live on a tmpfs when there is one, as the default log under /run does: what is tested is process
     * death, which leaves the page cache intact, so fsync's durability is not what is tested and its cost on a disk
     * would only slow the test.
     */
    private Path tmp;

    @BeforeEach
    void folder(@TempDir Path fallback) throws IOException {
        Path shm = Path.of("/dev/shm");
        tmp = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "tdx4j-crash-")
                : fallback;
    }

    @AfterEach
    void removeFolder() throws IOException {
        if (tmp != null && tmp.startsWith("/dev/shm")) {
            try (var walk = Files.walk(tmp)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Thrown by the hook: the writer "dies" here. */
    private static final class Death extends Error {
        private static final long serialVersionUID = 1L;

        Death() {
            super(null, null, false, false);
        }
    }

    /** What the parent expects: how many records exist and which never got their extend. */
    private static final class Expectation {
        long records;
        final List<Long> unconfirmed = new ArrayList<>();

        /** Record {@code recnum} died at {@code step}. */
        void diedAt(RuntimeEventLog.Step step, long recnum) {
            switch (step) {
                case LOCKED -> records = recnum; // nothing written
                case WRITTEN, SYNCED -> {
                    records = recnum + 1;
                    unconfirmed.add(recnum);
                }
                case EXTENDED -> records = recnum + 1;
            }
        }
    }

    private static void checkReplay(Path log, FileRtmrs rtmrs, Expectation expected, String replay)
            throws IOException {
        RuntimeEventLog.Contents contents = RuntimeEventLog.at(log).read();
        List<byte[]> reported = List.of(rtmrs.read(0), rtmrs.read(1), rtmrs.read(2), rtmrs.read(3));
        RuntimeLogReplay.Result r = RuntimeLogReplay.replay(RuntimeLogReplay.zeros(), contents, reported);
        assertThat(r.matches()).as("replay matches the RTMRs (%s): %s", replay, r.rtmrs()).isTrue();
        assertThat(contents.damaged()).as("no damaged record (%s)", replay).isEmpty();
        assertThat(contents.events()).as("records in the log (%s)", replay).hasSize((int) expected.records);
        assertThat(r.unconfirmed().stream().map(RuntimeEvent::recnum).toList())
                .as("exactly the records whose extend never happened (%s)", replay)
                .isEqualTo(expected.unconfirmed);
        assertThat(r.confirmed().size() + r.unconfirmed().size()).as(replay).isEqualTo((int) expected.records);
    }

    @Test
    @DisplayName("2,000 seeded kill points in-process at every step: replay matches or names exactly the unconfirmed records")
    void killPointsInProcess() throws IOException {
        Random schedule = new Random(SEED);
        int[] perStep = new int[STEPS.length];
        long completed = 0;
        long unconfirmed = 0;
        Path log = null;
        FileRtmrs rtmrs = null;
        Expectation expected = null;
        for (int run = 0; run < IN_PROCESS_KILL_POINTS; run++) {
            if (run % RUNS_PER_TD == 0) {
                // A new TD every RUNS_PER_TD deaths keeps each replay short; the schedule continues.
                if (expected != null) {
                    unconfirmed += expected.unconfirmed.size();
                }
                Path td = Files.createDirectories(tmp.resolve("td" + run / RUNS_PER_TD));
                log = td.resolve("log");
                rtmrs = new FileRtmrs(Files.createDirectories(td.resolve("rtmr")));
                expected = new Expectation();
            }
            final Expectation exp = expected;
            RuntimeEventLog.Step killStep = STEPS[schedule.nextInt(STEPS.length)];
            int before = schedule.nextInt(3); // records completed before the death in this "process"
            long killRecnum = exp.records + before;
            RuntimeEventLog writer = new RuntimeEventLog(log, (step, recnum) -> {
                if (recnum == killRecnum && step == killStep) {
                    throw new Death();
                }
            });
            try {
                for (int i = 0; i <= before; i++) {
                    byte[] digest = new byte[48];
                    schedule.nextBytes(digest);
                    writer.record(2 + schedule.nextInt(2), digest, "run " + run + " #" + i, rtmrs);
                    completed++;
                }
                throw new AssertionError("the writer passed its kill point (seed " + SEED + ", run " + run + ")");
            } catch (Death d) {
                exp.diedAt(killStep, killRecnum);
                perStep[killStep.ordinal()]++;
            }
            checkReplay(log, rtmrs, expected, "seed " + SEED + ", run " + run + ", died at " + killStep
                    + " of record " + killRecnum);
        }
        unconfirmed += expected.unconfirmed.size();
        System.out.printf("RuntimeLogCrashTest: %d in-process kill points (LOCKED %d, WRITTEN %d, SYNCED %d, "
                        + "EXTENDED %d) over %d TDs, %d records completed, %d unconfirmed records named; seed %d%n",
                IN_PROCESS_KILL_POINTS, perStep[0], perStep[1], perStep[2], perStep[3],
                IN_PROCESS_KILL_POINTS / RUNS_PER_TD, completed, unconfirmed, SEED);
        for (int n : perStep) {
            assertThat(n).as("kill points at each step").isGreaterThan(IN_PROCESS_KILL_POINTS / 8);
        }
    }

    /**
     * Real process death: child JVMs ({@link CrashChild}) killed with SIGKILL at a seeded step of a seeded record,
     * each step in turn, a new TD every {@value #RUNS_PER_TD} kills. The children are started ahead of their turn by
     * {@link CrashChildPool}, so a kill costs a pipe round trip and a SIGKILL, not a JVM start.
     * {@value #DEFAULT_CHILD_KILLS} kills by default; {@code -Dtdx4j.crashChildren=N} runs N (.ci/run runs 1,000).
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    @DisplayName("child JVMs killed with SIGKILL at each step: replay matches or names exactly the unconfirmed records")
    void childJvmKilled() throws Exception {
        int kills = Integer.getInteger("tdx4j.crashChildren", DEFAULT_CHILD_KILLS);
        Random schedule = new Random(SEED);
        int[] perStep = new int[STEPS.length];
        long unconfirmed = 0;
        long records = 0;
        Path log = null;
        Path dir = null;
        FileRtmrs rtmrs = null;
        Expectation expected = null;
        long start = System.nanoTime();
        try (CrashChildPool pool = new CrashChildPool(Math.max(1, Runtime.getRuntime().availableProcessors()),
                tmp)) {
            for (int run = 0; run < kills; run++) {
                if (run % RUNS_PER_TD == 0) {
                    if (expected != null) {
                        unconfirmed += expected.unconfirmed.size();
                        records += expected.records;
                    }
                    Path td = Files.createDirectories(tmp.resolve("child-td" + run / RUNS_PER_TD));
                    log = td.resolve("log");
                    dir = Files.createDirectories(td.resolve("rtmr"));
                    rtmrs = new FileRtmrs(dir);
                    expected = new Expectation();
                }
                RuntimeEventLog.Step killStep = STEPS[run % STEPS.length]; // every step, in turn
                int before = schedule.nextInt(3);
                long killRecnum = expected.records + before;
                String replay = "seed " + SEED + ", run " + run + ", killed at " + killStep + " of record " + killRecnum;
                CrashChildPool.Child child = pool.take();
                try {
                    child.send(log + " " + dir + " " + (before + 1) + " " + killRecnum + " " + killStep.name() + " "
                            + (SEED + run));
                    assertThat(child.out().readLine()).as("the child reached its kill point (%s)", replay)
                            .isEqualTo("KILL-POINT " + killStep + " " + killRecnum);
                    child.process().destroyForcibly(); // SIGKILL on Linux (ProcessImpl.destroy(true))
                    assertThat(child.process().waitFor(60, TimeUnit.SECONDS)).as("killed child exited (%s)", replay)
                            .isTrue();
                    // 128 + 9: the shell convention the JDK follows for a process ended by signal 9, SIGKILL.
                    assertThat(child.process().exitValue()).as("the child died of SIGKILL (%s)", replay)
                            .isEqualTo(128 + 9);
                } finally {
                    child.process().destroyForcibly();
                }
                expected.diedAt(killStep, killRecnum);
                perStep[killStep.ordinal()]++;
                checkReplay(log, rtmrs, expected, replay);
            }
            unconfirmed += expected.unconfirmed.size();
            records += expected.records;
            System.out.printf("RuntimeLogCrashTest: %d child JVMs killed with SIGKILL (LOCKED %d, WRITTEN %d, "
                            + "SYNCED %d, EXTENDED %d) over %d TDs in %.1f s, %d children started, %d records in the "
                            + "logs, %d unconfirmed records named; seed %d%n", kills, perStep[0], perStep[1],
                    perStep[2], perStep[3], (kills + RUNS_PER_TD - 1) / RUNS_PER_TD,
                    (System.nanoTime() - start) / 1e9, pool.started(), records, unconfirmed, SEED);
        }
    }
}
