package io.github.tdx4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tdx4j} command line.
 *
 * <p>Exit codes, the same for every command: 0 success; 1 usage or I/O error (bad arguments, unreadable file);
 * 2 a check failed (verification, campaign oracle). Bad input gets one clear message on stderr, never a stack
 * trace.
 */
@Command(name = "tdx4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"Intel TDX for the JVM: the TDCALL/TDVMCALL call layer, a simulated TDX platform, "
                + "a Linux TDX guest backend and pure-Java DCAP quote verification.", ""},
        subcommands = {DecodeCommand.class, InspectCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success", "  1  usage or I/O error", "  2  a check failed (verification, campaign oracle)"})
public final class Main implements Runnable {
    /** Exit code: success. */
    public static final int OK = 0;
    /** Exit code: usage or I/O error. */
    public static final int USAGE = 1;
    /** Exit code: a check failed. */
    public static final int CHECK_FAILED = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code; for tests and embedding. */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine bad = ex.getCommandLine();
            bad.getErr().println("tdx4j: " + ex.getMessage());
            bad.getErr().println("Try '" + bad.getCommandSpec().qualifiedName() + " --help' for usage.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("tdx4j: " + ex.getMessage());
            return USAGE;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"tdx4j " + (v == null ? "0.1.0-SNAPSHOT" : v)
                    + " (Java " + Runtime.version() + ")"};
        }
    }
}
