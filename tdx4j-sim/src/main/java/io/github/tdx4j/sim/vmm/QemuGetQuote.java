package io.github.tdx4j.sim.vmm;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.GetQuoteStatus;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.QgsMessageLayout;
import io.github.tdx4j.abi.QgsMessageType;
import io.github.tdx4j.sim.qgs.QuoteGenerationSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * QEMU's side of TDG.VP.VMCALL&lt;GetQuote&gt; and of the completion notification registered with
 * TDG.VP.VMCALL&lt;SetupEventNotifyInterrupt&gt;: qemu/qemu {@code target/i386/kvm/tdx.c}
 * ({@code tdx_handle_get_quote}, {@code tdx_get_quote_completion}) and {@code tdx-quote-generator.c}. KVM's only
 * part is refusing a private buffer GPA (Linux 6.16 {@code arch/x86/kvm/vmx/tdx.c}, {@code tdx_get_quote}). The
 * request goes to the host's Quote Generation Service as QEMU sends it, a QGS GET_QUOTE_REQ over the host's
 * {@link QuoteGenerationSocket} (the simulated QGS in-process by default, or a real socket).
 */
final class QemuGetQuote {
    private static final long SUCCESS = TdvmcallStatus.SUCCESS.raw();
    private static final long RETRY = TdvmcallStatus.RETRY.raw();
    private static final long INVALID_OPERAND = TdvmcallStatus.INVALID_OPERAND.raw();
    private static final long ALIGN_ERROR = TdvmcallStatus.ALIGN_ERROR.raw();
    /** The GetQuote buffer's GPA and size are whole 4 KiB pages (QEMU {@code tdx_handle_get_quote}). */
    private static final long PAGE_MASK = 0xFFF;

    private final Host host;
    private final long sharedBit;
    private int quotesInFlight;
    private int notifyVector;
    private int notifyVcpu;

    QemuGetQuote(Host host) {
        this.host = host;
        this.sharedBit = host.config().sharedBit();
    }

    int quotesInFlight() {
        return quotesInFlight;
    }

    int notifyVector() {
        return notifyVector;
    }

    /** Records the vector SetupEventNotifyInterrupt registered, and the vCPU that registered it. */
    void setNotification(int vector, int vcpu) {
        notifyVector = vector;
        notifyVcpu = vcpu;
    }

    /**
     * GetQuote: R12 shared GPA of the buffer, R13 its size. KVM: a private GPA is INVALID_OPERAND. QEMU
     * {@code tdx_handle_get_quote}: size 0 INVALID_OPERAND; GPA or size not 4 KiB aligned ALIGN_ERROR; header
     * unreadable, version != 1, size &gt; 128 KiB or in_len &gt; size − 24 INVALID_OPERAND; no QGS: status
     * SERVICE_UNAVAILABLE and SUCCESS; 16 requests in flight: RETRY; else status IN_FLIGHT, SUCCESS, and the quote
     * is written later (quote and out_len, then status, then the notify interrupt).
     */
    void getQuote(VmcallExit exit) {
        long gpa = exit.r12();
        long size = exit.r13();
        if ((gpa & sharedBit) == 0) {
            reject(exit, "vmm.getquote.private-gpa", INVALID_OPERAND);
            return;
        }
        long g = gpa & ~sharedBit;
        if (size == 0) {
            reject(exit, "vmm.getquote.size-zero", INVALID_OPERAND);
            return;
        }
        if ((g & PAGE_MASK) != 0 || (size & PAGE_MASK) != 0) {
            reject(exit, "vmm.getquote.align", ALIGN_ERROR);
            return;
        }
        HostMemory m = host.memory();
        if (!m.isRam(g) || !m.isRam(g + GetQuoteBufferLayout.DATA_OFFSET - 1)) {
            reject(exit, "vmm.getquote.unreadable", INVALID_OPERAND);
            return;
        }
        long version = m.readLong(g + GetQuoteBufferLayout.VERSION_OFFSET);
        long inLen = m.readInt(g + GetQuoteBufferLayout.IN_LEN_OFFSET) & 0xFFFF_FFFFL;
        if (version != GetQuoteBufferLayout.STRUCTURE_VERSION) {
            reject(exit, "vmm.getquote.version", INVALID_OPERAND);
            return;
        }
        if (Long.compareUnsigned(size, GetQuoteBufferLayout.MAX_BUFFER_SIZE) > 0) {
            reject(exit, "vmm.getquote.too-large", INVALID_OPERAND);
            return;
        }
        if (inLen > size - GetQuoteBufferLayout.DATA_OFFSET || !m.isRam(g + size - 1)) {
            reject(exit, "vmm.getquote.in-len", INVALID_OPERAND);
            return;
        }
        if (!host.settings().quoteServiceAvailable()) {
            m.writeLong(g + GetQuoteBufferLayout.STATUS_OFFSET, GetQuoteStatus.SERVICE_UNAVAILABLE.raw());
            m.writeInt(g + GetQuoteBufferLayout.OUT_LEN_OFFSET, 0);
            exit.setStatus(SUCCESS);
            return;
        }
        if (quotesInFlight >= GetQuoteBufferLayout.MAX_REQUESTS_IN_FLIGHT) {
            exit.setStatus(RETRY);
            return;
        }
        // The request data as the TD wrote it (the raw TDREPORT from the Linux driver; a whole QGS message from
        // libtdx_attest's legacy mode, which QEMU wraps again all the same): tdx_generate_quote frames it.
        byte[] request = new byte[(int) inLen];
        m.read(g + GetQuoteBufferLayout.DATA_OFFSET, request, 0, request.length);
        m.writeLong(g + GetQuoteBufferLayout.STATUS_OFFSET, GetQuoteStatus.IN_FLIGHT.raw());
        quotesInFlight++;
        host.schedule(host.nanoTime() + host.settings().quoteLatencyNanos(), () -> completeQuote(g, size, request));
        exit.setStatus(SUCCESS);
    }

