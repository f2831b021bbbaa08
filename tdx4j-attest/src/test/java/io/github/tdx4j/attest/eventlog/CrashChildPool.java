package io.github.tdx4j.attest.eventlog;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * {@link CrashChild} JVMs started ahead of their turn: {@link #take()} hands out the oldest one once it is ready and
 * starts its replacement at once, so that while one child works and dies the next ones warm up on the other core. A
 * kill then costs the parent a line on a pipe and a SIGKILL, not a JVM start.
 *
 * <p>The children share a class-data-sharing archive made by one training run (a child that warms up and exits,
 * {@code -XX:ArchiveClassesAtExit}), which roughly halves each start's CPU; if the JVM cannot make one, the children
 * start without it.
 */
final class CrashChildPool implements AutoCloseable {
    /** A started child: its process, its stdout lines and its stdin. */
    record Child(Process process, BufferedReader out, Writer in) {
        /** Sends one command line. */
        void send(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
        }
    }

    private final List<String> command;
    private final int size;
    private final Deque<Child> starting = new ArrayDeque<>();
    private int started;

    /**
     * @param size children kept starting at once (the number of cores is a good choice)
     * @param dir  where the archive goes
     */
    CrashChildPool(int size, Path dir) throws IOException, InterruptedException {
        this.size = size;
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> base = List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m", "-Xss512k",
                "-XX:-UsePerfData", "-Xlog:disable", "-Xlog:all=off", "-cp", jarsOnly(dir));
        Path archive = dir.resolve("crash-child.jsa");
        List<String> training = new ArrayList<>(base);
        training.add(1, "-XX:ArchiveClassesAtExit=" + archive);
        training.add(CrashChild.class.getName());
        training.add("--warm-up-only");
        Process p = new ProcessBuilder(training).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        boolean trained = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.size(archive) > 0;
        p.destroyForcibly();
        List<String> c = new ArrayList<>(base);
        if (trained) {
            c.add(1, "-XX:SharedArchiveFile=" + archive);
        }
        c.add(CrashChild.class.getName());
        this.command = List.copyOf(c);
        for (int i = 0; i < size; i++) {
            startOne();
        }
    }

    /**
     * This JVM's class path with its directories (target/classes, target/test-classes) packed into one jar: the JVM
     * archives classes for sharing only from jars ("Cannot have non-empty directory in paths").
     */
    private static String jarsOnly(Path dir) throws IOException {
        List<String> entries = new ArrayList<>();
        Path jar = dir.resolve("crash-child-classes.jar");
        Set<String> names = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Path.of(e);
                if (!Files.isDirectory(p)) {
                    entries.add(e);
                    continue;
                }
                try (Stream<Path> walk = Files.walk(p)) {
                    for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                        String name = p.relativize(f).toString().replace(File.separatorChar, '/');
                        if (names.add(name)) {
                            out.putNextEntry(new JarEntry(name));
                            Files.copy(f, out);
                            out.closeEntry();
                        }
                    }
                }
            }
        }
        entries.add(0, jar.toString());
        return String.join(File.pathSeparator, entries);
    }

    /** Children started so far. */
    int started() {
        return started;
    }

    private void startOne() throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        starting.add(new Child(p, new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)),
                new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)));
        started++;
    }

    /** The oldest child, once it printed READY; a replacement starts at once. */
    Child take() throws IOException {
        Child c = starting.poll();
        startOne();
        for (int lines = 0; lines < 50; lines++) {
            String line = c.out().readLine();
            if (line == null) {
                throw new IOException("a crash child exited before it was ready (exit " + waitExit(c) + ")");
            }
            if (line.equals("READY")) {
                return c;
            }
        }
        throw new IOException("a crash child printed 50 lines without READY");
    }

    private static String waitExit(Child c) {
        try {
            return c.process().waitFor(10, TimeUnit.SECONDS) ? String.valueOf(c.process().exitValue()) : "none";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Kills the children still waiting. */
    @Override
    public void close() {
        for (Child c : starting) {
            c.process().destroyForcibly();
        }
        for (Child c : starting) {
            try {
                c.process().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        starting.clear();
    }

    int size() {
        return size;
    }
}
