package io.github.tdx4j.sim.qgs;

import java.io.IOException;
import java.nio.channels.ByteChannel;

/**
 * Where a {@link SimulatedQgsServer} takes its connections: a UNIX-domain socket through the JDK
 * ({@link SimulatedQgsServer#start(java.nio.file.Path, io.github.tdx4j.sim.quote.QuoteGenerationService)}), or a
 * transport the JDK lacks, such as vsock, supplied by a module that has native access.
 */
public interface QgsListener extends AutoCloseable {
    /**
     * The next connection, as a blocking channel; blocks until one comes.
     *
     * @throws IOException once the listener is closed, or if accepting failed
     */
    ByteChannel accept() throws IOException;

    /** For messages: {@code UNIX socket /tmp/qgs.sock}, {@code vsock CID 1 port 4050}. */
    String display();

    /** Stops listening; a blocked {@link #accept()} then throws. */
    @Override
    void close() throws IOException;
}
