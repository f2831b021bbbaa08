package io.github.tdx4j.guest.attest;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.GetQuoteStatus;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.call.ModuleCallResult;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxCalls;
import io.github.tdx4j.call.TdxException;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.VmcallRequest;
import io.github.tdx4j.call.VmcallResult;
import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.call.platform.GuestPlatform;
import io.github.tdx4j.call.policy.FailureHandler;
import io.github.tdx4j.call.policy.NanoClock;
import io.github.tdx4j.guest.attest.AttestationException.Reason;
import io.github.tdx4j.guest.memory.GuestPages;
import io.github.tdx4j.guest.memory.SharedBuffer;
import io.github.tdx4j.guest.memory.SharedMemory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link TdAttestation} on the call layer, inside the TD: what Linux's tdx-guest driver
 * (drivers/virt/coco/tdx-guest/tdx-guest.c) and {@code tdx_mcall_get_report0} / {@code tdx_mcall_extend_rtmr} /
 * {@code tdx_hcall_get_quote} (arch/x86/coco/tdx/tdx.c) do, with the 2026 GetQuote fixes.
 *
 * <p>Report and extend are serialised (the driver's {@code mr_lock}); quotes are serialised on the one shared
 * buffer ({@code quote_lock}). Failures are reported to the {@link FailureHandler} and thrown as
 * {@link AttestationException} with their origin; TDX-module status mapping as Linux v6.16: TDX_OPERAND_INVALID →
 * the module refused the operands (-ENXIO), TDX_OPERAND_BUSY → {@link Reason#BUSY} (-EBUSY), anything else a module
 * error (-EIO).
 */
public final class GuestAttestation implements TdAttestation {
    /** Offsets in the private scratch page: TDREPORT_STRUCT must be 1024-aligned, REPORTDATA and the digest 64. */
    private static final int REPORT_OFFSET = 0;
    private static final int REPORTDATA_OFFSET = TdReportLayout.SIZE;
    private static final int DIGEST_OFFSET = REPORTDATA_OFFSET + REPORT_DATA_SIZE;

    private final GuestPlatform platform;
    private final GuestMemory memory;
    private final NanoClock clock;
    private final TdxCalls calls;
    private final FailureHandler failures;
    private final SharedMemory shared;
    private final QuoteOptions options;
    private final long scratch;
    private final Object mrLock = new Object();
    private final Object quoteLock = new Object();
    private final List<RtmrEvent> log = new ArrayList<>();
    private final AtomicBoolean notified = new AtomicBoolean();
    private SharedBuffer quoteBuffer;
    private boolean abandoned;
    private boolean notifyRegistered;

    /**
     * @param platform memory, clock and sleep
     * @param calls    the call layer
     * @param failures where failures are reported
     * @param shared   shares the quote buffer on first use
     * @param pages    one private page is taken from here for TDG.MR.REPORT and TDG.MR.RTMR.EXTEND operands
     * @param options  GetQuote waiting rules
     */
    public GuestAttestation(GuestPlatform platform, TdxCalls calls, FailureHandler failures, SharedMemory shared,
                            GuestPages pages, QuoteOptions options) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.memory = platform.memory();
        this.clock = platform.clock();
        this.calls = Objects.requireNonNull(calls, "calls");
        this.failures = Objects.requireNonNull(failures, "failures");
        this.shared = Objects.requireNonNull(shared, "shared");
        this.options = Objects.requireNonNull(options, "options");
        this.scratch = pages.allocate(1);
    }

    public QuoteOptions options() {
        return options;
    }

    // ---------------------------------------------------------------- TDG.MR.REPORT

    /**
     * TDG.MR.REPORT (TDX Module ABI v1.5, "TDG.MR.REPORT Leaf"): RCX = GPA of the 1024-byte TDREPORT_STRUCT output,
     * RDX = GPA of the 64-byte REPORTDATA, R8 = report subtype 0.
     */
    @Override
    public byte[] report(byte[] reportData) {
        checkLength(reportData, REPORT_DATA_SIZE, "REPORTDATA");
        synchronized (mrLock) {
            memory.write(scratch + REPORTDATA_OFFSET, reportData);
            ModuleCallResult r = calls.tdcall(TdcallLeaf.TDG_MR_REPORT, scratch + REPORT_OFFSET,
                    scratch + REPORTDATA_OFFSET, 0, 0, 0, 0);
            if (r.isError()) {
                throw moduleFailure("tdx.report", "TDG.MR.REPORT", r.status());
            }
            return memory.read(scratch + REPORT_OFFSET, TdReportLayout.SIZE);
        }
    }

    // ---------------------------------------------------------------- TDG.MR.RTMR.EXTEND

    /**
     * TDG.MR.RTMR.EXTEND (TDX Module ABI v1.5, "TDG.MR.RTMR.EXTEND Leaf"): RCX = GPA of the 48-byte digest (64-byte
     * aligned), RDX = RTMR index. The module computes RTMR := SHA-384(RTMR || digest). The event is logged only when
     * the module accepted it, so replaying {@link #eventLog()} from zero always gives the current RTMRs.
     */
    @Override
    public void extendRtmr(int index, byte[] digest, String description) {
        if (index < 0 || index >= TdReportLayout.RTMR_COUNT) {
            throw invalid("tdx.rtmr.index", "RTMR index must be 0..3: " + index);
        }
        checkLength(digest, DIGEST_SIZE, "RTMR extend digest");
        Objects.requireNonNull(description, "description");
        synchronized (mrLock) {
            memory.write(scratch + DIGEST_OFFSET, digest);
            ModuleCallResult r = calls.tdcall(TdcallLeaf.TDG_MR_RTMR_EXTEND, scratch + DIGEST_OFFSET, index, 0, 0, 0,
                    0);
            if (r.isError()) {
                throw moduleFailure("tdx.rtmr.extend", "TDG.MR.RTMR.EXTEND of RTMR" + index, r.status());
            }
            log.add(new RtmrEvent(index, digest, description));
        }
    }

    /** The four RTMRs, from a fresh TDREPORT. */
    @Override
    public List<byte[]> rtmrs() {
        byte[] report = report(new byte[REPORT_DATA_SIZE]);
        List<byte[]> out = new ArrayList<>(TdReportLayout.RTMR_COUNT);
        for (int i = 0; i < TdReportLayout.RTMR_COUNT; i++) {
            int off = TdReportLayout.rtmrOffset(i);
            out.add(Arrays.copyOfRange(report, off, off + TdReportLayout.MEASUREMENT_SIZE));
        }
        return out;
    }

    @Override
    public List<RtmrEvent> eventLog() {
        synchronized (mrLock) {
            return List.copyOf(log);
        }
    }

    /** The RTMR values {@code events} produce from four all-zero RTMRs (a TD's RTMRs start at zero). */
    public static List<byte[]> replay(List<RtmrEvent> events) {
        byte[][] rtmr = new byte[TdReportLayout.RTMR_COUNT][TdReportLayout.MEASUREMENT_SIZE];
        MessageDigest sha384;
        try {
            sha384 = MessageDigest.getInstance("SHA-384");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java SE platform provides SHA-384", e);
        }
        for (RtmrEvent e : events) {
            sha384.update(rtmr[e.index()]);
            sha384.update(e.digest());
            rtmr[e.index()] = sha384.digest();
        }
        return List.of(rtmr);
    }

    // ---------------------------------------------------------------- GetQuote

    /**
     * TDG.VP.VMCALL&lt;GetQuote&gt; (GHCI 1.5, "TDG.VP.VMCALL&lt;GetQuote&gt;") through the shared buffer of
     * {@link GetQuoteBufferLayout}:
     * <ol>
     *   <li>if an earlier request timed out and the VMM still owns the buffer (status GET_QUOTE_IN_FLIGHT), fail
     *       with {@link Reason#BUSY} (Linux -EBUSY);</li>
     *   <li>zero the whole buffer, write version 1, in_len 1024 and the TDREPORT;</li>
     *   <li>R12 = shared GPA of the buffer, R13 = its size; any R10 but success is an error (RETRY: the VMM has too
     *       many requests, {@link Reason#BUSY});</li>
     *   <li>wait until the status leaves GET_QUOTE_IN_FLIGHT, by a deadline on the platform clock: a request done at
     *       or before {@code start + timeout} succeeds, one still in flight at the deadline is a
     *       {@link Reason#TIMEOUT} (Linux's loop counter returned success on a real timeout);</li>
     *   <li>the status is read once: GET_QUOTE_ERROR, GET_QUOTE_SERVICE_UNAVAILABLE and any unknown value are errors
     *       (Linux returned an empty quote as success until 2026);</li>
     *   <li>out_len is read once and must be 1..(buffer size − 24) (Linux "validate quote_buf-&gt;out_len", 2026):
     *       an unchecked length read guest memory beyond the buffer into the quote.</li>
     * </ol>
     */
    @Override
    public byte[] quote(byte[] reportData) {
        checkLength(reportData, REPORT_DATA_SIZE, "REPORTDATA");
        synchronized (quoteLock) {
            SharedBuffer buf = buffer();
            long base = buf.sharedGpa();
            if (abandoned) {
                GetQuoteStatus s = new GetQuoteStatus(memory.readLong(base + GetQuoteBufferLayout.STATUS_OFFSET));
                if (s.isInFlight()) {
                    throw fail(Reason.BUSY, Origin.VMM, "tdx.getquote.busy",
                            "an earlier GetQuote request that timed out still owns the buffer (GET_QUOTE_IN_FLIGHT)");
                }
                abandoned = false;
            }
            byte[] tdReport = report(reportData);
            memory.zero(base, options.bufferBytes());
            memory.writeLong(base + GetQuoteBufferLayout.VERSION_OFFSET, GetQuoteBufferLayout.STRUCTURE_VERSION);
            memory.writeInt(base + GetQuoteBufferLayout.IN_LEN_OFFSET, tdReport.length);
            memory.write(base + GetQuoteBufferLayout.DATA_OFFSET, tdReport);
            notified.set(false);

            VmcallResult r = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.GET_QUOTE, base,
                    options.bufferBytes(), 0, 0));
            switch (r) {
                case VmcallResult.Success _ -> { }
                case VmcallResult.Retry _ -> throw fail(Reason.BUSY, Origin.VMM, "tdx.getquote.retry",
                        "the VMM answered GetQuote with TDVMCALL_STATUS_RETRY (too many requests in flight)");
                case VmcallResult.VmmError err -> throw fail(Reason.HOST_ERROR, Origin.VMM, "tdx.getquote.vmm-error",
                        "GetQuote hypercall failed: " + err.status());
            }
            GetQuoteStatus status = awaitCompletion(base);
            if (status.isInFlight()) {
                abandoned = true;
                throw fail(Reason.TIMEOUT, Origin.VMM, "tdx.getquote.timeout", "GetQuote still in flight after "
                        + options.timeoutNanos() / 1_000_000 + " ms; the buffer stays with the VMM until it answers");
            }
            if (status.equals(GetQuoteStatus.SERVICE_UNAVAILABLE)) {
                throw fail(Reason.UNAVAILABLE, Origin.VMM, "tdx.getquote.status",
                        "the VMM has no quote generation service: " + status);
            }
            if (!status.isSuccess()) {
                throw fail(Reason.HOST_ERROR, Origin.VMM, "tdx.getquote.status", "quote generation failed: " + status);
            }
            long outLen = memory.readUnsignedInt(base + GetQuoteBufferLayout.OUT_LEN_OFFSET);
            long room = (long) options.bufferBytes() - GetQuoteBufferLayout.DATA_OFFSET;
            if (outLen == 0 || outLen > room) {
                throw fail(Reason.HOST_ERROR, Origin.VMM, "tdx.getquote.out-len",
                        "GET_QUOTE_SUCCESS with out_len " + outLen + ", outside 1.." + room);
            }
            return memory.read(base + GetQuoteBufferLayout.DATA_OFFSET, (int) outLen);
        }
    }

    /**
     * Called by the guest's interrupt dispatch when the VMM injects the vector registered with
     * SetupEventNotifyInterrupt.
     */
    public void onNotifyInterrupt() {
        notified.set(true);
    }

    /**
     * Waits for the status to leave GET_QUOTE_IN_FLIGHT or the deadline to pass, and returns the last status read.
     * The status is read at the deadline itself, so a request completed exactly then is not a timeout.
     */
    private GetQuoteStatus awaitCompletion(long base) {
        boolean notify = notifyRegistered;
        long slice = notify ? options.notifyCheckNanos() : options.pollNanos();
        long deadline = clock.nanoTime() + options.timeoutNanos();
        while (true) {
            // In notify mode the VMM-shared status is read only once the VMM signalled (or at the deadline).
            if (!notify || notified.getAndSet(false)) {
                GetQuoteStatus s = readStatus(base);
                if (!s.isInFlight()) {
                    return s;
                }
            }
            long remaining = deadline - clock.nanoTime();
            if (remaining <= 0) {
                return readStatus(base);
            }
            try {
                platform.sleep(Math.min(slice, remaining));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abandoned = true;
                throw fail(Reason.TIMEOUT, Origin.VMM, "tdx.getquote.interrupted",
                        "interrupted while waiting for GetQuote; the buffer stays with the VMM until it answers");
            }
        }
    }

    private GetQuoteStatus readStatus(long base) {
        return new GetQuoteStatus(memory.readLong(base + GetQuoteBufferLayout.STATUS_OFFSET));
    }

    /** The shared buffer, converted on first use, and the notify vector registered if configured. */
    private SharedBuffer buffer() {
        if (quoteBuffer == null) {
            try {
                quoteBuffer = shared.share(options.bufferBytes() / GuestMemory.PAGE_SIZE);
            } catch (TdxException e) {
                throw new AttestationException(Reason.HOST_ERROR, e.origin(), "tdx.getquote.buffer",
                        "could not share the GetQuote buffer: " + e.failure().detail(), e);
            }
            if (options.notifyVector() != 0) {
                // GHCI 1.5, "TDG.VP.VMCALL<SetupEventNotifyInterrupt>": R12 = vector. A refusal falls back to polling.
                VmcallResult r = calls.tdvmcall(VmcallRequest.standard(TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT,
                        options.notifyVector(), 0, 0, 0));
                notifyRegistered = r instanceof VmcallResult.Success;
                if (!notifyRegistered) {
                    failures.report(TdxFailure.of(Origin.VMM, "tdx.getquote.notify",
                            "SetupEventNotifyInterrupt refused (" + r.status() + "); polling instead"));
                }
            }
        }
        return quoteBuffer;
    }

    // ---------------------------------------------------------------- failures

    private AttestationException moduleFailure(String site, String what, TdxStatus status) {
        if (status.is(TdxStatus.OPERAND_BUSY)) {
            return fail(Reason.BUSY, Origin.TDX_MODULE, site, what + " busy: " + status);
        }
        if (status.is(TdxStatus.OPERAND_INVALID)) {
            return fail(Reason.MODULE_ERROR, Origin.GUEST_BUG, site, what + " refused the operands: " + status);
        }
        return fail(Reason.MODULE_ERROR, Origin.TDX_MODULE, site, what + " failed: " + status);
    }

    private AttestationException invalid(String site, String detail) {
        return fail(Reason.INVALID_ARGUMENT, Origin.GUEST_BUG, site, detail);
    }

    private void checkLength(byte[] b, int length, String what) {
        Objects.requireNonNull(b, what);
        if (b.length != length) {
            throw invalid("tdx.attest.length", what + " must be " + length + " bytes, not " + b.length);
        }
    }

    /** Reports the failure (which may stop the TD under a policy that makes it fatal) and returns it to throw. */
    private AttestationException fail(Reason reason, Origin origin, String site, String detail) {
        AttestationException e = new AttestationException(reason, origin, site, detail);
        failures.report(e.failure());
        return e;
    }
}
