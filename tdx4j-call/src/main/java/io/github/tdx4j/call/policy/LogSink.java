package io.github.tdx4j.call.policy;

import java.lang.System.Logger.Level;

/**
 * Where failure warnings go. The default writes to the {@link System.Logger} named {@code io.github.tdx4j};
 * tests and the CLI capture lines instead.
 */
@FunctionalInterface
public interface LogSink {
    /** Logs through {@code System.getLogger("io.github.tdx4j")}. */
    LogSink SYSTEM_LOGGER = new LogSink() {
        private final System.Logger logger = System.getLogger("io.github.tdx4j");

        @Override
        public void log(Level level, String message) {
            logger.log(level, message);
        }
    };

    /** Discards everything. */
    LogSink NONE = (level, message) -> { };

    void log(Level level, String message);
}
