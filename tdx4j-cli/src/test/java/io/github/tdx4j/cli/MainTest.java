package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    @DisplayName("--help lists the commands and the exit codes, exit 0")
    void help() {
        CliRun r = CliRun.of("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: tdx4j").contains("decode").contains("Exit codes:");
    }

    @Test
    @DisplayName("Main.COMMANDS names each command by its own @Command name, and --help lists every one of them")
    void commandTableMatchesTheCommands() throws Exception {
        for (var e : Main.COMMANDS.entrySet()) {
            Object command = picocli.CommandLine.defaultFactory().create(e.getValue());
            assertThat(new picocli.CommandLine(command).getCommandName()).as(e.getValue().getSimpleName())
                    .isEqualTo(e.getKey());
        }
        CliRun r = CliRun.of("--help");
        for (String name : Main.COMMANDS.keySet()) {
            assertThat(r.out()).as("--help lists " + name).containsPattern("(?m)^  " + name + "\\b");
        }
    }

    @Test
    @DisplayName("--help's footer names exactly the commands without --json ('Every command takes --json' was false)")
    void helpFooterNamesTheCommandsWithoutJson() {
        picocli.CommandLine cl = Main.commandLine();
        java.util.List<String> withoutJson = new java.util.ArrayList<>();
        for (String name : Main.COMMANDS.keySet()) {
            if (!name.equals("help") && cl.getSubcommands().get(name).getCommandSpec().findOption("--json") == null) {
                withoutJson.add(name);
            }
        }
        assertThat(withoutJson).containsExactly("collateral", "serve", "ratls");
        assertThat(CliRun.of("--help").out()).contains("Every command but collateral, serve and ratls takes --json");
    }

    @Test
    @DisplayName("every command and subcommand: --help exits 0 and shows every option with a description and a named value (no picocli <fieldName>)")
    void everyHelpListsEveryOptionReadably() {
        java.util.Deque<picocli.CommandLine> todo = new java.util.ArrayDeque<>(Main.commandLine().getSubcommands()
                .values());
        int seen = 0;
        while (!todo.isEmpty()) {
            picocli.CommandLine c = todo.pop();
            if (c.getCommandName().equals("help")) {
                continue;
            }
            todo.addAll(c.getSubcommands().values());
            String name = c.getCommandSpec().qualifiedName(" ").replaceFirst("^tdx4j ", "");
            CliRun r = CliRun.of((name + " --help").split(" "));
            assertThat(r.exitCode()).as(name + " --help").isZero();
            for (picocli.CommandLine.Model.OptionSpec o : c.getCommandSpec().options()) {
                assertThat(r.out()).as(name + " --help lists " + o.longestName()).contains(o.longestName());
                assertThat(String.join(" ", o.description())).as(name + " " + o.longestName() + " has a description")
                        .isNotBlank();
                if (o.typeInfo().isBoolean()) {
                    continue;
                }
                assertThat(o.paramLabel()).as(name + " " + o.longestName() + " names its value").doesNotStartWith("<");
            }
            seen++;
        }
        assertThat(seen).as("commands and subcommands checked").isGreaterThanOrEqualTo(15);
    }

    @Test
    @DisplayName("A one-shot command line builds only the command named first; help and usage build all")
    void oneShotBuildsOnlyTheNamedCommand() {
        assertThat(Main.commandLine(AttestationBackends.DEFAULT, CliEnvironment.EMBEDDED, "verify", "q.dat")
                .getSubcommands().keySet()).containsExactly("verify");
        assertThat(Main.commandLine(AttestationBackends.DEFAULT, CliEnvironment.EMBEDDED, "help", "verify")
                .getSubcommands().keySet()).containsExactlyElementsOf(Main.COMMANDS.keySet());
        assertThat(Main.commandLine(AttestationBackends.DEFAULT, CliEnvironment.EMBEDDED, "--version")
                .getSubcommands().keySet()).containsExactlyElementsOf(Main.COMMANDS.keySet());
    }

    @Test
    @DisplayName("No command at all is a usage error: the usage on stderr, nothing on stdout, exit 1")
    void noCommand() {
        CliRun r = CliRun.of();
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("Usage: tdx4j").contains("Exit codes:");
    }

    @Test
    @DisplayName("An unknown command is a usage error: one message, a hint, exit 1, no stack trace")
    void unknownCommand() {
        CliRun r = CliRun.of("frobnicate");
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("unknown command 'frobnicate'").contains("--help").doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    @DisplayName("decode: TDX_OPERAND_INVALID(RCX) with its bit fields")
    void decodeStatus() {
        CliRun r = CliRun.of("decode", "0xC000010000000001");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("TDX_OPERAND_INVALID(RCX)").contains("error      true").contains("class      0x01");
    }

    @Test
    @DisplayName("decode --as tdvmcall: ALIGN_ERROR is a VMM error")
    void decodeTdvmcall() {
        CliRun r = CliRun.of("decode", "--as", "tdvmcall", "0x8000000000000002");
        assertThat(r.out()).contains("TDVMCALL_STATUS_ALIGN_ERROR").contains("VMM error");
    }

    @Test
    @DisplayName("decode: a value that is not a number gets one sentence and exit 1")
    void decodeBadValue() {
        CliRun r = CliRun.of("decode", "0xZZ");
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("is not a 64-bit number");
    }

    @Test
    @DisplayName("decode: decimal values are unsigned 64-bit, up to 18446744073709551615; one more is refused")
    void decodeUnsignedDecimal() {
        CliRun max = CliRun.of("decode", "18446744073709551615");
        assertThat(max.exitCode()).isZero();
        assertThat(max.out()).startsWith("value      0xffffffffffffffff");
        assertThat(CliRun.of("decode", "18446744073709551616").exitCode()).isEqualTo(Main.USAGE);
        assertThat(CliRun.of("decode", "-1").out()).startsWith("value      0xffffffffffffffff");
    }

    @Test
    @DisplayName("decode --as with an unknown kind is a usage error listing the kinds")
    void decodeBadKind() {
        CliRun r = CliRun.of("decode", "--as", "nope", "1");
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("status").contains("tdvmcall");
    }
}
