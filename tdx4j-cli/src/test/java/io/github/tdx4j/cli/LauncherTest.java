package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher scripts {@code tdx4j} and {@code tdx4j-build} (with {@code scripts/find-jdk.sh}), run by bash in a
 * sandbox: a copy of the three scripts as a repository, a temporary HOME, a PATH holding only the tools the scripts
 * use, a fake JDK 25 (its {@code java} prints its arguments) and, where a case needs one, a fake {@code mvn}. The
 * cases are the ones issue 10 reported, each with the command that reproduced it.
 *
 * <p>Exit codes asserted: 3 when the environment cannot run tdx4j (README, "Exit codes"); the command's own code
 * otherwise.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LauncherTest {
    /** The launcher's exit code for "the environment cannot run tdx4j" (scripts/find-jdk.sh). */
    private static final int ENVIRONMENT = 3;
    /** What the scripts call besides bash builtins; nothing else is on the sandbox PATH. */
    static final List<String> TOOLS = List.of("bash", "dirname", "readlink", "sed", "find", "mktemp", "cat", "rm",
            "stat", "mkdir", "mv", "touch");
    /** The launcher's option that sets the carrier threads of virtual threads for {@code serve}. */
    private static final String PARALLELISM = "-Djdk.virtualThreadScheduler.parallelism=";

    @TempDir
    Path sandbox;
    private Path repo;
    private Path home;
    private Path tools;
    private Path jdk;

    @BeforeEach
    void sandbox() throws IOException {
        Path source = repository();
        repo = Files.createDirectories(sandbox.resolve("repo"));
        Files.createDirectories(repo.resolve("scripts"));
        for (String script : List.of("tdx4j", "tdx4j-build", "scripts/find-jdk.sh")) {
            Files.copy(source.resolve(script), repo.resolve(script));
            executable(repo.resolve(script));
        }
        home = Files.createDirectories(sandbox.resolve("home"));
        tools = Files.createDirectories(sandbox.resolve("tools"));
        for (String tool : TOOLS) {
            // A wrapper, not a link: JUnit warns about links out of a temporary folder when it deletes them.
            script(tools.resolve(tool), "exec " + which(tool) + " \"$@\"");
        }
        // nproc is faked: the cases below choose the number of cores the launcher sees.
        script(tools.resolve("nproc"), "echo \"${FAKE_NPROC:-1}\"");
        jdk = Files.createDirectories(sandbox.resolve("jdk-25/bin"));
        script(jdk.resolve("java"), "echo \"java $*\"\nexit \"${FAKE_JAVA_EXIT:-0}\"");
        script(jdk.resolve("javac"), "exit 0");
        jdk = jdk.getParent();
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
    }

    @Test
    @DisplayName("ln -s $PWD/tdx4j ~/bin/tdx4j; tdx4j --version runs the jar of the repository the link points to")
    void symlinkOnPath_runsTheRepositorysJar() throws Exception {
        builtJar();
        Path bin = Files.createDirectories(home.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("tdx4j"), repo.resolve("tdx4j"));

        Run r = run(Map.of("PATH", bin + ":" + tools, "JAVA_HOME", jdk.toString()), "tdx4j --version");

        assertThat(r.err()).doesNotContain("No such file or directory");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("-jar " + repo.toRealPath().resolve("tdx4j-cli/target/tdx4j.jar") + " --version");
    }

    @Test
    @DisplayName("A relative symlink to a symlink to tdx4j-build runs Maven in the repository")
    void relativeSymlinkChain_runsMavenInTheRepository() throws Exception {
        script(tools.resolve("mvn"), "echo \"mvn in $(pwd) with $*\"");
        Path links = Files.createDirectories(home.resolve("links"));
        Files.createSymbolicLink(links.resolve("tdx4j-build"), repo.resolve("tdx4j-build"));
        Path bin = Files.createDirectories(home.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("tdx4j-build"), Path.of("../links/tdx4j-build"));

        Run r = run(Map.of("PATH", bin + ":" + tools, "JAVA_HOME", jdk.toString()), "cd / && tdx4j-build -v");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("mvn in " + repo.toRealPath() + " with -B -ntp -v\n");
    }

    @Test
    @DisplayName("No JDK of the required version: one sentence, exit 3 (not 2, which means a check failed)")
    void noJdk_exits3() throws Exception {
        builtJar();
        Run r = run(Map.of("PATH", tools.toString(), "TDX4J_JDK_MIN", "99"), "./tdx4j --version");

        assertThat(r.code()).isEqualTo(ENVIRONMENT);
        assertThat(r.err()).startsWith("tdx4j needs a JDK 99 or newer and found none").hasLineCount(1);
        assertThat(r.out()).isEmpty();
    }

    @Test
    @DisplayName("TDX4J_JDK_MIN=abc: one sentence naming the variable and its value, exit 3, no bash errors")
    void jdkMinNotANumber_oneSentence() throws Exception {
        for (String launcher : List.of("./tdx4j --version", "./tdx4j-build -v")) {
            Run r = run(Map.of("PATH", tools.toString(), "JAVA_HOME", jdk.toString(), "TDX4J_JDK_MIN", "abc"),
                    launcher);

            assertThat(r.code()).as(launcher).isEqualTo(ENVIRONMENT);
            assertThat(r.err()).as(launcher).isEqualTo(
                    "TDX4J_JDK_MIN must be a Java feature version of 25 or more, such as 25 or 26; it is 'abc'.\n");
        }
    }

    @Test
    @DisplayName("TDX4J_JDK_MIN=17 is refused: tdx4j is written for Java 25")
    void jdkMinBelow25_refused() throws Exception {
        Run r = run(Map.of("PATH", tools.toString(), "JAVA_HOME", jdk.toString(), "TDX4J_JDK_MIN", "17"),
                "./tdx4j-build -v");

        assertThat(r.code()).isEqualTo(ENVIRONMENT);
        assertThat(r.err()).contains("TDX4J_JDK_MIN must be").contains("'17'").hasLineCount(1);
    }

    @Test
    @DisplayName("No Maven on PATH: tdx4j-build and a tdx4j that must build itself say so in one sentence, exit 3")
    void noMaven_exits3() throws Exception {
        Map<String, String> env = Map.of("PATH", tools.toString(), "JAVA_HOME", jdk.toString());
        Run build = run(env, "./tdx4j-build verify");
        Run launcher = run(env, "./tdx4j --version");

        assertThat(build.code()).isEqualTo(ENVIRONMENT);
        assertThat(build.err()).isEqualTo(
                "tdx4j-build needs Apache Maven 3.8.7 or newer on PATH (Debian: apt-get install maven).\n");
        assertThat(launcher.code()).isEqualTo(ENVIRONMENT);
        assertThat(launcher.err()).contains("needs Apache Maven 3.8.7 or newer on PATH").hasLineCount(1);
    }

    @Test
    @DisplayName("The first build fails: Maven's output, then one sentence, exit 3")
    void buildFails_exits3() throws Exception {
        script(tools.resolve("mvn"), "echo '[ERROR] planted compilation failure'\nexit 1");

        Run r = run(Map.of("PATH", tools.toString(), "JAVA_HOME", jdk.toString()), "./tdx4j --version");

        assertThat(r.code()).isEqualTo(ENVIRONMENT);
        assertThat(r.err()).contains("[ERROR] planted compilation failure")
                .endsWith("tdx4j: the build failed; the Maven output is above.\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    @DisplayName("A command's own exit code passes through the launcher: 2 stays 'a check failed'")
    void commandExitCode_passesThrough() throws Exception {
        builtJar();
        Run r = run(Map.of("PATH", tools.toString(), "JAVA_HOME", jdk.toString(), "FAKE_JAVA_EXIT", "2"),
                "./tdx4j verify q.dat");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("-jar").endsWith(" verify q.dat\n");
    }

    @Test
    @DisplayName("One-shot commands run with C1 only at raised thresholds, the Serial GC and, where the kernel offers them on request, transparent huge pages; serve, campaign and --repeat keep the JVM's defaults")
    void oneShotCommandsRunWithC1Only() throws Exception {
        builtJar();
        Map<String, String> env = Map.of("PATH", tools.toString(), "JAVA_HOME", jdk.toString());
        // Huge pages are asked for exactly where this machine's kernel hands them out on request.
        Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        boolean madvise = Files.isReadable(thp) && Files.readString(thp).contains("[madvise]");
        for (String oneShot : List.of("verify q.dat", "--version", "inspect f.pem", "decode 0x1")) {
            String out = run(env, "./tdx4j " + oneShot).out();
            assertThat(out).as(oneShot).contains("-XX:TieredStopAtLevel=1",
                    "-XX:CompileThresholdScaling=10", "-XX:+UseSerialGC", "-Xmn8m");
            assertThat(out.contains("-XX:+UseTransparentHugePages")).as(oneShot + " asks for huge pages, with " + thp
                    + (madvise ? " at [madvise]" : " not at [madvise]")).isEqualTo(madvise);
        }
        for (String longRun : List.of("serve --simulated", "campaign --runs 10", "verify q.dat --repeat 100")) {
            assertThat(run(env, "./tdx4j " + longRun).out()).as(longRun).doesNotContain("TieredStopAtLevel",
                    "CompileThresholdScaling", "UseSerialGC", "-Xmn", "UseTransparentHugePages");
        }
    }

    @Test
    @DisplayName("serve runs its virtual threads on two carrier threads per core it may use; other commands and a user's own setting are left alone")
    void serveGetsTwoCarriersPerCore() throws Exception {
        builtJar();
        Map<String, String> one = Map.of("PATH", tools.toString(), "JAVA_HOME", jdk.toString(), "FAKE_NPROC", "1");
        assertThat(run(one, "./tdx4j serve --simulated").out()).contains(PARALLELISM + "2 ");

        Map<String, String> three = Map.of("PATH", tools.toString(), "JAVA_HOME", jdk.toString(), "FAKE_NPROC", "3");
        assertThat(run(three, "./tdx4j serve --simulated").out()).contains(PARALLELISM + (2 * coresUnderQuota(3)) + " ");

        for (String other : List.of("verify q.dat", "campaign --runs 10", "ratls serve")) {
            assertThat(run(three, "./tdx4j " + other).out()).as(other).doesNotContain(PARALLELISM);
        }
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            Map<String, String> own = new HashMap<>(three);
            own.put(variable, "-Xss1m " + PARALLELISM + "7");
            assertThat(run(own, "./tdx4j serve --simulated").out()).as(variable).doesNotContain(PARALLELISM);
        }
    }

    /**
     * {@code cores}, or fewer when this machine's cgroup (v2) gives this process a CPU quota of fewer cores: the
     * launcher follows the quota too, and a CI container may have one.
     */
    private static int coresUnderQuota(int cores) throws IOException {
        Path cpuMax = Path.of("/sys/fs/cgroup/cpu.max");
        if (!Files.isReadable(cpuMax)) {
            return cores;
        }
        String[] quotaAndPeriod = Files.readString(cpuMax).trim().split(" ");
        if (quotaAndPeriod.length != 2 || quotaAndPeriod[0].equals("max")) {
            return cores;
        }
        long quota = Long.parseLong(quotaAndPeriod[0]);
        long period = Long.parseLong(quotaAndPeriod[1]);
        return (int) Math.max(1, Math.min(cores, (quota + period - 1) / period));
    }

    /** A CLI jar newer than every source: the sandbox repository has no sources, so the launcher does not build. */
    private void builtJar() throws IOException {
        Path jar = repo.resolve("tdx4j-cli/target/tdx4j.jar");
        Files.createDirectories(jar.getParent());
        Files.write(jar, new byte[0]);
    }

    private record Run(int code, String out, String err) {
    }

    /** Runs {@code command} with bash in the sandbox repository, with only {@code env} and HOME set. */
    private Run run(Map<String, String> env, String command) throws Exception {
        List<String> argv = new ArrayList<>(List.of(which("bash").toString(), "-c", command));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(repo.toFile());
        Map<String, String> e = pb.environment();
        e.clear();
        e.putAll(new HashMap<>(env));
        e.put("HOME", home.toString());
        Path out = sandbox.resolve("stdout");
        Path err = sandbox.resolve("stderr");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                Path.of("/dev/null").toFile()));
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the launcher did not finish in 30 s: " + command);
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

    /** {@code tool} on this JVM's PATH, with its links resolved. */
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

    /** The repository root: the parent of {@code vectors/}, which the parent pom passes as tdx4j.vectors. */
    private static Path repository() {
        Path root = TestVectors.DIR.getParent();
        if (!Files.isRegularFile(root.resolve("tdx4j")) || !Files.isRegularFile(root.resolve("scripts/find-jdk.sh"))) {
            throw new IllegalStateException("the launcher scripts are not at " + root);
        }
        return root;
    }
}
