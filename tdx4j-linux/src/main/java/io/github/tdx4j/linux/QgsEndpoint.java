package io.github.tdx4j.linux;

import java.nio.file.Path;
import java.util.Objects;

/** Where the host's Quote Generation Service (QGS) listens. A closed set we produce. */
public sealed interface QgsEndpoint {
    /** QGS's default vsock port (intel/SGXDataCenterAttestationPrimitives, QuoteGeneration/quote_wrapper/qgs/qgs.conf). */
    long DEFAULT_VSOCK_PORT = 4050;
    /** VMADDR_CID_HOST (include/uapi/linux/vm_sockets.h): the host, seen from a guest. */
    long HOST_CID = 2;

    /** For messages: {@code vsock CID 2 port 4050}, {@code UNIX socket /run/qgs.sock}. */
    String display();

    /**
     * AF_VSOCK to {@code cid}:{@code port}, as libtdx_attest does when /etc/tdx-attest.conf names a port.
     *
     * @param cid  context id, u32; {@link #HOST_CID} from a guest
     * @param port u32, not VMADDR_PORT_ANY (0xFFFFFFFF)
     */
    record Vsock(long cid, long port) implements QgsEndpoint {
        public Vsock {
            if (cid < 0 || cid > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("vsock CID must be a u32: " + cid);
            }
            if (port < 0 || port >= 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("vsock port must be 0..4294967294: " + port);
            }
        }

        /** The host's QGS on {@code port}. */
        public static Vsock host(long port) {
            return new Vsock(HOST_CID, port);
        }

        @Override
        public String display() {
            return "vsock CID " + cid + " port " + port;
        }
    }

    /** A UNIX-domain socket, as QGS offers the host's VMM (and a simulated QGS offers tests). */
    record UnixSocket(Path path) implements QgsEndpoint {
        public UnixSocket {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String display() {
            return "UNIX socket " + path;
        }
    }
}
