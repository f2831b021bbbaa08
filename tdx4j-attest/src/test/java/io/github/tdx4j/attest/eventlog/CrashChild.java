package io.github.tdx4j.attest.eventlog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;

/**
 * The child process of {@link RuntimeLogCrashTest}, started ahead of its turn so that the parent does not wait for a
 * JVM start per kill: it first records two extends in a scratch log of its own (so that every class a record needs is
 * loaded), prints {@code READY}, and waits for one command line on stdin:
 * <pre>log-file rtmr-folder count kill-recnum kill-step seed</pre>
 * It then records {@code count} extends of RTMR 2 or 3; when record {@code kill-recnum} reaches {@code kill-step}
 * (a {@link RuntimeEventLog.Step} name) it prints {@code KILL-POINT step recnum} and blocks reading stdin, and the
 * parent kills it with SIGKILL ({@link Process#destroyForcibly()}).
 *
 * <p>With the single argument {@code --warm-up-only} it exits after the warm-up: the parent's training run for a
 * class-data-sharing archive that makes the other children start faster. With the six fields of the command as
 * arguments it runs that command at once and exits 0 ({@code RuntimeEventLogTest}'s concurrent writers, which give
 * kill-recnum -1: no kill).
 */
public final class CrashChild {
    /** The exit status when the child was not killed (the parent went away or did not kill it): a failure. */
    static final int NOT_KILLED = 77;

    private CrashChild() {
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (args.length == 6) {
            // The command as arguments, no kill expected (kill-recnum -1): RuntimeEventLogTest's concurrent writers.
            run(args, in);
            System.exit(0);
        }
        warmUp();
        if (args.length == 1 && args[0].equals("--warm-up-only")) {
            System.exit(0);
        }
        System.out.println("READY");
        System.out.flush();
        String line = in.readLine();
        if (line == null) {
            Runtime.getRuntime().halt(NOT_KILLED);
        }
        run(line.split(" "), in);
        Runtime.getRuntime().halt(NOT_KILLED); // passed the kill point without meeting it
    }

    private static void run(String[] a, BufferedReader in) {
        Path log = Path.of(a[0]);
        FileRtmrs rtmrs = new FileRtmrs(Path.of(a[1]));
        int count = Integer.parseInt(a[2]);
        long killRecnum = Long.parseLong(a[3]);
        String killStep = a[4];
        long seed = Long.parseLong(a[5]);
        RuntimeEventLog events = new RuntimeEventLog(log, (step, recnum) -> {
            if (recnum == killRecnum && step.name().equals(killStep)) {
                System.out.println("KILL-POINT " + step + " " + recnum);
                System.out.flush();
                try {
                    in.read(); // blocks until SIGKILL; end of input means the parent died
                } catch (IOException e) {
                    // the same: nobody will kill us
                }
                Runtime.getRuntime().halt(NOT_KILLED);
            }
        });
        record(events, rtmrs, count, seed);
    }

    private static void record(RuntimeEventLog events, FileRtmrs rtmrs, int count, long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            byte[] digest = new byte[48];
            random.nextBytes(digest);
            events.record(2 + random.nextInt(2), digest, "child " + seed + " #" + i, rtmrs);
        }
    }

    private static void warmUp() throws IOException {
        Path scratch = Files.createTempDirectory("tdx4j-crash-warm-");
        try {
            FileRtmrs rtmrs = new FileRtmrs(Files.createDirectories(scratch.resolve("rtmr")));
            record(new RuntimeEventLog(scratch.resolve("log"), (step, recnum) -> { }), rtmrs, 2, 0);
            RuntimeEventLog.at(scratch.resolve("log")).read();
        } finally {
            try (var walk = Files.walk(scratch)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
