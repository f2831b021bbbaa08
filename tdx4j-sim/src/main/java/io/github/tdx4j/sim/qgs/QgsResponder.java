package io.github.tdx4j.sim.qgs;

import io.github.tdx4j.abi.QgsErrorCode;
import io.github.tdx4j.abi.QgsMessageLayout;
import io.github.tdx4j.abi.QgsMessageType;
import io.github.tdx4j.sim.quote.QuoteGenerationException;
import io.github.tdx4j.sim.quote.QuoteGenerationService;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulated QGS's message handling, apart from any socket: a GET_QUOTE_REQ message in, a GET_QUOTE_RESP
 * message out, the quote from a {@link QuoteGenerationService} (the simulated quoting enclave). {@link
 * SimulatedQgsServer} serves it on a UNIX socket; {@link #socket()} lets the simulated VMM call it in-process.
 *
 * <p>Request checks follow qgs_msg_lib's {@code qgs_msg_inflate_get_quote_req} (intel/SGXDataCenterAttestationPrimitives,
 * QuoteGeneration/quote_wrapper/qgs_msg_lib): a major version other than 1 is answered QGS_MSG_ERROR_INVALID_VERSION,
 * a type other than GET_QUOTE_REQ INVALID_TYPE, a header size that differs from the message INVALID_SIZE, a report
 * size of 0 or an id list not a multiple of 16 bytes INVALID_PARAMETER. A report the quoting service refuses (not
 * a TDREPORT of this platform, for example a whole QGS message that libtdx_attest's legacy mode put in the GetQuote
 * buffer and the VMM wrapped again) is QGS_MSG_ERROR_UNEXPECTED.
 */
public final class QgsResponder {
    private final QuoteGenerationService service;
    private final AtomicInteger served = new AtomicInteger();

