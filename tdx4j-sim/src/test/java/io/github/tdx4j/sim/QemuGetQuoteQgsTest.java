package io.github.tdx4j.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.GetQuoteStatus;
import io.github.tdx4j.abi.QgsErrorCode;
import io.github.tdx4j.abi.QgsMessageLayout;
import io.github.tdx4j.abi.QgsMessageType;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.sim.qgs.QgsFault;
import io.github.tdx4j.sim.qgs.SimulatedQgsServer;
import io.github.tdx4j.sim.qgs.UnixQuoteGenerationSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated VMM's GetQuote forwards the TD's request to the QGS as QEMU does (qemu/qemu
 * target/i386/kvm/tdx-quote-generator.c): a QGS GET_QUOTE_REQ framed with its big-endian length, over the host's
 * quote-generation socket, here a real UNIX socket to {@link SimulatedQgsServer}; the response is checked as QEMU
 * checks it, and every fault of the QGS becomes the status QEMU writes.
 */
@Timeout(60)
class QemuGetQuoteQgsTest {
    private static final long REPORT = 0x10_0000;
    private static final long DATA = 0x10_0400;
    private static final long BUFFER = 1L << 30;
    private static final int BUFFER_SIZE = 8 * 4096;

    /** The status word and out_len after the TD asked for a quote over {@code data} and polled up to 30 s. */
    private record Outcome(long status, byte[] out) {
    }

    private static byte[] report(SimulatedTd td) {
        byte[] rd = new byte[64];
        Arrays.fill(rd, (byte) 0x5A);
        td.memory().write(DATA, rd);
        assertThat(Tdx.status(td, TdcallLeaf.TDG_MR_REPORT, REPORT, DATA, 0, 0)).isZero();
        return td.memory().read(REPORT, TdReportLayout.SIZE);
    }

    private static Outcome getQuote(SimulatedTd td, byte[] data) throws InterruptedException {
        long buf = Tdx.share(td, BUFFER, BUFFER_SIZE);
        td.memory().writeLong(buf + GetQuoteBufferLayout.VERSION_OFFSET, 1);
        td.memory().writeLong(buf + GetQuoteBufferLayout.STATUS_OFFSET, 0);
        td.memory().writeInt(buf + GetQuoteBufferLayout.IN_LEN_OFFSET, data.length);
        td.memory().writeInt(buf + GetQuoteBufferLayout.OUT_LEN_OFFSET, 0);
        td.memory().write(buf + GetQuoteBufferLayout.DATA_OFFSET, data);
        assertThat(Tdx.vmcall(td, TdvmcallSubFunction.GET_QUOTE, buf, BUFFER_SIZE, 0, 0).status().raw()).isZero();
        for (int i = 0; i < 30 && td.memory().readLong(buf + 8) == GetQuoteStatus.IN_FLIGHT.raw(); i++) {
            td.sleep(1_000_000_000L);
        }
        int outLen = (int) td.memory().readUnsignedInt(buf + GetQuoteBufferLayout.OUT_LEN_OFFSET);
        return new Outcome(td.memory().readLong(buf + GetQuoteBufferLayout.STATUS_OFFSET),
                td.memory().read(buf + GetQuoteBufferLayout.DATA_OFFSET, outLen));
    }

    @Test
    void quoteTravelsAsAQgsGetQuoteRequestOverARealSocketToTheSimulatedQgs(@TempDir Path dir) throws Exception {
        SimulatedTd td = SimulatedTd.boot();
        try (SimulatedQgsServer qgs = SimulatedQgsServer.start(dir.resolve("qgs.sock"), td.quotingService())) {
            td.useQuoteGenerationSocket(UnixQuoteGenerationSocket.of(qgs.socketPath()));
            byte[] report = report(td);
            Outcome o = getQuote(td, report);
            assertThat(o.status()).isEqualTo(GetQuoteStatus.SUCCESS.raw());
            assertThat(qgs.quotesServed()).isEqualTo(1);
            // REPORTDATA at body offset 520, after the 48-byte header: the quote is over this TD's report.
            assertThat(Arrays.copyOfRange(o.out(), 48 + 520, 48 + 584)).containsOnly((byte) 0x5A);
        }
    }

