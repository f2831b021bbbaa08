package io.github.tdx4j.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The measurement scripts of {@code tdx4j-bench/} answer {@code --help} with their header (usage and what they
 * measure, exit 0) and refuse arguments that are not what their usage says with one line and exit 1 (README, "Exit
 * codes"), before they build or start anything: {@code serve-load.sh abc} used to run with {@code $((4 * abc))}
 * evaluated as 0, and {@code compare.sh 0} to measure nothing.
 */
@Timeout(value = 50, unit = TimeUnit.SECONDS)
class BenchScriptsTest {
    private static final Path BENCH = ReadmeLinksTest.REPO.resolve("tdx4j-bench");

    /** Each script and arguments it must refuse. */
    private static final Map<String, List<List<String>>> BAD = Map.of(
            "serve-load.sh", List.of(List.of("abc"), List.of("10", "0"), List.of("10", "16", "extra")),
            "serve-ab.sh", List.of(List.of("only-one.jar"), List.of("no-such-a.jar", "no-such-b.jar"),
                    List.of("README.md", "README.md", "0"), List.of("README.md", "README.md", "3", "extra")),
            "serve-memory.sh", List.of(List.of("-5"), List.of("1000", "x")),
            "coldstart.sh", List.of(List.of("0"), List.of("ten")),
            "compare.sh", List.of(List.of("0"), List.of("3", "0"), List.of("3", "1.5s")),
            "campaign-speed.sh", List.of(List.of("100000", "1e6")),
            "ratls-handshakes.sh", List.of(List.of("--rebuilt")),
            "campaign-page.sh", List.of(List.of("0"), List.of("1e6"), List.of("10", "extra")),
            "coldstart-profile.sh", List.of(List.of("10")));

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Path script, List<String> args) throws IOException, InterruptedException {
        return run(script, args, Map.of());
    }

    private static Run run(Path script, List<String> args, Map<String, String> env)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(ReadmeLinksTest.REPO.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] err;
        byte[] out;
        try (var e = p.getErrorStream(); var o = p.getInputStream()) {
            out = o.readAllBytes();
            err = e.readAllBytes();
        }
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as(script + " " + args + " ended").isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("the load benchmarks run one at a time: while one holds scripts/bench-lock.sh's lock, serve-ab.sh and "
            + "serve-load.sh exit 1 with one sentence before they start anything")
    void loadBenchmarksRunOneAtATime(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Stream.of(System.getenv("PATH").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "flock"))), "flock (util-linux) is not installed");
        Path lock = tmp.resolve("tdx4j-bench-serve.lock");
        Path held = tmp.resolve("held");
        // Another run: flock holds the lock while its command runs, and says so in a file once it has it.
        Process other = new ProcessBuilder("flock", lock.toString(), "sh", "-c", "touch '" + held + "'; sleep 40")
                .start();
        try {
            for (int i = 0; i < 200 && !Files.exists(held); i++) {
                Thread.sleep(50);
            }
            assertThat(held).as("the other run holds the lock").exists();
            Map<String, String> env = Map.of("TMPDIR", tmp.toString());
            for (List<String> args : List.of(List.of("serve-ab.sh", "README.md", "README.md", "1"),
                    List.of("serve-load.sh", "1", "1"))) {
                String name = args.getFirst();
                Run r = run(BENCH.resolve(name), args.subList(1, args.size()), env);
                assertThat(r.exit()).as(name + ": " + r.err()).isEqualTo(1);
                assertThat(r.out()).as(name + " prints nothing on stdout").isEmpty();
                assertThat(r.err().lines().toList()).as(name).containsExactly(name + ": another serve-load.sh or "
                        + "serve-ab.sh is running on this machine, and two at once would measure each other; wait "
                        + "for it to end");
            }
        } finally {
            other.descendants().forEach(ProcessHandle::destroy);
            other.destroy();
            other.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @TestFactory
    @DisplayName("every bench script: --help prints its header (exit 0); bad arguments are one line and exit 1")
    Stream<DynamicTest> helpAndBadArguments() throws IOException {
        List<Path> scripts;
        try (Stream<Path> s = Files.list(BENCH)) {
            scripts = s.filter(p -> p.getFileName().toString().endsWith(".sh")).sorted().toList();
        }
        assertThat(scripts).extracting(p -> p.getFileName().toString())
                .as("every script has bad-argument cases here").containsExactlyInAnyOrderElementsOf(BAD.keySet());
        return scripts.stream().map(script -> DynamicTest.dynamicTest(script.getFileName().toString(), () -> {
            String name = script.getFileName().toString();
            Run help = run(script, List.of("--help"));
            assertThat(help.exit()).as(help.err()).isZero();
            assertThat(help.out()).contains("tdx4j-bench/" + name).doesNotContain("set -euo");
            for (List<String> args : BAD.get(name)) {
                Run bad = run(script, args);
                assertThat(bad.exit()).as(name + " " + args + ": " + bad.err()).isEqualTo(1);
                assertThat(bad.out()).as(name + " " + args + " prints nothing on stdout").isEmpty();
                assertThat(bad.err().lines().toList()).as(name + " " + args).hasSize(1);
                assertThat(bad.err()).startsWith(name + ": ").contains("usage: tdx4j-bench/" + name);
            }
        }));
    }
}
