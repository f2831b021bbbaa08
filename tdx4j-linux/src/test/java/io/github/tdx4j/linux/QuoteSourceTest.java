package io.github.tdx4j.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.tdx4j.abi.QgsErrorCode;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.guest.attest.AttestationException;
import io.github.tdx4j.linux.internal.Errno;
import io.github.tdx4j.sim.qgs.QgsFault;
import io.github.tdx4j.sim.qgs.SimulatedQgsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backend choice for quotes, as libtdx_attest makes it: QGS first when configured, configfs-tsm otherwise or when
 * QGS fails, and the reason for each fallback in the error when both fail. QGS is the simulator's, on a UNIX socket;
 * configfs-tsm is the fake kernel tree.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QuoteSourceTest {
    private static final QgsClient.Options FAST = new QgsClient.Options(Duration.ofMillis(500),
            Duration.ofSeconds(5), LinuxTdAttestation.QUOTE_LIMIT);

    @TempDir
    Path tmp;
    FakeTdxGuest td;
    FakeTdxGuest.FakeTime time;
    SimulatedQgsServer server;
    byte[] reportData = new byte[64];

    @BeforeEach
    void setUp() {
        td = FakeTdxGuest.tdGuest(tmp.resolve("root"));
        time = new FakeTdxGuest.FakeTime();
        server = SimulatedQgs.start(tmp);
        Arrays.fill(reportData, (byte) 0x3C);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private LinuxTdAttestation attestation(QgsEndpoint endpoint) {
        return new LinuxTdAttestation(td, Backoff.NONE, time, time, "test",
                QgsRoute.resolve(endpoint, tmp.resolve("absent.conf"), FAST));
    }

    @Test
    @DisplayName("with QGS configured the quote comes from QGS over the TDREPORT of /dev/tdx_guest, and no configfs entry is made")
    void qgsFirst() throws Exception {
        LinuxTdAttestation att = attestation(new QgsEndpoint.UnixSocket(server.socketPath()));
        byte[] quote = att.quote(reportData);
        assertThat(Quote.decode(quote).body().reportData()).isEqualTo(reportData);
        assertThat(att.lastQuoteSource()).isEqualTo("QGS UNIX socket " + server.socketPath());
        assertThat(td.reportCalls).isEqualTo(1);
        assertThat(td.createdEntries).isEmpty();
    }

    @Test
    @DisplayName("a QGS error code falls back to configfs-tsm, which produces the quote")
    void fallbackOnServiceError() {
        server.inject(new QgsFault.ErrorCode(QgsErrorCode.UNEXPECTED));
        LinuxTdAttestation att = attestation(new QgsEndpoint.UnixSocket(server.socketPath()));
        assertThat(att.quote(reportData)).isEqualTo(FakeTdxGuest.fakeQuote(reportData));
        assertThat(att.lastQuoteSource()).isEqualTo("configfs-tsm");
        assertThat(td.createdEntries).hasSize(1);
    }

    @Test
    @DisplayName("when QGS is unreachable and configfs-tsm fails, the error gives both reasons, configfs-tsm's origin last")
    void bothFail() {
        td.outblobErrors.add(Errno.EIO);
        LinuxTdAttestation att = attestation(new QgsEndpoint.UnixSocket(tmp.resolve("no-qgs.sock")));
        AttestationException e = catchThrowableOfType(AttestationException.class, () -> att.quote(reportData));
        assertThat(e.reason()).isEqualTo(AttestationException.Reason.HOST_ERROR);
        assertThat(e.failure().detail())
                .contains("QGS at UNIX socket " + tmp.resolve("no-qgs.sock"))
                .contains("TRANSPORT UNREACHABLE")
                .contains("Then configfs-tsm failed: the host refused the GetQuote request (EIO");
        assertThat(e.getSuppressed()).singleElement().isInstanceOf(QgsException.class);
    }

    @Test
    @DisplayName("without QGS configured a configfs-tsm failure says why QGS was not used (the tdx-attest.conf)")
    void notConfigured() throws Exception {
        Path conf = tmp.resolve("tdx-attest.conf");
        Files.writeString(conf, "# port = 4050\n");
        td.outblobErrors.add(Errno.ETIMEDOUT);
        LinuxTdAttestation att = new LinuxTdAttestation(td, Backoff.NONE, time, time, "test",
                QgsRoute.resolve(null, conf, FAST));
        AttestationException e = catchThrowableOfType(AttestationException.class, () -> att.quote(reportData));
        assertThat(e.reason()).isEqualTo(AttestationException.Reason.TIMEOUT);
        assertThat(e.failure().detail()).contains("QGS not used: " + conf + " has no 'port = N' line");
        assertThat(att.qgsRoute()).startsWith("QGS not used: ");
    }

    @Test
    @DisplayName("a port line in tdx-attest.conf routes quotes to vsock CID 2 on that port")
    void confRoutesToVsock() throws Exception {
        Path conf = tmp.resolve("tdx-attest.conf");
        Files.writeString(conf, "# QGS\nport = 4051\n");
        QgsRoute route = QgsRoute.resolve(null, conf, FAST);
        assertThat(route.client()).get().extracting(QgsClient::endpoint).isEqualTo(QgsEndpoint.Vsock.host(4051));
        assertThat(route.source()).contains("port 4051 from " + conf + " line 2");
    }

    @Test
    @DisplayName("detect: QGS reachable is present; absent or unconfigured QGS is missing but optional, and quotes are still offered")
    void diagnostics() {
        TdxDiagnostics up = TdxDiagnostics.probe(td, QgsRoute.resolve(new QgsEndpoint.UnixSocket(server.socketPath()),
                tmp.resolve("absent.conf"), FAST));
        assertThat(up.check(TdxDiagnostics.Item.QGS).present()).isTrue();
        assertThat(up.check(TdxDiagnostics.Item.QGS).detail()).startsWith("accepts connections");

        TdxDiagnostics down = TdxDiagnostics.probe(td, QgsRoute.resolve(
                new QgsEndpoint.UnixSocket(tmp.resolve("gone.sock")), tmp.resolve("absent.conf"), FAST));
        assertThat(down.check(TdxDiagnostics.Item.QGS).present()).isFalse();
        assertThat(down.check(TdxDiagnostics.Item.QGS).detail()).contains("unreachable")
                .contains("fall back to configfs-tsm");
        assertThat(down.offers(TdxDiagnostics.Feature.QUOTE)).isTrue();
        assertThat(TdxDiagnostics.Item.QGS.optional()).isTrue();
    }
}
