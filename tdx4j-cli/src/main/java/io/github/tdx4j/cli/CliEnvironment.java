package io.github.tdx4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * What the commands take from the process rather than from their arguments, injected so that tests can supply their
 * own: the raw bytes of the arguments, whether stderr is a terminal, and the clock for progress reports.
 *
 * @param rawArguments   the arguments' bytes, for file names ({@link CliPaths})
 * @param stderrTerminal whether stderr is a terminal (a redrawn progress bar) or not (bounded progress lines)
 * @param nanoClock      a monotonic clock in nanoseconds, as {@link System#nanoTime()}
 */
record CliEnvironment(RawArguments rawArguments, boolean stderrTerminal, LongSupplier nanoClock) {
    CliEnvironment {
        Objects.requireNonNull(rawArguments, "rawArguments");
        Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** For a command line whose output is not the process's: no raw arguments, no terminal, the system clock. */
    static final CliEnvironment EMBEDDED = new CliEnvironment(RawArguments.NONE, false, System::nanoTime);

    /** This process, run as {@code tdx4j args...}. */
    static CliEnvironment ofThisProcess(String[] args) {
        return new CliEnvironment(RawArguments.ofThisProcess(args), stderrIsTerminal(), System::nanoTime);
    }

    /**
     * Whether file descriptor 2 is a terminal. On Linux its {@code /proc/self/fd/2} link (proc(5)) names a tty
     * device; elsewhere {@link java.io.Console#isTerminal()} (which looks at stdin and stdout) is the best guess.
     */
    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null && System.console().isTerminal();
        }
    }
}