    @Test
    void eachQgsFaultBecomesGetQuoteErrorWithNoQuote(@TempDir Path dir) throws Exception {
        SimulatedTd td = SimulatedTd.boot();
        try (SimulatedQgsServer qgs = SimulatedQgsServer.start(dir.resolve("qgs.sock"), td.quotingService())) {
            td.useQuoteGenerationSocket(new UnixQuoteGenerationSocket(qgs.socketPath(), Duration.ofSeconds(5)));
            byte[] report = report(td);
            QgsFault[] faults = {new QgsFault.ErrorCode(QgsErrorCode.UNEXPECTED), new QgsFault.WrongVersion(1, 0),
                new QgsFault.WrongType((int) QgsMessageType.GET_COLLATERAL_RESP.raw()),
                new QgsFault.ShortResponse(40), new QgsFault.OversizedLength(1L << 20),
                new QgsFault.OversizedLength(0), new QgsFault.CloseImmediately(), new QgsFault.SizeMismatch(1 << 20)};
            for (QgsFault f : faults) {
                qgs.inject(f);
                Outcome o = getQuote(td, report);
                assertThat(o.status()).as(f.toString()).isEqualTo(GetQuoteStatus.ERROR.raw());
                assertThat(o.out()).as(f.toString()).isEmpty();
            }
            // QEMU does not compare the header's size with the frame (tdx_get_quote_read): a small mismatch passes.
            qgs.inject(new QgsFault.SizeMismatch(-1));
            assertThat(getQuote(td, report).status()).isEqualTo(GetQuoteStatus.SUCCESS.raw());
        }
    }

    @Test
    void aStalledQgsIsGetQuoteErrorAfterTheTimeOut(@TempDir Path dir) throws Exception {
        SimulatedTd td = SimulatedTd.boot();
        try (SimulatedQgsServer qgs = SimulatedQgsServer.start(dir.resolve("qgs.sock"), td.quotingService())) {
            td.useQuoteGenerationSocket(new UnixQuoteGenerationSocket(qgs.socketPath(), Duration.ofMillis(300)));
            qgs.inject(new QgsFault.Stall());
            assertThat(getQuote(td, report(td)).status()).isEqualTo(GetQuoteStatus.ERROR.raw());
        }
    }

    @Test
    void noQgsListeningIsServiceUnavailable(@TempDir Path dir) throws Exception {
        SimulatedTd td = SimulatedTd.boot();
        td.useQuoteGenerationSocket(UnixQuoteGenerationSocket.of(dir.resolve("absent.sock")));
        Outcome o = getQuote(td, report(td));
        assertThat(o.status()).isEqualTo(GetQuoteStatus.SERVICE_UNAVAILABLE.raw());
        assertThat(o.out()).isEmpty();
    }

    @Test
    void libtdxAttestLegacyBufferIsWrappedAgainAndRefusedByTheQgs() throws Exception {
        SimulatedTd td = SimulatedTd.boot();
        byte[] report = report(td);
        // libtdx_attest's legacy TDCALL mode puts a whole framed GET_QUOTE_REQ in the buffer; QEMU wraps it again,
        // so the QGS gets a "report" that is a QGS message, which its quoting enclave refuses.
        int size = QgsMessageLayout.REQ_PAYLOAD_OFFSET + report.length;
        ByteBuffer legacy = ByteBuffer.allocate(4 + size);
        legacy.order(QgsMessageLayout.FRAME_ORDER).putInt(size);
        legacy.slice().order(QgsMessageLayout.MESSAGE_ORDER)
                .putShort(QgsMessageLayout.MAJOR_VERSION_OFFSET, (short) 1)
                .putShort(QgsMessageLayout.MINOR_VERSION_OFFSET, (short) 1)
                .putInt(QgsMessageLayout.SIZE_OFFSET, size)
                .putInt(QgsMessageLayout.REPORT_SIZE_OFFSET, report.length)
                .put(QgsMessageLayout.REQ_PAYLOAD_OFFSET, report);
        assertThat(getQuote(td, legacy.array()).status()).isEqualTo(GetQuoteStatus.ERROR.raw());
        // The same TD's plain TDREPORT, in-process, is answered.
        assertThat(getQuote(td, report).status()).isEqualTo(GetQuoteStatus.SUCCESS.raw());
    }
}