    private void reject(VmcallExit exit, String rule, long status) {
        host.violation(rule);
        exit.setStatus(status);
    }

    /**
     * QEMU {@code tdx_generate_quote} and {@code tdx_get_quote_completion}: the request data goes to the QGS behind
     * the host's {@link QuoteGenerationSocket} as a GET_QUOTE_REQ; the response is checked as QEMU checks it, and the
     * quote and out_len are written, then the status word, then the notification.
     */
    private void completeQuote(long g, long size, byte[] request) {
        quotesInFlight--;
        HostMemory m = host.memory();
        // QEMU's task->payload_len: the buffer after its 24-byte header, which the response frame must fit in.
        int payloadLen = (int) (size - GetQuoteBufferLayout.DATA_OFFSET);
        long status;
        byte[] quote = new byte[0];
        // Deviation: the exchange runs in one step, quoteLatencyNanos of simulated time after the request; QEMU's
        // 30 s transaction time-out runs on its virtual clock (qemu/qemu target/i386/kvm/tdx-quote-generator.c).
        try {
            byte[] response = host.quoteGenerationSocket().exchange(getQuoteRequest(request), payloadLen);
            Optional<byte[]> q = quoteIn(response, payloadLen);
            status = q.isPresent() ? GetQuoteStatus.SUCCESS.raw() : GetQuoteStatus.ERROR.raw();
            quote = q.orElse(quote);
        } catch (QuoteGenerationSocket.QgsUnavailableException e) {
            status = GetQuoteStatus.SERVICE_UNAVAILABLE.raw();
        } catch (IOException e) {
            status = GetQuoteStatus.ERROR.raw();
        }
        if (status == GetQuoteStatus.SUCCESS.raw()) {
            m.write(g + GetQuoteBufferLayout.DATA_OFFSET, quote, 0, quote.length);
        }
        m.writeInt(g + GetQuoteBufferLayout.OUT_LEN_OFFSET, status == GetQuoteStatus.SUCCESS.raw() ? quote.length : 0);
        m.writeLong(g + GetQuoteBufferLayout.STATUS_OFFSET, status);
        if (notifyVector != 0) {
            host.injectInterrupt(notifyVcpu, notifyVector);
        }
    }

