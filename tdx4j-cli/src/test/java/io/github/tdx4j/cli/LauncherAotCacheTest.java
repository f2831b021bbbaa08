package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's start-up cache (JDK 25 AOT cache, {@code ./tdx4j}): made once per jar, remade when the jar changes,
 * and a damaged cache ignored without a word. The launcher runs by bash in a sandbox repository (a copy of the
 * scripts). The first two cases use a fake {@code java} that writes a cache file when asked to make one and prints
 * its arguments; the last one runs the real JDK (this test's own) on a one-class jar ({@link AotProbe}), so that it
 * is the JVM that ignores the damaged file.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LauncherAotCacheTest {
    @TempDir
    Path sandbox;

    /** The sandbox repository with the launcher scripts, and a PATH of the tools they use. */
    private Path repo;
    private Path tools;

    private void sandbox() throws IOException {
        Path source = TestVectors.DIR.getParent();
        repo = Files.createDirectories(sandbox.resolve("repo"));
        Files.createDirectories(repo.resolve("scripts"));
        for (String script : List.of("tdx4j", "scripts/find-jdk.sh")) {
            Files.copy(source.resolve(script), repo.resolve(script));
            executable(repo.resolve(script));
        }
        tools = Files.createDirectories(sandbox.resolve("tools"));
        for (String tool : LauncherTest.TOOLS) {
            script(tools.resolve(tool), "exec " + which(tool) + " \"$@\"");
        }
    }

    /** A fake JDK 25 whose java logs each call, writes the AOT cache it is asked for, and prints its arguments. */
    private Path fakeJdk() throws IOException {
        Path bin = Files.createDirectories(sandbox.resolve("jdk-25/bin"));
        script(bin.resolve("java"), """
                echo "$*" >>"$FAKE_JAVA_LOG"
                for a in "$@"; do
                  case $a in -XX:AOTCacheOutput=*) [ -n "${FAKE_NO_CACHE:-}" ] || printf 'cache' >"${a#*=}" ;; esac
                done
                echo "java $*"
                """);
        script(bin.resolve("javac"), "exit 0");
        Files.writeString(bin.getParent().resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
        return bin.getParent();
    }

    private Path jar(byte[] content, long mtimeSeconds) throws IOException {
        Path jar = repo.resolve("tdx4j-cli/target/tdx4j.jar");
        Files.createDirectories(jar.getParent());
        Files.write(jar, content);
        Files.setLastModifiedTime(jar, FileTime.from(mtimeSeconds, TimeUnit.SECONDS));
        return jar;
    }

    private List<Path> caches() throws IOException {
        Path dir = repo.resolve("tdx4j-cli/target/aot");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".aot")).sorted().toList();
        }
    }

    @Test
    @DisplayName("The cache is made on first use, used by later runs, and made anew (the old one removed) when the jar changes")
    void cacheRebuiltWhenTheJarChanges() throws Exception {
        sandbox();
        Path jdk = fakeJdk();
        Path log = sandbox.resolve("java.log");
        Map<String, String> env = Map.of("PATH", tools.toString(), "JAVA_HOME", jdk.toString(),
                "FAKE_JAVA_LOG", log.toString());
        long now = System.currentTimeMillis() / 1000;
        jar(new byte[] {1}, now - 100);

        Run first = run(env, "./tdx4j --version");
        assertThat(first.code()).isZero();
        assertThat(first.err()).contains("preparing the start-up cache");
        List<Path> made = caches();
        assertThat(made).hasSize(1);
        assertThat(first.out()).contains("-XX:AOTCache=" + made.getFirst().toRealPath()).endsWith(" --version\n");

        Run second = run(env, "./tdx4j --version");
        assertThat(second.err()).isEmpty();
        assertThat(second.out()).contains("-XX:AOTCache=" + made.getFirst().toRealPath());
        assertThat(trainingRuns(log)).as("training runs after two launches").isEqualTo(1);

        jar(new byte[] {1, 2}, now - 50);   // a rebuilt jar: other size and time
        Run third = run(env, "./tdx4j --version");
        List<Path> remade = caches();
        assertThat(remade).hasSize(1).doesNotContain(made.getFirst());
        assertThat(third.out()).contains("-XX:AOTCache=" + remade.getFirst().toRealPath());
        assertThat(trainingRuns(log)).as("training runs after the jar changed").isEqualTo(2);
    }

    @Test
    @DisplayName("The whole-cache checksum runs only when the cache changed after the launcher made it")
    void cacheChecksummedOnlyWhenChanged() throws Exception {
        sandbox();
        Path jdk = fakeJdk();
        Map<String, String> env = Map.of("PATH", tools.toString(), "JAVA_HOME", jdk.toString(),
                "FAKE_JAVA_LOG", sandbox.resolve("java.log").toString());
        jar(new byte[] {1}, System.currentTimeMillis() / 1000 - 100);

        run(env, "./tdx4j --version");   // makes the cache
        Run unchanged = run(env, "./tdx4j --version");
        assertThat(unchanged.out()).contains("-XX:AOTCache=").doesNotContain("VerifySharedSpaces");

        Path cache = caches().getFirst();
        Files.write(cache, "damaged".getBytes(StandardCharsets.US_ASCII));   // rewritten: a new modification time
        Run changed = run(env, "./tdx4j --version");
        assertThat(changed.out()).contains("-XX:AOTCache=" + cache.toRealPath()).contains("-XX:+VerifySharedSpaces");

        // Older than the launcher's stamp (copied back from somewhere, say): checked too.
        Path stamp = cache.resolveSibling(cache.getFileName() + ".made");
        Files.setLastModifiedTime(cache, FileTime.from(Files.getLastModifiedTime(stamp).toInstant().minusSeconds(10)));
        assertThat(run(env, "./tdx4j --version").out()).contains("-XX:+VerifySharedSpaces");
        // No stamp (a cache made by an older launcher): checked.
        Files.delete(stamp);
        assertThat(run(env, "./tdx4j --version").out()).contains("-XX:+VerifySharedSpaces");
    }

    @Test
    @DisplayName("A training run that writes no cache: the command runs without one, and training is not retried for that jar")
    void failedTrainingIsNotRetried() throws Exception {
        sandbox();
        Path jdk = fakeJdk();
        Path log = sandbox.resolve("java.log");
        Map<String, String> env = Map.of("PATH", tools.toString(), "JAVA_HOME", jdk.toString(),
                "FAKE_JAVA_LOG", log.toString(), "FAKE_NO_CACHE", "1");
        jar(new byte[] {1}, System.currentTimeMillis() / 1000 - 100);

        Run first = run(env, "./tdx4j --version");
        Run second = run(env, "./tdx4j --version");
        assertThat(first.code()).isZero();
        assertThat(second.code()).isZero();
        assertThat(second.out()).doesNotContain("AOTCache=").endsWith(" --version\n");
        assertThat(second.err()).isEmpty();
        assertThat(caches()).isEmpty();
        assertThat(trainingRuns(log)).isEqualTo(1);
    }

    @Test
    @DisplayName("Real JVM: a garbage, truncated, bit-flipped or empty cache is ignored; the command runs, prints only its own output, exit 0")
    void damagedCacheIsIgnored() throws Exception {
        sandbox();
        probeJar();
        Map<String, String> env = Map.of("PATH", tools.toString(), "JAVA_HOME", System.getProperty("java.home"));

        Run trained = run(env, "./tdx4j --version");   // the sandbox has no vectors: trains on --help
        assertThat(trained.code()).isZero();
        assertThat(trained.out()).isEqualTo("probe --version\n");
        assertThat(caches()).as("the cache was made").hasSize(1);
        Path cache = caches().getFirst();
        byte[] good = Files.readAllBytes(cache);
        assertThat(good.length).isGreaterThan(1 << 20);
        Run cached = run(env, "./tdx4j --version");
        assertThat(cached.out()).isEqualTo("probe --version\n");
        assertThat(cached.err()).isEmpty();

        byte[] garbage = new byte[good.length];
        new java.util.Random(15).nextBytes(garbage);
        byte[] flipped = good.clone();
        for (int i = 0; i < 16; i++) {
            flipped[good.length / 2 + i] ^= (byte) 0xff;
        }
        Map<String, byte[]> damaged = Map.of("garbage", garbage, "truncated",
                java.util.Arrays.copyOf(good, good.length / 3), "bit-flipped", flipped, "empty", new byte[0]);
        for (var d : damaged.entrySet()) {
            Files.write(cache, d.getValue());
            Run r = run(env, "./tdx4j --version");
            assertThat(r.code()).as(d.getKey()).isZero();
            assertThat(r.out()).as(d.getKey()).isEqualTo("probe --version\n");
            assertThat(r.err()).as(d.getKey()).isEmpty();
        }
    }

    /** tdx4j-cli/target/tdx4j.jar of the sandbox: {@link AotProbe} alone, as its main class. */
    private void probeJar() throws IOException {
        Path jar = repo.resolve("tdx4j-cli/target/tdx4j.jar");
        Files.createDirectories(jar.getParent());
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, AotProbe.class.getName());
        String entry = AotProbe.class.getName().replace('.', '/') + ".class";
        try (var in = AotProbe.class.getResourceAsStream("AotProbe.class");
             var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
            assertThat(in).as("AotProbe.class on the test class path").isNotNull();
            out.putNextEntry(new java.util.jar.JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
    }

    private static long trainingRuns(Path log) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> l.contains("-XX:AOTCacheOutput=")).count();
    }

    private record Run(int code, String out, String err) {
    }

    private Run run(Map<String, String> env, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(which("bash").toString(), "-c", command)))
                .directory(repo.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("HOME", sandbox.toString());
        Path out = sandbox.resolve("stdout");
        Path err = sandbox.resolve("stderr");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process p = pb.start();
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the launcher did not finish in 40 s: " + command);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!" + which("bash") + "\n" + body + "\n");
        executable(file);
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                try {
                    return candidate.toRealPath();
                } catch (IOException e) {
                    throw new IllegalStateException(candidate + " cannot be resolved: " + e.getMessage(), e);
                }
            }
        }
        throw new IllegalStateException(tool + " is not on PATH; the launcher tests need it");
    }
}
