package io.github.tdx4j.guest.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.GetQuoteStatus;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.abi.OperandId;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.Registers;
import io.github.tdx4j.call.TdxPolicyPanic;
import io.github.tdx4j.call.policy.OriginPolicy;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.AttestationException.Reason;
import io.github.tdx4j.guest.fake.Boot;
import io.github.tdx4j.guest.fake.FakeTd;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GuestAttestationTest {
    private static final long GET_QUOTE = TdvmcallSubFunction.GET_QUOTE.raw();
    private static final long SEC = 1_000_000_000L;
    private static final long TIMEOUT = 30 * SEC;

    private final FakeTd td = new FakeTd();
    private final TdxGuest guest = Boot.boot(td);
    private final GuestAttestation att = guest.attestation();

    private static byte[] nonce(int seed) {
        byte[] b = new byte[64];
        for (int i = 0; i < 64; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    /**
     * A quoting VMM: marks the buffer IN_FLIGHT, and after {@code delay} writes {@code quote}, out_len and
     * {@code status}. Records what the buffer held when the request arrived.
     */
    private final class QuotingVmm {
        long delay = SEC;
        byte[] quote = "QUOTE:".getBytes();
        GetQuoteStatus status = GetQuoteStatus.SUCCESS;
        long outLen = -1;
        byte[] requestBuffer;
        int interruptVector;

        QuotingVmm install() {
            td.vmm.put(GET_QUOTE, in -> {
                long base = in.r12();
                requestBuffer = td.memory.read(base, (int) in.r13());
                td.memory.writeLong(base + GetQuoteBufferLayout.STATUS_OFFSET, GetQuoteStatus.IN_FLIGHT.raw());
                byte[] q = quote;
                td.at(td.now() + delay, () -> {
                    td.memory.write(base + GetQuoteBufferLayout.DATA_OFFSET, q);
                    td.memory.writeInt(base + GetQuoteBufferLayout.OUT_LEN_OFFSET,
                            (int) (outLen >= 0 ? outLen : q.length));
                    td.memory.writeLong(base + GetQuoteBufferLayout.STATUS_OFFSET, status.raw());
                    if (interruptVector != 0) {
                        td.interruptHandler.onInterrupt(interruptVector);
                    }
                });
                return in.withR10(0);
            });
            return this;
        }
    }

    @Test
    @DisplayName("TDG.MR.REPORT binds the 64-byte REPORTDATA at REPORTMACSTRUCT offset 128")
    void report() {
        byte[] r = att.report(nonce(1));
        assertThat(r).hasSize(TdReportLayout.SIZE);
        assertThat(Arrays.copyOfRange(r, 128, 192)).isEqualTo(nonce(1));
        Registers call = td.calls.stream().filter(c -> c[0].rax() == TdcallLeaf.TDG_MR_REPORT.rax())
                .findFirst().orElseThrow()[0];
        assertThat(call.rcx() % 1024).as("TDREPORT_STRUCT 1024-aligned").isZero();
        assertThat(call.rdx() % 64).as("REPORTDATA 64-aligned").isZero();
    }

    @Test
    @DisplayName("REPORTDATA of another length is INVALID_ARGUMENT, origin GUEST_BUG, with no TDCALL")
    void reportDataLength() {
        assertThatThrownBy(() -> att.report(new byte[63])).isInstanceOfSatisfying(AttestationException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
            assertThat(e.origin()).isEqualTo(Origin.GUEST_BUG);
        });
        assertThat(td.countLeaf(TdcallLeaf.TDG_MR_REPORT)).isZero();
    }

    @Test
    @DisplayName("RTMR extend: the event log replayed from zero equals the RTMRs the TD reports")
    void rtmrLogConsistent() {
        byte[] d1 = new byte[48];
        byte[] d2 = new byte[48];
        d1[0] = 1;
        d2[47] = 2;
        att.extendRtmr(2, d1, "kernel command line");
        att.extendRtmr(3, d2, "application");
        att.extendRtmr(2, d2, "config");
        List<byte[]> replayed = GuestAttestation.replay(att.eventLog());
        List<byte[]> actual = att.rtmrs();
        for (int i = 0; i < 4; i++) {
            assertThat(actual.get(i)).as("RTMR%d", i).isEqualTo(replayed.get(i));
        }
        assertThat(actual.get(2)).isNotEqualTo(new byte[48]);
        assertThat(att.eventLog()).extracting(TdAttestation.RtmrEvent::description)
                .containsExactly("kernel command line", "application", "config");
    }

    @Test
    @DisplayName("RTMR index outside 0..3 is INVALID_ARGUMENT with no TDCALL and no log entry")
    void rtmrIndex() {
        assertThatThrownBy(() -> att.extendRtmr(4, new byte[48], "x")).isInstanceOfSatisfying(
                AttestationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT));
        assertThat(td.countLeaf(TdcallLeaf.TDG_MR_RTMR_EXTEND)).isZero();
        assertThat(att.eventLog()).isEmpty();
    }

    @Test
    @DisplayName("GetQuote: R12 = shared GPA, R13 = 128 KiB, header version 1 / in_len 1024, TDREPORT in data")
    void quoteRequest() {
        QuotingVmm vmm = new QuotingVmm().install();
        byte[] q = att.quote(nonce(7));
        assertThat(q).isEqualTo("QUOTE:".getBytes());
        Registers call = td.vmcalls(GET_QUOTE).getFirst();
        assertThat(call.r12() & td.sharedMask()).isNotZero();
        assertThat(call.r13()).isEqualTo(128 * 1024);
        byte[] buf = vmm.requestBuffer;
        assertThat(buf[0]).isEqualTo((byte) 1);
        assertThat(buf[GetQuoteBufferLayout.IN_LEN_OFFSET] & 0xFF | (buf[GetQuoteBufferLayout.IN_LEN_OFFSET + 1] & 0xFF) << 8)
                .isEqualTo(1024);
        assertThat(Arrays.copyOfRange(buf, 24 + 128, 24 + 192)).isEqualTo(nonce(7));
    }

    @Test
    @DisplayName("The buffer is zeroed before each request: nothing of an earlier, longer quote reaches the VMM")
    void bufferZeroed() {
        QuotingVmm vmm = new QuotingVmm().install();
        byte[] big = new byte[8000];
        Arrays.fill(big, (byte) 0x5A);
        vmm.quote = big;
        att.quote(nonce(1));
        vmm.quote = "small".getBytes();
        att.quote(nonce(2));
        byte[] after = Arrays.copyOfRange(vmm.requestBuffer, 24 + 1024, vmm.requestBuffer.length);
        assertThat(after).containsOnly(0);
    }

    @ParameterizedTest(name = "completion at deadline {0} ns")
    @ValueSource(longs = {-1, 0})
    @DisplayName("GetQuote completed at deadline-1 or exactly at the deadline succeeds")
    void timeoutBoundarySuccess(long offset) {
        QuotingVmm vmm = new QuotingVmm().install();
        vmm.delay = TIMEOUT + offset;
        assertThat(att.quote(nonce(1))).isEqualTo("QUOTE:".getBytes());
    }

    @Test
    @DisplayName("GetQuote still in flight at the deadline is TIMEOUT, not an empty success (Linux off-by-one)")
    void timeoutAfterDeadline() {
        QuotingVmm vmm = new QuotingVmm().install();
        vmm.delay = TIMEOUT + 1;
        long start = td.now();
        assertThatThrownBy(() -> att.quote(nonce(1))).isInstanceOfSatisfying(AttestationException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(e.origin()).isEqualTo(Origin.VMM);
        });
        assertThat(td.now() - start).isEqualTo(TIMEOUT);
    }

    @Test
    @DisplayName("After a timeout the buffer stays the VMM's: BUSY while IN_FLIGHT, usable once it answers")
    void busyAfterTimeout() {
        QuotingVmm vmm = new QuotingVmm().install();
        vmm.delay = TIMEOUT + 5 * SEC;
        assertThatThrownBy(() -> att.quote(nonce(1))).isInstanceOf(AttestationException.class);
        assertThatThrownBy(() -> att.quote(nonce(2))).isInstanceOfSatisfying(AttestationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BUSY));
        assertThat(td.vmcalls(GET_QUOTE)).hasSize(1);
        td.sleep(10 * SEC);
        vmm.delay = SEC;
        assertThat(att.quote(nonce(3))).isEqualTo("QUOTE:".getBytes());
    }

    @Test
    @DisplayName("GET_QUOTE_ERROR and GET_QUOTE_SERVICE_UNAVAILABLE are errors, never an empty quote (2026 fix)")
    void failureStatuses() {
        QuotingVmm vmm = new QuotingVmm().install();
        vmm.quote = new byte[0];
        vmm.status = GetQuoteStatus.SERVICE_UNAVAILABLE;
        assertThatThrownBy(() -> att.quote(nonce(1))).isInstanceOfSatisfying(AttestationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
        vmm.status = GetQuoteStatus.ERROR;
        assertThatThrownBy(() -> att.quote(nonce(1))).isInstanceOfSatisfying(AttestationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR));
        vmm.status = new GetQuoteStatus(0x42);
        assertThatThrownBy(() -> att.quote(nonce(1))).isInstanceOfSatisfying(AttestationException.class,
                e -> assertThat(e.getMessage()).contains("0x42"));
        vmm.status = GetQuoteStatus.SUCCESS;
        assertThatThrownBy(() -> att.quote(nonce(1))).as("SUCCESS with out_len 0").isInstanceOf(
                AttestationException.class);
    }

    @Test
    @DisplayName("out_len beyond the buffer is refused, and read exactly once (2026 out_len validation)")
    void outLenBound() {
        QuotingVmm vmm = new QuotingVmm().install();
        vmm.outLen = 128 * 1024 - 24 + 1;
        assertThatThrownBy(() -> att.quote(nonce(1))).isInstanceOfSatisfying(AttestationException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR);
            assertThat(e.failure().site()).isEqualTo("tdx.getquote.out-len");
        });
        long base = td.vmcalls(GET_QUOTE).getFirst().r12();
        assertThat(td.memory.readsAt(base + GetQuoteBufferLayout.OUT_LEN_OFFSET)).isEqualTo(1);
        vmm.outLen = 128 * 1024 - 24;
        assertThat(att.quote(nonce(1))).hasSize(128 * 1024 - 24);
    }

    @Test
    @DisplayName("R10 RETRY from GetQuote is BUSY; any other R10 error is HOST_ERROR; both origin VMM")
    void hypercallStatus() {
        td.vmm.put(GET_QUOTE, in -> in.withR10(TdvmcallStatus.RETRY.raw()));
        assertThatThrownBy(() -> att.quote(nonce(1))).isInstanceOfSatisfying(AttestationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BUSY));
        td.vmm.put(GET_QUOTE, in -> in.withR10(TdvmcallStatus.INVALID_OPERAND.raw()));
        assertThatThrownBy(() -> att.quote(nonce(1))).isInstanceOfSatisfying(AttestationException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR);
            assertThat(e.origin()).isEqualTo(Origin.VMM);
        });
    }

    @Test
    @DisplayName("Notify mode: SetupEventNotifyInterrupt(vector), then the status is read only after the interrupt")
    void notifyInterrupt() {
        FakeTd t = new FakeTd();
        TdxGuest g = Boot.boot(t, Boot.config().withQuote(QuoteOptions.LINUX.withNotifyVector(0xF3)));
        long setup = TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT.raw();
        t.vmm.put(setup, in -> in.withR10(0));
        t.vmm.put(GET_QUOTE, in -> {
            long base = in.r12();
            t.memory.writeLong(base + GetQuoteBufferLayout.STATUS_OFFSET, GetQuoteStatus.IN_FLIGHT.raw());
            t.at(t.now() + 3 * SEC, () -> {
                t.memory.write(base + 24, new byte[] {9});
                t.memory.writeInt(base + GetQuoteBufferLayout.OUT_LEN_OFFSET, 1);
                t.memory.writeLong(base + GetQuoteBufferLayout.STATUS_OFFSET, 0);
                t.interruptHandler.onInterrupt(0xF3);
            });
            return in.withR10(0);
        });
        assertThat(g.attestation().quote(nonce(1))).containsExactly(9);
        assertThat(t.vmcalls(setup)).extracting(Registers::r12).containsExactly(0xF3L);
        long base = t.vmcalls(GET_QUOTE).getFirst().r12();
        assertThat(t.memory.readsAt(base + GetQuoteBufferLayout.STATUS_OFFSET)).isEqualTo(1);
        assertThat(t.now()).isEqualTo(3 * SEC);
    }

    @Test
    @DisplayName("Notify mode refused by the VMM: reported (origin VMM), and the guest polls instead of waiting for "
            + "an interrupt that will not come")
    void notifyRefusedFallsBackToPolling() {
        FakeTd t = new FakeTd();
        TdxGuest g = Boot.boot(t, Boot.config().withQuote(QuoteOptions.LINUX.withNotifyVector(0xF3)));
        long setup = TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT.raw();
        t.vmm.put(setup, in -> FakeTd.answer(in, TdvmcallStatus.SUBFUNC_UNSUPPORTED, 0));
        t.vmm.put(GET_QUOTE, in -> {
            long base = in.r12();
            t.memory.writeLong(base + GetQuoteBufferLayout.STATUS_OFFSET, GetQuoteStatus.IN_FLIGHT.raw());
            t.at(t.now() + 3 * SEC, () -> {
                t.memory.write(base + 24, new byte[] {9});
                t.memory.writeInt(base + GetQuoteBufferLayout.OUT_LEN_OFFSET, 1);
                t.memory.writeLong(base + GetQuoteBufferLayout.STATUS_OFFSET, 0);
            });
            return in.withR10(0);
        });
        assertThat(g.attestation().quote(nonce(1))).containsExactly(9);
        assertThat(g.failures().count(Origin.VMM)).isEqualTo(1);
        assertThat(t.now()).as("found by the 1 s poll, not at the 30 s deadline").isEqualTo(3 * SEC);
    }

    @Test
    @DisplayName("TDG.MR.REPORT failure: LINUX_MAINLINE returns MODULE_ERROR (origin TDX_MODULE), OPERAND_BUSY is BUSY; "
            + "SEED_REVIEW stops the TD (security-sensitive)")
    void moduleFailurePolicy() {
        td.failLeaf.put(TdcallLeaf.TDG_MR_REPORT, TdxStatus.PAGE_METADATA_INCORRECT.raw());
        assertThatThrownBy(() -> att.report(nonce(1))).isInstanceOfSatisfying(AttestationException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.MODULE_ERROR);
            assertThat(e.origin()).isEqualTo(Origin.TDX_MODULE);
        });
        td.failLeaf.put(TdcallLeaf.TDG_MR_REPORT, TdxStatus.OPERAND_BUSY.withOperand(OperandId.RTMR).raw());
        assertThatThrownBy(() -> att.report(nonce(1))).isInstanceOfSatisfying(AttestationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BUSY));

        FakeTd t = new FakeTd();
        GuestAttestation strict = Boot.boot(t, Boot.config().withPolicy(OriginPolicy.SEED_REVIEW)).attestation();
        t.failLeaf.put(TdcallLeaf.TDG_MR_RTMR_EXTEND, TdxStatus.PAGE_METADATA_INCORRECT.raw());
        assertThatThrownBy(() -> strict.extendRtmr(2, new byte[48], "x")).isInstanceOfSatisfying(
                TdxPolicyPanic.class, p -> assertThat(p.origin()).isEqualTo(Origin.TDX_MODULE));
        assertThat(strict.eventLog()).isEmpty();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {47, 49, 0})
    @DisplayName("RTMR extend with a digest that is not 48 bytes (47, 49, 0) is INVALID_ARGUMENT, origin GUEST_BUG, with "
            + "no TDCALL and no log entry")
    void rtmrDigestNot48Bytes(int length) {
        assertThatThrownBy(() -> att.extendRtmr(2, new byte[length], "x")).isInstanceOfSatisfying(
                AttestationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
                    assertThat(e.origin()).isEqualTo(Origin.GUEST_BUG);
                    assertThat(e.failure().site()).isEqualTo("tdx.attest.length");
                    assertThat(e.getMessage()).contains("must be 48 bytes, not " + length);
                });
        assertThat(td.countLeaf(TdcallLeaf.TDG_MR_RTMR_EXTEND)).isZero();
        assertThat(att.eventLog()).isEmpty();
        assertThat(td.rtmr[2]).isEqualTo(new byte[48]);
    }

    @ParameterizedTest(name = "RTMR{0}")
    @ValueSource(ints = {0, 3})
    @DisplayName("RTMR indexes 0 and 3, the ends of 0..3, are extended; -1 is refused like 4")
    void rtmrIndexBounds(int index) {
        byte[] d = new byte[48];
        d[0] = 7;
        att.extendRtmr(index, d, "edge");
        assertThat(td.rtmr[index]).isNotEqualTo(new byte[48]);
        assertThat(td.calls.stream().filter(c -> c[0].rax() == TdcallLeaf.TDG_MR_RTMR_EXTEND.rax()).findFirst()
                .orElseThrow()[0].rdx()).isEqualTo(index);
        assertThatThrownBy(() -> att.extendRtmr(-1, d, "x")).isInstanceOf(AttestationException.class);
    }
}
