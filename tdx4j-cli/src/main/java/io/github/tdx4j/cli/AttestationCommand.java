package io.github.tdx4j.cli;

import io.github.tdx4j.cli.AttestationBackends.Missing;
import io.github.tdx4j.cli.AttestationBackends.Need;
import io.github.tdx4j.cli.AttestationBackends.Ready;
import io.github.tdx4j.cli.AttestationBackends.Selection;
import io.github.tdx4j.guest.attest.AttestationException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The shared part of {@code report}, {@code quote}, {@code extend} and {@code rtmr}: pick the backend, run, and
 * turn every failure into one line on stderr with exit code 1.
 */
abstract class AttestationCommand implements Callable<Integer> {
    static final HexFormat HEX = HexFormat.of();

    /** Set by {@link Main#commandLine(AttestationBackends)}. */
    AttestationBackends backends = AttestationBackends.DEFAULT;

    @Option(names = "--simulated", description = "Run on the embedded simulated TDX platform instead of this machine.")
    boolean simulated;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** What the command needs from a real machine. */
    abstract Need need();

    /**
     * Checks and parses the options before any backend is touched; returns an error sentence or null, or throws
     * {@link CommandLine.ParameterException}.
     */
    String checkOptions() {
        return null;
    }

    /** Runs on the chosen backend. */
    abstract int run(Ready backend, PrintWriter out) throws IOException;

    @Override
    public final Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.qualifiedName();
        String bad = checkOptions();
        if (bad != null) {
            err.println(name + ": " + bad);
            return Main.USAGE;
        }
        Selection selection = simulated ? backends.simulated() : backends.real(need());
        return switch (selection) {
            case Missing m -> {
                err.println(name + ": " + m.sentence() + ".");
                yield Main.USAGE;
            }
            case Ready r -> {
                try {
                    yield run(r, spec.commandLine().getOut());
                } catch (AttestationException e) {
                    err.println(name + ": " + e.failure().detail() + " [" + e.reason() + ", origin " + e.origin()
                            + "]");
                    yield Main.USAGE;
                } catch (IOException e) {
                    err.println(name + ": " + e.getMessage());
                    yield Main.USAGE;
                }
            }
        };
    }

    /**
     * Parses {@code --report-data}: hex (an optional 0x prefix), at most 64 bytes, padded with zero bytes to 64.
     *
     * @throws CommandLine.ParameterException if it is not that
     */
    byte[] reportData(String hex) {
        byte[] data = new byte[64];
        if (hex == null) {
            return data;
        }
        byte[] given = parseHex(hex, "--report-data");
        if (given.length > 64) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--report-data is " + given.length + " bytes; REPORTDATA holds at most 64");
        }
        System.arraycopy(given, 0, data, 0, given.length);
        return data;
    }

    byte[] parseHex(String hex, String option) {
        String h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
        try {
            return HEX.parseHex(h);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    option + " '" + hex + "' is not hex with an even number of digits");
        }
    }
}
