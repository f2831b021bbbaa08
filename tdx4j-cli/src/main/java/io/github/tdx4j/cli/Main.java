package io.github.tdx4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tdx4j} command line.
 *
 * <p>Exit codes, the same for every command: 0 success; 1 usage or input error (bad arguments, a file that cannot
 * be read or is not what the command expects); 2 a check failed (verification, campaign oracle, demo check,
 * detect); the {@code ./tdx4j} launcher adds 3 when it cannot run the command at all. Bad input gets one clear
 * message on stderr, never a stack trace.
 */
@Command(name = "tdx4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"Intel TDX for the JVM: the TDCALL/TDVMCALL call layer, a simulated TDX platform, "
                + "a Linux TDX guest backend and pure-Java DCAP quote verification.", ""},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success", "  1  usage or input error (one sentence on stderr names the file and the problem)",
                "  2  a check failed (verification, campaign oracle, demo check, detect)",
                "  3  the ./tdx4j launcher could not run tdx4j (no JDK 25 or Maven, the build failed)", "",
                "Every command but collateral, serve and ratls takes --json; the JSON Schemas of the outputs are in "
                        + "schemas/ of the repository."})
public final class Main implements Callable<Integer> {
    /** Exit code: success. */
    public static final int OK = 0;
    /** Exit code: usage or I/O error. */
    public static final int USAGE = 1;
    /** Exit code: a check failed. */
    public static final int CHECK_FAILED = 2;

    /**
     * The commands by name, in the order of the usage text. Added in code rather than by {@code @Command
     * subcommands}: picocli creates every subcommand object (and runs its class initializer) when the command line is
     * built, so a one-shot {@code tdx4j verify} builds only {@code verify} ({@link #commandLine(AttestationBackends,
     * CliEnvironment, String...)}). MainTest checks that the names are the commands' own.
     */
    static final SequencedMap<String, Class<?>> COMMANDS = commands();

    private static SequencedMap<String, Class<?>> commands() {
        SequencedMap<String, Class<?>> m = new LinkedHashMap<>();
        m.put("demo", DemoCommand.class);
        m.put("campaign", CampaignCommand.class);
        m.put("decode", DecodeCommand.class);
        m.put("inspect", InspectCommand.class);
        m.put("verify", VerifyCommand.class);
        m.put("collateral", CollateralCommand.class);
        m.put("report", ReportCommand.class);
        m.put("quote", QuoteCommand.class);
        m.put("extend", ExtendCommand.class);
        m.put("rtmr", RtmrCommand.class);
        m.put("detect", DetectCommand.class);
        m.put("serve", ServeCommand.class);
        m.put("ratls", RatlsCommand.class);
        m.put("help", CommandLine.HelpCommand.class);
        return java.util.Collections.unmodifiableSequencedMap(m);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code tdx4j} without a command: a usage error, so the usage goes to stderr and the exit code is 1. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    public static void main(String[] args) {
        System.exit(commandLine(AttestationBackends.DEFAULT, CliEnvironment.ofThisProcess(args), args).execute(args));
    }

    /** Runs the command line on the process's stdout and stderr and returns its exit code. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** Runs the command line with the given output streams and returns its exit code; for tests and embedding. */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return run(CliEnvironment.EMBEDDED, out, err, args);
    }

    /** As {@link #run(java.io.PrintWriter, java.io.PrintWriter, String...)} in the environment {@code env}. */
    static int run(CliEnvironment env, java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = commandLine(AttestationBackends.DEFAULT, env, args);
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    static CommandLine commandLine() {
        return commandLine(AttestationBackends.DEFAULT);
    }

    /** The command line with the attestation commands on {@code backends}. */
    static CommandLine commandLine(AttestationBackends backends) {
        return commandLine(backends, CliEnvironment.EMBEDDED);
    }

    /** The command line with the attestation commands on {@code backends}, in the environment {@code env}. */
    static CommandLine commandLine(AttestationBackends backends, CliEnvironment env) {
        return commandLine(backends, env, new String[0]);
    }

    /**
     * As {@link #commandLine(AttestationBackends, CliEnvironment)}, holding only the command that {@code argv} names
     * first when it names one (other than {@code help}); otherwise every command, so that usage, help and the
     * message for an unknown command list them all. Start-up time: the other commands' classes are never loaded.
     */
    static CommandLine commandLine(AttestationBackends backends, CliEnvironment env, String... argv) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K made = defaults.create(cls);
                if (made instanceof AttestationCommand c) {
                    c.backends = backends;
                }
                if (made instanceof CampaignCommand c) {
                    c.env = env;
                }
                return made;
            }
        };
        CommandLine cl = new CommandLine(new Main(), factory);
        String first = argv.length > 0 ? argv[0] : "";
        boolean one = COMMANDS.containsKey(first) && !first.equals("help");
        for (Map.Entry<String, Class<?>> c : COMMANDS.entrySet()) {
            if (!one || c.getKey().equals(first)) {
                try {
                    cl.addSubcommand(c.getKey(), factory.create(c.getValue()));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create the command " + c.getKey(), e);
                }
            }
        }
        cl.registerConverter(java.nio.file.Path.class,
                new CliPaths.Converter(env.rawArguments(), RawArguments.fileNameCharset()));
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine bad = ex.getCommandLine();
            String sentence = UsageErrors.sentence(ex);
            bad.getErr().println(bad.getCommandSpec().qualifiedName() + ": " + sentence
                    + (sentence.endsWith(".") ? "" : "."));
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
            return new String[] {"tdx4j " + number() + " (Java " + Runtime.version() + ")"};
        }

        /** This build's version, e.g. 0.1.0-SNAPSHOT. */
        static String number() {
            String v = Main.class.getPackage().getImplementationVersion();
            return v == null ? "0.1.0-SNAPSHOT" : v;
        }
    }
}
