package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad files that used to come back with a library's internal message (Jackson, the JDK's certificate parser,
 * {@code Long.parseLong}, a charset decoder): each gets one sentence naming the file and the problem.
 */
class LeakedMessagesTest {
    private static final String QUOTE = TestVectors.DIR.resolve("dcap-qvl/tdx_quote").toString();
    private static final String COLLATERAL = TestVectors.DIR.resolve("dcap-qvl/tdx_quote_collateral.json").toString();

    /** No class names, no parser vocabulary, no Java exception text. */
    private static void noInternals(String message) {
        assertThat(message).doesNotContain("Exception").doesNotContain("CTRL-CHAR").doesNotContain("StreamReadConstraints")
                .doesNotContain("For input string").doesNotContain("radix").doesNotContain("Input length")
                .doesNotContain("No EOL").doesNotContain("\tat ");
    }

    private static JsonNode json(CliRun r) throws IOException {
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    @DisplayName("Random bytes as collateral: 'F is not QuoteCollateralV3 collateral: it is not text (...)', no Jackson CTRL-CHAR")
    void randomBytesAsCollateral(@TempDir Path dir) throws Exception {
        byte[] random = new byte[3000];
        new SplittableRandom(137).nextBytes(random);
        random[0] = (byte) 0x89; // Jackson's "(CTRL-CHAR, code 137)"
        Path file = Files.write(dir.resolve("random.bin"), random);
        CliRun r = CliRun.of("verify", QUOTE, "--collateral", file.toString(), "--at", "1751328000", "--json");
        assertThat(r.exitCode()).isEqualTo(Main.CHECK_FAILED);
        String detail = json(r).get("detail").asText();
        noInternals(detail);
        assertThat(detail).isEqualTo(file + " is not QuoteCollateralV3 collateral: it is not UTF-8 text (byte 0x89 at "
                + "offset 0)");
    }

    @Test
    @DisplayName("A 100,000-deep JSON as collateral and to inspect: 'nests deeper than 1000 levels', no StreamReadConstraints")
    void deepJson(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("deep.json"), "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000)
                + "}");
        CliRun verify = CliRun.of("verify", QUOTE, "--collateral", file.toString(), "--at", "1751328000", "--json");
        String detail = json(verify).get("detail").asText();
        noInternals(detail);
        assertThat(detail).isEqualTo(file + " is not QuoteCollateralV3 collateral: it nests arrays and objects deeper "
                + "than 1000 levels");
        CliRun inspect = CliRun.of("inspect", file.toString());
        assertThat(inspect.exitCode()).isEqualTo(Main.USAGE);
        noInternals(inspect.err());
        assertThat(inspect.err().strip()).isEqualTo("tdx4j inspect: " + file + " starts with '{' but nests arrays and "
                + "objects deeper than 1000 levels.");
    }

    @Test
    @DisplayName("--root collateral.json: 'F is not a root certificate', no 'java.io.IOException: No EOL character found'")
    void collateralAsRoot() {
        CliRun r = CliRun.of("verify", QUOTE, "--collateral", COLLATERAL, "--root", COLLATERAL);
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        noInternals(r.err());
        assertThat(r.err().lines().toList()).containsExactly("tdx4j verify: " + COLLATERAL + " is not a root "
                + "certificate: it holds no PEM or DER X.509 certificate.");
    }

    @Test
    @DisplayName("campaign --replay with seed=0xZZ: names the seed, no 'For input string: \"ZZ\" under radix 16'")
    void replayBadSeed(@TempDir Path dir) throws Exception {
        Path tape = Files.writeString(dir.resolve("t.txt"), "version=1\nseed=0xZZ\ntape=00\n");
        CliRun r = CliRun.of("campaign", "--replay", tape.toString());
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        noInternals(r.err());
        assertThat(r.err().lines().toList()).containsExactly("tdx4j campaign: " + tape
                + " is not a valid tape file: seed \"0xZZ\" is not a 64-bit number in decimal or 0x-hex.");
    }

    @Test
    @DisplayName("campaign --replay with a 100 MB file: 'larger than 65536 bytes', no 'Input length = 1'")
    void replayHugeFile(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(100_000_000L); // sparse: the size a user's mistaken file has, without writing 100 MB
            f.write(new byte[] {(byte) 0x89});
        }
        CliRun r = CliRun.of("campaign", "--replay", big.toString());
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        noInternals(r.err());
        assertThat(r.err().lines().toList()).containsExactly("tdx4j campaign: " + big
                + " is larger than 65536 bytes, too large for a tape file.");
    }

    @Test
    @DisplayName("campaign --replay with random bytes: 'not ASCII text', no 'Input length = 1'")
    void replayBinaryFile(@TempDir Path dir) throws Exception {
        Path bin = Files.write(dir.resolve("r.bin"), new byte[] {'s', 'e', (byte) 0xC3, 0x28});
        CliRun r = CliRun.of("campaign", "--replay", bin.toString());
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        noInternals(r.err());
        assertThat(r.err().lines().toList()).containsExactly("tdx4j campaign: " + bin
                + " is not a tape file: it is not ASCII text (byte 0xc3 at offset 2).");
    }

    @Test
    @DisplayName("campaign --replay with a directory: names the directory, not a bare 'Is a directory'")
    void replayDirectory(@TempDir Path dir) {
        CliRun r = CliRun.of("campaign", "--replay", dir.toString());
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err().lines().toList()).containsExactly("tdx4j campaign: cannot read " + dir
                + " (it is a directory).");
    }
}
