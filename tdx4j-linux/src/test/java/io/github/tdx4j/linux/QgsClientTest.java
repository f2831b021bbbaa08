package io.github.tdx4j.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.tdx4j.abi.QgsErrorCode;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.call.policy.NanoClock;
import io.github.tdx4j.linux.QgsException.Kind;
import io.github.tdx4j.linux.QgsException.Source;
import io.github.tdx4j.linux.internal.NativeSocketStream;
import io.github.tdx4j.sim.qgs.QgsFault;
import io.github.tdx4j.sim.qgs.SimulatedQgsServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The QGS client against the simulator's QGS on a real UNIX socket, with the real framing, and against each fault a
 * host service or its transport can show: short reads, an oversized length, a wrong version or type, every error
 * code, inconsistent sizes, a stalling peer, no peer at all.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QgsClientTest {
    private static final Duration SHORT = Duration.ofMillis(300);

    @TempDir
    Path tmp;

    private SimulatedQgsServer server;
    private QgsClient client;
    private final byte[] reportData = new byte[64];

    @BeforeEach
    void start() {
        server = SimulatedQgs.start(tmp);
        client = QgsClient.of(new QgsEndpoint.UnixSocket(server.socketPath()),
                new QgsClient.Options(SHORT, Duration.ofSeconds(10), LinuxTdAttestation.QUOTE_LIMIT));
        Arrays.fill(reportData, (byte) 0x5A);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private QgsException failure() {
        return catchThrowableOfType(QgsException.class, () -> client.getQuote(SimulatedQgs.report(reportData)));
    }

    @Test
    @DisplayName("a GET_QUOTE_REQ over the UNIX socket returns the simulated QE's quote binding the TDREPORT's REPORTDATA")
    void quoteOverUnixSocket() throws Exception {
        byte[] quote = client.getQuote(SimulatedQgs.report(reportData));
        assertThat(Quote.decode(quote).body().reportData()).isEqualTo(reportData);
        assertThat(server.quotesServed()).isEqualTo(1);
    }

    @Test
    @DisplayName("the native socket calls (the AF_VSOCK path) carry the same exchange over AF_UNIX")
    void nativeSocketPath() throws Exception {
        QgsClient nativeClient = new QgsClient(new QgsEndpoint.UnixSocket(server.socketPath()),
                QgsClient.Options.DEFAULT, NanoClock.SYSTEM,
                (endpoint, timeout) -> NativeSocketStream.connectUnix(
                        ((QgsEndpoint.UnixSocket) endpoint).path().toString(), timeout));
        byte[] quote = nativeClient.getQuote(SimulatedQgs.report(reportData));
        assertThat(Quote.decode(quote).body().reportData()).isEqualTo(reportData);
    }

    @Test
    @DisplayName("GET_QUOTE_REQ bytes: length 0x418 big-endian, then 1.1, type 0, size 0x418, error 0, report_size 0x400, id_list_size 0 little-endian")
    void requestBytes() {
        byte[] report = SimulatedQgs.report(reportData);
        byte[] framed = QgsClient.frame(QgsClient.encodeRequest(report));
        assertThat(HexFormat.of().formatHex(framed, 0, 28)).isEqualTo(
                "00000418" + "0100" + "0100" + "00000000" + "18040000" + "00000000" + "00040000" + "00000000");
        assertThat(Arrays.copyOfRange(framed, 28, framed.length)).isEqualTo(report);
    }

    @ParameterizedTest(name = "the response cut after {0} bytes is CLOSED_EARLY, a transport failure")
    @ValueSource(ints = {0, 3, 4, 20, 100})
    void shortRead(int bytes) {
        server.inject(new QgsFault.ShortResponse(bytes));
        QgsException e = failure();
        assertThat(e.kind()).isEqualTo(Kind.CLOSED_EARLY);
        assertThat(e.source()).isEqualTo(Source.TRANSPORT);
        assertThat(e).hasMessageContaining(server.socketPath().toString());
    }

    @Test
    @DisplayName("a peer that closes before reading is CLOSED_EARLY (or an I/O error on send), from the transport")
    void closedBeforeRequest() {
        server.inject(new QgsFault.CloseImmediately());
        QgsException e = failure();
        assertThat(e.source()).isEqualTo(Source.TRANSPORT);
        assertThat(e.kind()).isIn(Kind.CLOSED_EARLY, Kind.IO_ERROR);
    }

    @ParameterizedTest(name = "a frame length of {0} is BAD_LENGTH from the host service, refused before any allocation")
    @ValueSource(longs = {0xFFFF_FFFFL, 0x7FFF_FFFFL, 128 * 1024 + 1, 23, 0})
    void oversizedLength(long length) {
        server.inject(new QgsFault.OversizedLength(length));
        QgsException e = failure();
        assertThat(e.kind()).isEqualTo(Kind.BAD_LENGTH);
        assertThat(e.source()).isEqualTo(Source.HOST_SERVICE);
        assertThat(e).hasMessageContaining("announces " + length + " bytes");
    }

    @ParameterizedTest(name = "version {0}.{1} is BAD_VERSION")
    @CsvSource({"1,0", "2,1", "0,0", "1,2"})
    void wrongVersion(int major, int minor) {
        server.inject(new QgsFault.WrongVersion(major, minor));
        QgsException e = failure();
        assertThat(e.kind()).isEqualTo(Kind.BAD_VERSION);
        assertThat(e.source()).isEqualTo(Source.HOST_SERVICE);
        assertThat(e).hasMessageContaining("version " + major + "." + minor);
    }

    @Test
    @DisplayName("a GET_QUOTE_REQ (type 0) echoed back instead of GET_QUOTE_RESP is BAD_TYPE")
    void wrongType() {
        server.inject(new QgsFault.WrongType(0));
        QgsException e = failure();
        assertThat(e.kind()).isEqualTo(Kind.BAD_TYPE);
        assertThat(e).hasMessageContaining("GET_QUOTE_REQ");
    }

    @ParameterizedTest(name = "a header size off by {0} from the frame is BAD_SIZE")
    @ValueSource(ints = {1, -1, 1000})
    void sizeMismatch(int delta) {
        server.inject(new QgsFault.SizeMismatch(delta));
        assertThat(failure().kind()).isEqualTo(Kind.BAD_SIZE);
    }

    @ParameterizedTest(name = "error_code {0} is {1} ({2})")
    @CsvSource({
            "0x12001, SERVICE_ERROR, HOST_SERVICE",
            "0x12002, SERVICE_ERROR, HOST_SERVICE",
            "0x12003, REQUEST_REJECTED, GUEST_BUG",
            "0x12004, SERVICE_ERROR, HOST_SERVICE",
            "0x12005, REQUEST_REJECTED, GUEST_BUG",
            "0x12006, REQUEST_REJECTED, GUEST_BUG",
            "0x12007, REQUEST_REJECTED, GUEST_BUG",
            "0xE011, SERVICE_ERROR, HOST_SERVICE",
            "0xFFFFFFFF, SERVICE_ERROR, HOST_SERVICE"})
    void errorCodes(String code, Kind kind, Source source) {
        long raw = Long.decode(code);
        server.inject(new QgsFault.ErrorCode(new QgsErrorCode(raw)));
        QgsException e = failure();
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.source()).isEqualTo(source);
        assertThat(e.errorCode()).contains(new QgsErrorCode(raw));
        assertThat(e).hasMessageContaining(new QgsErrorCode(raw).toString());
        assertThat(server.quotesServed()).isZero();
    }

    @Test
    @DisplayName("a peer that reads the request and never answers is a TIMEOUT after the request time-out, from the transport")
    void stallingPeer() {
        client = QgsClient.of(new QgsEndpoint.UnixSocket(server.socketPath()),
                new QgsClient.Options(SHORT, SHORT, LinuxTdAttestation.QUOTE_LIMIT));
        server.inject(new QgsFault.Stall());
        long t0 = System.nanoTime();
        QgsException e = failure();
        long tookMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.source()).isEqualTo(Source.TRANSPORT);
        assertThat(tookMillis).as("bounded by the 300 ms time-out, with scheduling slack").isBetween(250L, 10_000L);
    }

    @Test
    @DisplayName("no socket file is UNREACHABLE, from the transport, naming the path")
    void noListener() {
        client = QgsClient.of(new QgsEndpoint.UnixSocket(tmp.resolve("absent.sock")));
        QgsException e = failure();
        assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
        assertThat(e.source()).isEqualTo(Source.TRANSPORT);
        assertThat(e).hasMessageContaining("absent.sock");
    }

    @Test
    @DisplayName("vsock to the host from a machine that is no guest fails in the transport (no vsock, refused or timed out)")
    void vsockHere() {
        client = QgsClient.of(QgsEndpoint.Vsock.host(QgsEndpoint.DEFAULT_VSOCK_PORT),
                new QgsClient.Options(SHORT, SHORT, LinuxTdAttestation.QUOTE_LIMIT));
        QgsException e = failure();
        assertThat(e.source()).isEqualTo(Source.TRANSPORT);
        assertThat(e.kind()).isIn(Kind.UNREACHABLE, Kind.TIMEOUT);
        assertThat(e).hasMessageContaining("vsock CID 2 port 4050");
    }

    @Test
    @DisplayName("a report that is not 1024 bytes is INVALID_ARGUMENT, a guest bug, and nothing is sent")
    void badReport() {
        QgsException e = catchThrowableOfType(QgsException.class, () -> client.getQuote(new byte[1023]));
        assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT);
        assertThat(e.source()).isEqualTo(Source.GUEST_BUG);
        assertThat(server.quotesServed()).isZero();
    }
}
