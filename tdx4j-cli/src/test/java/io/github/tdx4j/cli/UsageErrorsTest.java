package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * README.md, "Exit codes": a usage error is exit 1 with one sentence of ours on stderr, "never a stack trace or a
 * library's message". Each case below used to print picocli's own text (quoted in its name).
 */
class UsageErrorsTest {
    /** picocli's vocabulary, which must not reach the user. */
    private static final List<String> PICOCLI_TEXT = List.of("Invalid value for option", "is not an int",
            "is not a long", "Missing required", "Unmatched argument", "Error: ", "mutually exclusive",
            "specify one of these", "should be specified only once", "Expected parameter", "case-sensitive");

    /** Exit 1, the sentence, then the hint: two lines, nothing on stdout, no picocli text. */
    private static void usageError(CliRun r, String sentence, String command) {
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).containsExactly(sentence,
                "Try '" + command + " --help' for usage.");
        for (String text : PICOCLI_TEXT) {
            assertThat(r.err()).as("picocli's '" + text + "'").doesNotContain(text);
        }
    }

    @Test
    @DisplayName("serve --port abc: not \"Invalid value for option '--port': 'abc' is not an int\"")
    void notAWholeNumber() {
        usageError(CliRun.of("serve", "--port", "abc", "--simulated"),
                "tdx4j serve: --port 'abc' is not a whole number.", "tdx4j serve");
        usageError(CliRun.of("campaign", "--runs", "1e6"),
                "tdx4j campaign: --runs '1e6' is not a whole number.", "tdx4j campaign");
    }

    @Test
    @DisplayName("decode --as foo: not \"expected one of [status, ...] (case-sensitive) but was 'foo'\"")
    void notOneOfTheNames() {
        usageError(CliRun.of("decode", "--as", "foo", "1"), "tdx4j decode: --as 'foo' is not one of status, tdvmcall, "
                + "getquote, rax, subfunction, exit, io, attributes or mask.", "tdx4j decode");
    }

    @Test
    @DisplayName("serve without a source: not 'Error: Missing required argument (specify one of these): (...)'")
    void missingOneOfAGroup() {
        usageError(CliRun.of("serve"),
                "tdx4j serve: one of --simulated, --offline, --pcs or --pccs is required.", "tdx4j serve");
    }

    @Test
    @DisplayName("serve --simulated --pcs URL: not 'Error: --simulated, --pcs=URL are mutually exclusive (specify only one)'")
    void twoOfAnExclusiveGroup() {
        usageError(CliRun.of("serve", "--simulated", "--pcs", "https://pcs.example"),
                "tdx4j serve: give only one of --simulated, --offline, --pcs or --pccs.", "tdx4j serve");
    }

    @Test
    @DisplayName("inspect without a file: not \"Missing required parameter: 'FILE'\"")
    void missingPositional() {
        usageError(CliRun.of("inspect"), "tdx4j inspect: the argument FILE is missing.", "tdx4j inspect");
    }

    @Test
    @DisplayName("verify q.dat --at: not \"Missing required parameter for option '--at' (TIME)\"")
    void optionWithoutItsValue() {
        CliRun r = CliRun.of("verify", "q.dat", "--at");
        String label = Main.commandLine().getSubcommands().get("verify").getCommandSpec().findOption("--at")
                .paramLabel();
        usageError(r, "tdx4j verify: --at needs a value (" + label + ").", "tdx4j verify");
    }

    @Test
    @DisplayName("verify q.dat --bogus: not \"Unknown option: '--bogus'\"; a near miss is suggested")
    void unknownOption() {
        usageError(CliRun.of("verify", "q.dat", "--bogus"), "tdx4j verify: unknown option '--bogus'.",
                "tdx4j verify");
        CliRun near = CliRun.of("verify", "q.dat", "--collatral", "c.json");
        assertThat(near.err().lines().findFirst().orElseThrow())
                .startsWith("tdx4j verify: unknown option '--collatral' (did you mean ").contains("--collateral");
    }

    @Test
    @DisplayName("frobnicate: not \"Unmatched argument at index 0: 'frobnicate'\"; verfy suggests verify")
    void unknownCommand() {
        usageError(CliRun.of("frobnicate"), "tdx4j: unknown command 'frobnicate'.", "tdx4j");
        CliRun near = CliRun.of("verfy", "q.dat");
        assertThat(near.err().lines().findFirst().orElseThrow())
                .startsWith("tdx4j: unknown command 'verfy' (did you mean ").contains("verify");
    }

    @Test
    @DisplayName("ratls conect: an unknown subcommand, not \"Unmatched argument at index 1: 'conect'\"; connect suggested")
    void unknownSubcommand() {
        CliRun r = CliRun.of("ratls", "conect", "127.0.0.1:8443");
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err().lines().findFirst().orElseThrow())
                .isEqualTo("tdx4j ratls: unknown command 'conect' (did you mean connect?).");
    }

    @Test
    @DisplayName("decode 1 2: not \"Unmatched argument at index 1: '2'\"")
    void extraArgument() {
        usageError(CliRun.of("decode", "1", "2"), "tdx4j decode: unexpected argument '2'.", "tdx4j decode");
    }

    @Test
    @DisplayName("serve --port 1 --port 2: not \"option '--port' (PORT) should be specified only once\"")
    void optionTwice() {
        usageError(CliRun.of("serve", "--simulated", "--port", "1", "--port", "2"),
                "tdx4j serve: --port is given more than once; give it once.", "tdx4j serve");
    }

    @Test
    @DisplayName("A sentence a command writes itself passes unchanged (quote --report-data zz)")
    void ownSentencesPassUnchanged() {
        usageError(CliRun.of("quote", "--simulated", "--report-data", "zz"),
                "tdx4j quote: --report-data 'zz' is not hex with an even number of digits.", "tdx4j quote");
    }

    @Test
    @DisplayName("Suggestions are near misses only: one or two edits, one for short names (picocli offered ratls for frobnicate)")
    void nearMisses() {
        assertThat(UsageErrors.isNearMiss("verfy", "verify")).isTrue();
        assertThat(UsageErrors.isNearMiss("--collatral", "--collateral")).isTrue();
        assertThat(UsageErrors.isNearMiss("--at", "--as")).isTrue();
        assertThat(UsageErrors.isNearMiss("--ta", "--as")).isFalse();
        assertThat(UsageErrors.isNearMiss("frobnicate", "ratls")).isFalse();
        assertThat(UsageErrors.isNearMiss("qoute", "quote")).isTrue();
        assertThat(UsageErrors.isNearMiss("campain", "campaign")).isTrue();
        assertThat(UsageErrors.isNearMiss("serve", "verify")).isFalse();
    }
}
