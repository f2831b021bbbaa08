package io.github.tdx4j.server.logging;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Helidon's logging provider for tdx4j-server: logging stays with {@code java.util.logging} as the JDK and the
 * application configure it, so both methods do nothing. Helidon looks a provider up with the ServiceLoader when
 * it first logs, and without one prints "There is no Helidon logging implementation on classpath, skipping log
 * configuration." on stderr, which every {@code tdx4j serve} showed when it stopped. Helidon's own JUL provider
 * ({@code helidon-logging-jul}) would instead read a {@code logging.properties} from the working directory.
 */
public final class JulLogging implements LoggingProvider {
    /** Made by the ServiceLoader. */
    public JulLogging() {
    }

    @Override
    public void initialization() {
        // java.util.logging is configured by the JDK (and -Djava.util.logging.config.file), not here
    }

    @Override
    public void runTime() {
        // nothing to configure at run time either
    }
}
