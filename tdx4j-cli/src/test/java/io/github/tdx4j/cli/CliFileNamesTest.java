package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File names that the JVM's decoding of {@code argv} loses: a name that is not UTF-8, and {@code café.dat} without a
 * locale. Such a file that exists is read; a name whose bytes are lost gets one sentence saying so, never a false
 * "no such file" or a Java exception.
 */
class CliFileNamesTest {
    private static final Path QUOTE = TestVectors.DIR.resolve("dcap-qvl/tdx_quote");
    /** {@code bad<0xFF>.dat}: 0xFF never occurs in UTF-8. */
    private static final String BAD_NAME_PRINTF = "bad\\377.dat";

    /** Runs {@code sh -c script} in {@code dir}; the file names are made by the shell's printf, not by Java. */
    private static String sh(Path dir, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private record Proc(int exit, String out, String err) {
    }

    /** Runs {@code tdx4j ARGS} in a new JVM as the launcher does, from {@code dir}, with environment {@code env}. */
    private static Proc tdx4j(Path dir, List<String> env, String argsShell) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/env", "-i"));
        cmd.addAll(env);
        cmd.addAll(List.of("/bin/sh", "-c", "exec \"$0\" -cp \"$1\" io.github.tdx4j.cli.Main " + argsShell, java,
                System.getProperty("java.class.path")));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException e) {
                // the process ended
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        t.join();
        return new Proc(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    private static void assumeShell() {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && Files.isExecutable(Path.of("/usr/bin/env"))
                && Files.isReadable(Path.of("/proc/self/cmdline")), "needs /bin/sh, /usr/bin/env and /proc (Linux)");
    }

    @Test
    @DisplayName("A non-UTF-8 name that exists (bad\\xFF.dat) is read under a UTF-8 locale, not reported missing")
    void nonUtf8NameThatExistsIsRead(@TempDir Path dir) throws Exception {
        assumeShell();
        sh(dir, "cp '" + QUOTE + "' \"$(printf '" + BAD_NAME_PRINTF + "')\"");
        Proc r = tdx4j(dir, List.of("LC_ALL=C.UTF-8"), "inspect \"$(printf '" + BAD_NAME_PRINTF + "')\"");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("kind").contains("TD quote");
    }

    @Test
    @DisplayName("Without a locale (env -i), café.dat is read, not refused with InvalidPathException")
    void cafeWithoutLocaleIsRead(@TempDir Path dir) throws Exception {
        assumeShell();
        Files.copy(QUOTE, dir.resolve("café.dat"));
        Proc r = tdx4j(dir, List.of(), "inspect café.dat");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("cannot convert");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("TD quote");
    }

    @Test
    @DisplayName("Without a locale, a missing café.dat is named in the message as the user typed it")
    void missingCafeWithoutLocaleIsNamed(@TempDir Path dir) throws Exception {
        assumeShell();
        Proc r = tdx4j(dir, List.of(), "inspect café.dat");
        assertThat(r.exit()).isEqualTo(Main.USAGE);
        // stderr is US-ASCII without a locale: the name's non-ASCII bytes are escaped, not replaced by '?'.
        assertThat(r.err().strip()).isEqualTo("tdx4j inspect: cannot read caf\\xC3\\xA9.dat (no such file or "
                + "directory).");
    }

    @Test
    @DisplayName("In-process with the raw argument bytes: the non-UTF-8 name is opened from its bytes")
    void rawBytesOpenTheFile(@TempDir Path dir) throws Exception {
        assumeShell();
        sh(dir, "cp '" + QUOTE + "' \"$(printf '" + BAD_NAME_PRINTF + "')\"");
        byte[] name = (dir + "/bad\u0000.dat").getBytes(StandardCharsets.UTF_8);
        name[name.length - 5] = (byte) 0xFF;
        String decoded = new String(name, RawArguments.fileNameCharset()); // as the Java launcher decodes argv
        RawArguments raw = new RawArguments(List.of("inspect".getBytes(StandardCharsets.US_ASCII), name));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new CliEnvironment(raw, false, System::nanoTime), new PrintWriter(out),
                new PrintWriter(err), "inspect", decoded);
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("TD quote");
    }

    @Test
    @DisplayName("A name whose bytes are lost (U+FFFD, no raw bytes) gets one sentence, not a false 'no such file'")
    void lostNameIsSaidInOneSentence(@TempDir Path dir) {
        CliRun r = CliRun.of("inspect", dir + "/bad\uFFFD.dat");
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("the file name " + dir + "/bad?.dat cannot be represented")
                .doesNotContain("no such file").doesNotContain("Exception");
    }

    @Test
    @DisplayName("RawArguments takes the last argv entries only when they decode to the program's arguments")
    void rawArgumentsMatchTheTail() {
        byte[] cmdline = "java\0-jar\0x.jar\0inspect\0caf\u00e9.dat\0".getBytes(StandardCharsets.UTF_8);
        RawArguments ascii = RawArguments.matching(cmdline, new String[] {"inspect", "caf\uFFFD\uFFFD.dat"},
                StandardCharsets.US_ASCII);
        assertThat(ascii.entries()).hasSize(2);
        assertThat(ascii.rawOf("caf\uFFFD\uFFFD.dat", StandardCharsets.US_ASCII)).hasValueSatisfying(
                b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("caf\u00e9.dat"));
        assertThat(RawArguments.matching(cmdline, new String[] {"inspect", "other.dat"}, StandardCharsets.US_ASCII))
                .isEqualTo(RawArguments.NONE);
        byte[] option = "java\0--collateral=caf\u00e9.json\0".getBytes(StandardCharsets.UTF_8);
        RawArguments opt = RawArguments.matching(option, new String[] {"--collateral=caf\uFFFD\uFFFD.json"},
                StandardCharsets.US_ASCII);
        assertThat(opt.rawOf("caf\uFFFD\uFFFD.json", StandardCharsets.US_ASCII)).hasValueSatisfying(
                b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("caf\u00e9.json"));
    }

    @Test
    @DisplayName("A path made from raw bytes is shown as typed: UTF-8 as text, other bytes as \\xNN")
    void rawPathIsShownAsTyped() {
        byte[] name = {'b', 'a', 'd', (byte) 0xFF, '.', 'd', 'a', 't'};
        assertThat(CliPaths.show(CliPaths.fromBytes(name))).isEqualTo("bad\\xFF.dat");
        assertThat(CliPaths.escape("café".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo("café");
        assertThat(CliPaths.escape("café".getBytes(StandardCharsets.UTF_8), StandardCharsets.US_ASCII))
                .isEqualTo("caf\\xC3\\xA9");
    }
}
