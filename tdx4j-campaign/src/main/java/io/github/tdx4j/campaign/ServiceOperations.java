package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.call.TdxException;
import io.github.tdx4j.guest.attest.GuestAttestation;
import io.github.tdx4j.guest.memory.MemoryConversionException;
import io.github.tdx4j.guest.memory.PageAcceptor;
import io.github.tdx4j.guest.memory.SharedBuffer;
import io.github.tdx4j.sim.vmm.HostMemory;
import java.util.Arrays;

/**
 * The guest services a run calls directly: share and unshare (MapGPA), accept, TDREPORT, RTMR extend (one in four at
 * an index edge, which must be refused) and GetQuote, each checked against what the host or the module saw.
 */
final class ServiceOperations {
    private final CampaignRun run;

    ServiceOperations(CampaignRun run) {
        this.run = run;
    }

    boolean share() {
        try {
            SharedBuffer b = run.guest.sharedMemory().share(1 + run.rnd.nextInt(2));
            for (long[] f : run.failedRanges) {
                if (b.gpa() < f[1] && f[0] < b.gpa() + b.bytes()) {
                    run.violation(Oracle.CORRUPTION, String.format("pages at 0x%x reused after a failed conversion",
                            b.gpa()));
                }
            }
            run.shared.add(b);
            return true;
        } catch (MemoryConversionException e) {
            run.failedRanges.add(new long[] {e.start(), e.end()});
            throw e;
        }
    }

    boolean unshare() {
        if (run.shared.isEmpty()) {
            return true;
        }
        SharedBuffer b = run.shared.removeFirst();
        try {
            run.guest.sharedMemory().unshare(b);
            return true;
        } catch (MemoryConversionException e) {
            run.failedRanges.add(new long[] {e.start(), e.end()});
            throw e;
        }
    }

    boolean accept() {
        long bytes = run.rnd.nextInt(16) == 0 ? 2L << 20 : 16L << 12;
        long start = CampaignRun.UNACCEPTED_GPA + (long) run.accepts++ * (2L << 20);
        return switch (run.guest.acceptor().accept(start, start + bytes)) {
            case PageAcceptor.Result.Done d -> {
                if (d.accepted().bytes() != bytes) {
                    run.violation(Oracle.CORRUPTION, "accepted " + d.accepted().bytes() + " bytes of " + bytes);
                }
                yield true;
            }
            case PageAcceptor.Result.Failed f -> {
                run.guest.failures().report(f.failure());
                yield false;
            }
        };
    }

    private byte[] reportData() {
        byte[] d = new byte[GuestAttestation.REPORT_DATA_SIZE];
        run.rnd.nextBytes(d);
        return d;
    }

    boolean report() {
        byte[] data = reportData();
        byte[] report = run.guest.attestation().report(data);
        int off = TdReportLayout.REPORTDATA_OFFSET;
        if (!Arrays.equals(Arrays.copyOfRange(report, off, off + data.length), data)) {
            run.violation(Oracle.CORRUPTION, "TDREPORT carries another REPORTDATA");
        }
        return true;
    }

    /**
     * TDG.MR.RTMR.EXTEND; one in four at an index edge (−1 or {@link SpecTables#RTMR_COUNT}), which the guest must
     * refuse itself, a guest bug, without a TDCALL.
     */
    boolean extend() {
        byte[] digest = new byte[GuestAttestation.DIGEST_SIZE];
        run.rnd.nextBytes(digest);
        boolean edge = run.rnd.nextInt(4) == 0;
        int index = edge ? (run.rnd.nextBoolean() ? -1 : SpecTables.RTMR_COUNT) : run.rnd.nextInt(SpecTables.RTMR_COUNT);
        if (!edge) {
            run.guest.attestation().extendRtmr(index, digest, "campaign");
            return true;
        }
        run.expectGuestBug = true;
        int callsBefore = run.calls;
        try {
            run.guest.attestation().extendRtmr(index, digest, "campaign");
        } catch (TdxException e) {
            if (run.calls != callsBefore) {
                run.violation(Oracle.CORRUPTION, "RTMR index " + index + " was sent to the TDX module");
            }
            throw e;
        }
        run.violation(Oracle.FAILURE_AS_SUCCESS, "RTMR index " + index + " was accepted; RTMRs are 0.."
                + (SpecTables.RTMR_COUNT - 1));
        return true;
    }

    boolean quote() {
        if (run.bufferGpa >= 0 && run.lastQuoteTimedOut) {
            long header = run.bufferGpa & ~run.td.config().sharedBit();
            // GHCI 1.5, GetQuote status codes: GET_QUOTE_IN_FLIGHT = 0xFFFFFFFF_FFFFFFFF.
            run.hostHoldsQuoteBuffer = run.td.host().memory().readLong(header + GetQuoteBufferLayout.STATUS_OFFSET)
                    == -1L;
        }
        byte[] q = run.guest.attestation().quote(reportData());
        if (run.bufferGpa < 0) {
            run.violation(Oracle.CORRUPTION, "a quote returned though no GetQuote reached the host");
            return true;
        }
        HostMemory m = run.td.host().memory();
        byte[] written = new byte[q.length];
        long data = (run.bufferGpa & ~run.td.config().sharedBit()) + GetQuoteBufferLayout.DATA_OFFSET;
        if (q.length > CampaignRun.POLLING.bufferBytes() - GetQuoteBufferLayout.DATA_OFFSET) {
            run.violation(Oracle.CORRUPTION, "quote of " + q.length + " bytes is longer than the buffer");
            return true;
        }
        m.read(data, written, 0, written.length);
        // What the guest read: the header now (nothing runs on the host between the guest's reads and its return).
        long header = run.bufferGpa & ~run.td.config().sharedBit();
        long status = m.readLong(header + GetQuoteBufferLayout.STATUS_OFFSET);
        long outLen = m.readInt(header + GetQuoteBufferLayout.OUT_LEN_OFFSET) & 0xFFFF_FFFFL;
        if (status != 0 || outLen != q.length || outLen == 0) {
            run.violation(Oracle.FAILURE_AS_SUCCESS, String.format("quote of %d bytes returned with status 0x%x, "
                    + "out_len %d in the header", q.length, status, outLen));
        }
        if (!Arrays.equals(q, written)) {
            run.violation(Oracle.CORRUPTION, "the quote differs from what the host wrote in the shared buffer");
        }
        Canaries.scanForCanaries(run, q, "the quote");
        return true;
    }
}
