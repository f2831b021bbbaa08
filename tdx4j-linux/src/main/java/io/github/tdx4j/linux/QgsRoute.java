package io.github.tdx4j.linux;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether quotes try the host's QGS first, and why: an endpoint given explicitly, a port from
 * {@link TdxAttestConf}, or the reason QGS is not configured (which a failed quote then reports).
 *
 * @param client the client to try first, if any
 * @param source how the endpoint was chosen, or why there is none
 */
record QgsRoute(Optional<QgsClient> client, String source) {
    QgsRoute {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(source, "source");
    }

    /**
     * @param explicit an endpoint the caller chose, or null to read {@code conf}
     * @param conf     the tdx-attest.conf to read when no endpoint is given
     */
    static QgsRoute resolve(QgsEndpoint explicit, Path conf, QgsClient.Options options) {
        if (explicit != null) {
            return new QgsRoute(Optional.of(QgsClient.of(explicit, options)), explicit.display() + " (set explicitly)");
        }
        return switch (TdxAttestConf.read(conf)) {
            case TdxAttestConf.Port p -> new QgsRoute(Optional.of(QgsClient.of(QgsEndpoint.Vsock.host(p.port()),
                    options)), QgsEndpoint.Vsock.host(p.port()).display() + " (" + p.describe() + ")");
            case TdxAttestConf.NotConfigured n -> new QgsRoute(Optional.empty(), n.why());
        };
    }
}
