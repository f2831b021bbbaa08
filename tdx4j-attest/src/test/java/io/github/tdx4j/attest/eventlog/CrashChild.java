package io.github.tdx4j.attest.eventlog;

import java.nio.file.Path;
import java.util.Random;

/**
 * The child process of {@link RuntimeLogCrashTest}: records {@code count} extends of RTMR 2 or 3 in the log; when
 * record {@code killRecnum} reaches {@code killStep} it prints {@code KILL-POINT} and waits, and the parent kills it
 * with SIGKILL ({@link Process#destroyForcibly()}).
 *
 * <p>Arguments: log file, RTMR folder, count, killRecnum (-1: never), killStep (a {@link RuntimeEventLog.Step}
 * name or NONE), seed.
 */
public final class CrashChild {
    /** The exit status of a deliberate death. */
    static final int KILLED = 77;

    private CrashChild() {
    }

    public static void main(String[] args) {
        Path log = Path.of(args[0]);
        FileRtmrs rtmrs = new FileRtmrs(Path.of(args[1]));
        int count = Integer.parseInt(args[2]);
        long killRecnum = Long.parseLong(args[3]);
        String killStep = args[4];
        long seed = Long.parseLong(args[5]);
        RuntimeEventLog events = new RuntimeEventLog(log, (step, recnum) -> {
            if (recnum == killRecnum && step.name().equals(killStep)) {
                System.out.println("KILL-POINT " + step + " " + recnum);
                System.out.flush();
                try {
                    Thread.sleep(120_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(KILLED); // the parent did not kill us: fail loudly by exit status
            }
        });
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            byte[] digest = new byte[48];
            random.nextBytes(digest);
            events.record(2 + random.nextInt(2), digest, "child " + seed + " #" + i, rtmrs);
        }
        System.exit(0);
    }
}
