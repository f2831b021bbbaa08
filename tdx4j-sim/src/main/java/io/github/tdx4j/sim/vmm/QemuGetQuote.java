package io.github.tdx4j.sim.vmm;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.GetQuoteStatus;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.sim.quote.QuoteGenerationException;

/**
 * QEMU's side of TDG.VP.VMCALL&lt;GetQuote&gt; and of the completion notification registered with
 * TDG.VP.VMCALL&lt;SetupEventNotifyInterrupt&gt;: qemu/qemu {@code target/i386/kvm/tdx.c}
 * ({@code tdx_handle_get_quote}, {@code tdx_get_quote_completion}) and {@code tdx-quote-generator.c}. KVM's only
 * part is refusing a private buffer GPA (Linux 6.16 {@code arch/x86/kvm/vmx/tdx.c}, {@code tdx_get_quote}).
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
        // Deviation: the request data goes to the quoting service as is: the raw TDREPORT that the Linux driver
        // puts there. QEMU wraps it in a QGS GET_QUOTE_REQ message for its socket, and libtdx_attest's legacy mode
        // puts a whole QGS message in the buffer, which this service rejects (GET_QUOTE_ERROR).
        // qemu/qemu target/i386/kvm/tdx-quote-generator.c.
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

    /** QEMU {@code tdx_get_quote_completion}: quote and out_len, then the status word, then the notification. */
    private void completeQuote(long g, long size, byte[] request) {
        quotesInFlight--;
        HostMemory m = host.memory();
        long status;
        int outLen = 0;
        try {
            byte[] quote = host.quoteService().getQuote(request);
            if (quote.length > size - GetQuoteBufferLayout.DATA_OFFSET) {
                status = GetQuoteStatus.ERROR.raw();
            } else {
                m.write(g + GetQuoteBufferLayout.DATA_OFFSET, quote, 0, quote.length);
                outLen = quote.length;
                status = GetQuoteStatus.SUCCESS.raw();
            }
        } catch (QuoteGenerationException e) {
            status = GetQuoteStatus.ERROR.raw();
        }
        m.writeInt(g + GetQuoteBufferLayout.OUT_LEN_OFFSET, outLen);
        m.writeLong(g + GetQuoteBufferLayout.STATUS_OFFSET, status);
        if (notifyVector != 0) {
            host.injectInterrupt(notifyVcpu, notifyVector);
        }
    }
}