    /**
     * {@code tdx_generate_quote}'s message: the 4-byte big-endian frame length, then a qgs_msg_header 1.1 of type
     * GET_QUOTE_REQ whose size counts the whole message, report_size = the request data's length, no id list, then
     * the request data.
     */
    static byte[] getQuoteRequest(byte[] data) {
        int size = QgsMessageLayout.REQ_PAYLOAD_OFFSET + data.length;
        ByteBuffer b = ByteBuffer.allocate(QgsMessageLayout.FRAME_LENGTH_SIZE + size);
        b.order(QgsMessageLayout.FRAME_ORDER).putInt(size);
        ByteBuffer msg = b.slice().order(QgsMessageLayout.MESSAGE_ORDER);
        msg.putShort(QgsMessageLayout.MAJOR_VERSION_OFFSET, (short) QgsMessageLayout.MAJOR_VERSION)
                .putShort(QgsMessageLayout.MINOR_VERSION_OFFSET, (short) QgsMessageLayout.MINOR_VERSION)
                .putInt(QgsMessageLayout.TYPE_OFFSET, (int) QgsMessageType.GET_QUOTE_REQ.raw())
                .putInt(QgsMessageLayout.SIZE_OFFSET, size)
                .putInt(QgsMessageLayout.ERROR_CODE_OFFSET, 0)
                .putInt(QgsMessageLayout.REPORT_SIZE_OFFSET, data.length)
                .putInt(QgsMessageLayout.ID_LIST_SIZE_OFFSET, 0)
                .put(QgsMessageLayout.REQ_PAYLOAD_OFFSET, data);
        return b.array();
    }

    /**
     * The quote in a response frame, checked in {@code tdx_get_quote_read}'s order, or empty for GET_QUOTE_ERROR: a frame length of 0 or more than the payload room; a version other than 1.1; a type other
     * than GET_QUOTE_RESP; a header size beyond the payload room; a nonzero error_code; a selected id; a quote_size
     * other than what follows the response header; or fewer bytes than announced (QEMU waits for the rest until its
     * time-out). QEMU does not compare the header size with the frame length, so neither does this.
     */
    static Optional<byte[]> quoteIn(byte[] frame, int payloadLen) {
        int lengthSize = QgsMessageLayout.FRAME_LENGTH_SIZE;
        if (frame.length < lengthSize) {
            return Optional.empty();
        }
        long len = Integer.toUnsignedLong(ByteBuffer.wrap(frame).order(QgsMessageLayout.FRAME_ORDER).getInt(0));
        if (len == 0 || len > payloadLen - lengthSize || frame.length != lengthSize + len
                || len < QgsMessageLayout.RESP_PAYLOAD_OFFSET) {
            return Optional.empty();
        }
        ByteBuffer msg = ByteBuffer.wrap(frame, lengthSize, (int) len).slice().order(QgsMessageLayout.MESSAGE_ORDER);
        boolean ok = Short.toUnsignedInt(msg.getShort(QgsMessageLayout.MAJOR_VERSION_OFFSET))
                == QgsMessageLayout.MAJOR_VERSION
                && Short.toUnsignedInt(msg.getShort(QgsMessageLayout.MINOR_VERSION_OFFSET))
                == QgsMessageLayout.MINOR_VERSION
                && QgsMessageType.of(msg.getInt(QgsMessageLayout.TYPE_OFFSET)).equals(QgsMessageType.GET_QUOTE_RESP)
                && Integer.toUnsignedLong(msg.getInt(QgsMessageLayout.SIZE_OFFSET)) <= payloadLen - lengthSize
                && msg.getInt(QgsMessageLayout.ERROR_CODE_OFFSET) == 0
                && msg.getInt(QgsMessageLayout.SELECTED_ID_SIZE_OFFSET) == 0
                && Integer.toUnsignedLong(msg.getInt(QgsMessageLayout.QUOTE_SIZE_OFFSET))
                == len - QgsMessageLayout.RESP_PAYLOAD_OFFSET;
        if (!ok) {
            return Optional.empty();
        }
        byte[] quote = new byte[(int) (len - QgsMessageLayout.RESP_PAYLOAD_OFFSET)];
        msg.get(QgsMessageLayout.RESP_PAYLOAD_OFFSET, quote);
        return Optional.of(quote);
    }
}
