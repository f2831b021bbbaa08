package io.github.tdx4j.cli;

import io.github.tdx4j.linux.QgsEndpoint;
import io.github.tdx4j.linux.TdxAttestConf;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where commands find the host's Quote Generation Service: the port in /etc/tdx-attest.conf (as Intel's
 * libtdx_attest), another conf file, a vsock port, or a UNIX socket. At most one of the options.
 */
final class QgsOptions {
    @Option(names = "--attest-conf", paramLabel = "FILE",
            description = "Read the QGS vsock port ('port = N') from FILE instead of /etc/tdx-attest.conf.")
    Path attestConf;

    @Option(names = "--qgs-port", paramLabel = "N",
            description = "Use the QGS on the host (vsock CID 2) at port N, e.g. 4050, whatever tdx-attest.conf says.")
    Long port;

    @Option(names = "--qgs-socket", paramLabel = "PATH",
            description = "Use the QGS listening on the UNIX socket PATH.")
    Path socket;

    /** One sentence if an option is out of range, else null. */
    String check() {
        if (port != null && (port < 1 || port >= 0xFFFF_FFFFL)) {
            return "--qgs-port must be a vsock port 1..4294967294, got " + port;
        }
        return null;
    }

    /** The endpoint the options name, or null to read the conf file. */
    QgsEndpoint endpoint() {
        if (socket != null) {
            return new QgsEndpoint.UnixSocket(socket);
        }
        if (port != null) {
            return QgsEndpoint.Vsock.host(port);
        }
        return null;
    }

    Path attestConf() {
        return attestConf != null ? attestConf : TdxAttestConf.DEFAULT_PATH;
    }
}
