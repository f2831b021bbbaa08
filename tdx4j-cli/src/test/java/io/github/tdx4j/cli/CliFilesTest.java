package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files named on the command line that cannot be used: exit 1 and one sentence naming the file and the reason. */
class CliFilesTest {
    private static final Path DATA = TestVectors.DIR;
    private static final String QUOTE = DATA.resolve("dcap-qvl/tdx_quote").toString();
    private static final String COLLATERAL = DATA.resolve("dcap-qvl/tdx_quote_collateral.json").toString();

    private static void oneSentence(CliRun r, String expected) {
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).containsExactly(expected);
    }

    @Test
    @DisplayName("verify names which of its three files is unreadable, and why (a directory, a missing file)")
    void verifyNamesTheFile(@TempDir Path dir) {
        oneSentence(CliRun.of("verify", dir.toString(), "--collateral", COLLATERAL),
                "tdx4j verify: cannot read " + dir + " (it is a directory).");
        Path absent = dir.resolve("absent.json");
        oneSentence(CliRun.of("verify", QUOTE, "--collateral", absent.toString()),
                "tdx4j verify: cannot read " + absent + " (no such file or directory).");
        oneSentence(CliRun.of("verify", QUOTE, "--collateral", COLLATERAL, "--root", dir.toString()),
                "tdx4j verify: cannot read " + dir + " (it is a directory).");
    }

    @Test
    @DisplayName("verify --root with something other than one certificate names the root file")
    void verifyNamesTheRootFile() {
        oneSentence(CliRun.of("verify", QUOTE, "--collateral", COLLATERAL, "--root", QUOTE),
                "tdx4j verify: " + QUOTE + ": a root file must hold exactly one certificate, holds 3.");
    }

    @Test
    @DisplayName("An endless input such as /dev/zero (size 0) stops at 16 MiB instead of exhausting the heap")
    void endlessInputIsBounded() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.isReadable(zero), "no /dev/zero on this system");
        String tooLarge = "/dev/zero is larger than 16777216 bytes, too large for attestation evidence.";
        oneSentence(CliRun.of("inspect", zero.toString()), "tdx4j inspect: " + tooLarge);
        oneSentence(CliRun.of("verify", zero.toString(), "--collateral", COLLATERAL), "tdx4j verify: " + tooLarge);
        oneSentence(CliRun.of("verify", QUOTE, "--collateral", zero.toString()), "tdx4j verify: " + tooLarge);
    }

    @Test
    @DisplayName("inspect of a directory says it is a directory")
    void inspectDirectory(@TempDir Path dir) {
        oneSentence(CliRun.of("inspect", dir.toString()), "tdx4j inspect: cannot read " + dir + " (it is a directory).");
    }

    @Test
    @DisplayName("quote --simulated --out into a directory or a missing directory names the file and the reason")
    void quoteOutUnwritable(@TempDir Path dir) {
        oneSentence(CliRun.of("quote", "--simulated", "--out", dir.toString()),
                "tdx4j quote: cannot write " + dir + " (it is a directory).");
        Path deep = dir.resolve("missing/q.dat");
        oneSentence(CliRun.of("quote", "--simulated", "--out", deep.toString()),
                "tdx4j quote: cannot write " + deep + " (no such file or directory).");
    }

    @Test
    @DisplayName("quote --out q.dat --collateral-out into a missing folder: exit 1 and q.dat untouched (was written, then the command failed)")
    void quoteWritesAllItsFilesOrNone(@TempDir Path dir) throws Exception {
        Path quote = Files.writeString(dir.resolve("q.dat"), "the quote of yesterday");
        Path collateral = dir.resolve("missing/c.json");
        oneSentence(CliRun.of("quote", "--simulated", "--out", quote.toString(), "--collateral-out",
                collateral.toString()), "tdx4j quote: cannot write " + collateral + " (no such file or directory).");
        assertThat(Files.readString(quote)).isEqualTo("the quote of yesterday");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no staged .part file left")
                    .containsExactly("q.dat");
        }
    }

    @Test
    @DisplayName("A write replaces the file whole: through a symbolic link the linked file changes, and /dev/null (not a regular file) is written directly")
    void writeReplacesWholeFilesAndLeavesDevicesAlone(@TempDir Path dir) throws Exception {
        Path real = Files.writeString(dir.resolve("real.json"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), real.getFileName());
        CliFiles.write(link, "new".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(Files.isSymbolicLink(link)).as("the link stays a link").isTrue();
        assertThat(Files.readString(real)).isEqualTo("new");
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.isWritable(devNull), "no /dev/null on this system");
        CliFiles.write(devNull, new byte[] {1, 2, 3});
        assertThat(Files.isRegularFile(devNull)).as("/dev/null is still a device").isFalse();
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("real.json", "link.json");
        }
    }
}
