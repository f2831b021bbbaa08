package io.github.tdx4j.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.call.policy.NanoClock;
import io.github.tdx4j.linux.internal.LinuxSockets;
import io.github.tdx4j.linux.internal.NativeServerSocket;
import io.github.tdx4j.linux.internal.NativeSocketStream;
import io.github.tdx4j.sim.qgs.SimulatedQgsServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated QGS on vsock loopback (AF_VSOCK to VMADDR_CID_LOCAL = 1, the vsock_loopback module), so that the QGS
 * client's vsock path meets a real vsock peer where the kernel offers one; and the same native listening calls on
 * AF_UNIX, which every machine has.
 */
@Timeout(60)
class VsockQgsTest {
    private static final byte[] REPORT_DATA = reportData();

    private static byte[] reportData() {
        byte[] rd = new byte[64];
        Arrays.fill(rd, (byte) 0x3C);
        return rd;
    }

    @Test
    @DisplayName("the simulated QGS on a native AF_UNIX listener (socket, bind, listen, accept4) serves the native client")
    void nativeListenerOnUnixSocket(@TempDir Path dir) throws Exception {
        String path = dir.resolve("qgs.sock").toString();
        try (SimulatedQgsServer qgs = SimulatedQgsServer.start(
                new NativeQgsListener(NativeServerSocket.listenUnix(path)), SimulatedQgs.QUOTING)) {
            QgsClient client = new QgsClient(new QgsEndpoint.UnixSocket(Path.of(path)), QgsClient.Options.DEFAULT,
                    NanoClock.SYSTEM, (endpoint, timeout) -> NativeSocketStream.connectUnix(path, timeout));
            byte[] quote = client.getQuote(SimulatedQgs.report(REPORT_DATA));
            assertThat(Quote.decode(quote).body().reportData()).isEqualTo(REPORT_DATA);
            assertThat(qgs.quotesServed()).isEqualTo(1);
            assertThat(qgs.display()).isEqualTo("UNIX socket " + path);
        }
    }

    @Test
    @DisplayName("the simulated QGS on vsock loopback serves QgsClient's vsock path (skips where the kernel has none)")
    void vsockLoopback() throws Exception {
        long port = 40_000 + ProcessHandle.current().pid() % 20_000;
        NativeServerSocket listener;
        try {
            listener = NativeServerSocket.listenVsock(LinuxSockets.VMADDR_CID_LOCAL, port);
        } catch (IOException e) {
            String why = "VsockQgsTest: skipped, this kernel offers no vsock loopback (VMADDR_CID_LOCAL, module "
                    + "vsock_loopback): " + e.getMessage();
            System.out.println(why);
            Assumptions.abort(why);
            return;
        }
        try (SimulatedQgsServer qgs = SimulatedQgsServer.start(new NativeQgsListener(listener),
                SimulatedQgs.QUOTING)) {
            QgsClient client = QgsClient.of(new QgsEndpoint.Vsock(LinuxSockets.VMADDR_CID_LOCAL, port));
            byte[] quote = client.getQuote(SimulatedQgs.report(REPORT_DATA));
            assertThat(Quote.decode(quote).body().reportData()).isEqualTo(REPORT_DATA);
            assertThat(qgs.quotesServed()).isEqualTo(1);
        }
    }
}