    public QgsResponder(QuoteGenerationService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    /** Requests answered with a quote so far. */
    public int quotesServed() {
        return served.get();
    }

    /** The response message (without the frame length) to {@code request} (without it either). */
    public byte[] respond(byte[] request) {
        return respond(ByteBuffer.wrap(request).order(QgsMessageLayout.MESSAGE_ORDER), QgsFault.NONE);
    }

    /** {@link #respond(byte[])}, with {@code fault} applied to the answer (for {@link SimulatedQgsServer}). */
    byte[] respond(ByteBuffer request, QgsFault fault) {
        QgsErrorCode error = check(request);
        byte[] quote = new byte[0];
        if (error.isSuccess()) {
            if (fault instanceof QgsFault.ErrorCode e) {
                error = e.code();
            } else {
                int reportSize = request.getInt(QgsMessageLayout.REPORT_SIZE_OFFSET);
                byte[] report = new byte[reportSize];
                request.get(QgsMessageLayout.REQ_PAYLOAD_OFFSET, report);
                try {
                    quote = service.getQuote(report);
                    served.incrementAndGet();
                } catch (QuoteGenerationException e) {
                    error = QgsErrorCode.UNEXPECTED;
                }
            }
        }
        int size = QgsMessageLayout.RESP_PAYLOAD_OFFSET + quote.length;
        ByteBuffer resp = ByteBuffer.allocate(size).order(QgsMessageLayout.MESSAGE_ORDER);
        int major = QgsMessageLayout.MAJOR_VERSION;
        int minor = QgsMessageLayout.MINOR_VERSION;
        if (fault instanceof QgsFault.WrongVersion v) {
            major = v.major();
            minor = v.minor();
        }
        long type = fault instanceof QgsFault.WrongType t ? t.type() : QgsMessageType.GET_QUOTE_RESP.raw();
        int headerSize = fault instanceof QgsFault.SizeMismatch m ? size + m.delta() : size;
        resp.putShort(QgsMessageLayout.MAJOR_VERSION_OFFSET, (short) major)
                .putShort(QgsMessageLayout.MINOR_VERSION_OFFSET, (short) minor)
                .putInt(QgsMessageLayout.TYPE_OFFSET, (int) type)
                .putInt(QgsMessageLayout.SIZE_OFFSET, headerSize)
                .putInt(QgsMessageLayout.ERROR_CODE_OFFSET, (int) error.raw())
                .putInt(QgsMessageLayout.SELECTED_ID_SIZE_OFFSET, 0)
                .putInt(QgsMessageLayout.QUOTE_SIZE_OFFSET, quote.length)
                .put(QgsMessageLayout.RESP_PAYLOAD_OFFSET, quote);
        return resp.array();
    }

    /** qgs_msg_inflate_get_quote_req's checks, in its order. */
    private static QgsErrorCode check(ByteBuffer request) {
        int length = request.capacity();
        if (length < QgsMessageLayout.REQ_PAYLOAD_OFFSET) {
            return QgsErrorCode.INVALID_SIZE;
        }
        if (Short.toUnsignedInt(request.getShort(QgsMessageLayout.MAJOR_VERSION_OFFSET))
                != QgsMessageLayout.MAJOR_VERSION) {
            return QgsErrorCode.INVALID_VERSION;
        }
        if (!QgsMessageType.of(request.getInt(QgsMessageLayout.TYPE_OFFSET)).equals(QgsMessageType.GET_QUOTE_REQ)) {
            return QgsErrorCode.INVALID_TYPE;
        }
        if (Integer.toUnsignedLong(request.getInt(QgsMessageLayout.SIZE_OFFSET)) != length) {
            return QgsErrorCode.INVALID_SIZE;
        }
        long reportSize = Integer.toUnsignedLong(request.getInt(QgsMessageLayout.REPORT_SIZE_OFFSET));
        long idListSize = Integer.toUnsignedLong(request.getInt(QgsMessageLayout.ID_LIST_SIZE_OFFSET));
        if (reportSize == 0 || idListSize % QgsMessageLayout.ATT_KEY_ID_SIZE != 0) {
            return QgsErrorCode.INVALID_PARAMETER;
        }
        if (QgsMessageLayout.REQ_PAYLOAD_OFFSET + reportSize + idListSize != length) {
            return QgsErrorCode.INVALID_SIZE;
        }
        return QgsErrorCode.SUCCESS;
    }

    /**
     * This QGS as the VMM's quote-generation socket, in-process: the request frame is unframed, answered and framed
     * again, byte for byte what {@link SimulatedQgsServer} would send back on a socket, without the socket.
     */
    public QuoteGenerationSocket socket() {
        return (requestFrame, maxResponseFrame) -> {
            if (requestFrame.length < QgsMessageLayout.FRAME_LENGTH_SIZE) {
                throw new EOFException("the request frame has no length");
            }
            long announced = Integer.toUnsignedLong(ByteBuffer.wrap(requestFrame).order(QgsMessageLayout.FRAME_ORDER)
                    .getInt(0));
            if (announced != requestFrame.length - QgsMessageLayout.FRAME_LENGTH_SIZE
                    || announced > SimulatedQgsServer.MAX_REQUEST_FRAME) {
                throw new EOFException("the request frame announces " + announced + " bytes and holds "
                        + (requestFrame.length - QgsMessageLayout.FRAME_LENGTH_SIZE)
                        + ": the QGS would wait for the rest or close");
            }
            byte[] response = respond(Arrays.copyOfRange(requestFrame, QgsMessageLayout.FRAME_LENGTH_SIZE,
                    requestFrame.length));
            ByteBuffer framed = ByteBuffer.allocate(QgsMessageLayout.FRAME_LENGTH_SIZE + response.length)
                    .order(QgsMessageLayout.FRAME_ORDER).putInt(response.length).put(response);
            long room = (long) maxResponseFrame - QgsMessageLayout.FRAME_LENGTH_SIZE;
            return response.length <= room ? framed.array()
                    : Arrays.copyOf(framed.array(), QgsMessageLayout.FRAME_LENGTH_SIZE);
        };
    }
}
