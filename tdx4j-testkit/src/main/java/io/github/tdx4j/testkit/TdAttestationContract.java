package io.github.tdx4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.guest.attest.AttestationException;
import io.github.tdx4j.guest.attest.TdAttestation;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link TdAttestation} backend keeps, whatever is behind it: the guest services on the
 * simulator (honest or adversarial) and the real Linux backend on a TD. A backend's test class extends this and says
 * how to open the service; the tests are the properties application code relies on.
 *
 * <p>Extending an RTMR is permanent on a real TD, so a backend opts in to those tests with {@link #mayExtend()}.
 * A backend whose host may be hostile ({@link #hostMayRefuse()}) may fail an operation closed, with an
 * {@link AttestationException} whose origin is the VMM; what it must never do is return a wrong result, so every
 * result it does return is held to the same properties.
 */
public abstract class TdAttestationContract {
    private TdAttestation attestation;

    /** A fresh service; called before each test. Skip (with a reason) when the backend is absent here. */
    protected abstract TdAttestation open();

    /** Whether the extend tests may change an RTMR of this backend. */
    protected boolean mayExtend() {
        return true;
    }

    /** Whether the host may refuse or break operations (an adversarial VMM); they must then fail closed. */
    protected boolean hostMayRefuse() {
        return false;
    }

    /** Operations refused by a hostile host so far in this test instance. */
    protected int refusals;
    /** Operations that returned a result (then held to the contract's properties) in this test instance. */
    protected int results;
    /** Quotes that were returned (then checked against REPORTDATA and the RTMRs) in this test instance. */
    protected int quoteResults;

    /**
     * Runs {@code op}; if the host may refuse, an {@link AttestationException} with origin VMM ends the test as a
     * correct fail-closed outcome (null is returned and the caller stops). Any other failure propagates.
     */
    private <T> T attempt(java.util.function.Supplier<T> op) {
        try {
            T result = op.get();
            results++;
            return result;
        } catch (AttestationException e) {
            if (hostMayRefuse() && e.origin() == Origin.VMM) {
                refusals++;
                return null;
            }
            throw e;
        }
    }

    @BeforeEach
    final void openBackend() {
        attestation = open();
    }

    private static byte[] counting(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static byte[] sha384(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-384");
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    private static byte[] slice(byte[] b, int offset, int length) {
        return Arrays.copyOfRange(b, offset, offset + length);
    }

    @Test
    @DisplayName("Linux selftest verify_report: the TDREPORT echoes REPORTDATA 0..63 (TYPE 0x81, 1024 bytes)")
    void reportEchoesReportData() {
        byte[] report = attempt(() -> attestation.report(counting(64)));
        if (report == null) {
            return;
        }
        assertThat(report).hasSize(TdReportLayout.SIZE);
        assertThat(report[TdReportLayout.REPORTTYPE_OFFSET]).isEqualTo(TdReportLayout.TYPE_TDX);
        assertThat(slice(report, TdReportLayout.REPORTDATA_OFFSET, 64)).isEqualTo(counting(64));
    }

    @Test
    @DisplayName("TDREPORT_STRUCT: TEE_TCB_INFO_HASH and TEE_INFO_HASH are SHA-384 of TEE_TCB_INFO and TDINFO")
    void reportHashesBindTheReport() throws Exception {
        byte[] report = attempt(() -> attestation.report(new byte[64]));
        if (report == null) {
            return;
        }
        assertThat(slice(report, TdReportLayout.TEE_TCB_INFO_HASH_OFFSET, 48)).isEqualTo(
                sha384(slice(report, TdReportLayout.TEE_TCB_INFO_OFFSET, TdReportLayout.TEE_TCB_INFO_SIZE)));
        assertThat(slice(report, TdReportLayout.TEE_INFO_HASH_OFFSET, 48)).isEqualTo(
                sha384(slice(report, TdReportLayout.TDINFO_OFFSET, TdReportLayout.TDINFO_SIZE)));
    }

    @Test
    @DisplayName("REPORTDATA must be exactly 64 bytes: anything else is the caller's bug, refused before any call")
    void reportDataLengthChecked() {
        for (int length : new int[] {0, 63, 65}) {
            assertThatThrownBy(() -> attestation.report(new byte[length]))
                    .isInstanceOfSatisfying(AttestationException.class, e -> {
                        assertThat(e.reason()).isEqualTo(AttestationException.Reason.INVALID_ARGUMENT);
                        assertThat(e.origin()).isEqualTo(Origin.GUEST_BUG);
                    });
            assertThatThrownBy(() -> attestation.quote(new byte[length])).isInstanceOf(AttestationException.class);
        }
    }

    @Test
    @DisplayName("The quote is a TDX quote whose body carries REPORTDATA and the RTMRs the TD reports")
    void quoteCarriesReportData() throws Exception {
        byte[] reportData = counting(64);
        byte[] raw = attempt(() -> attestation.quote(reportData));
        if (raw == null) {
            return;
        }
        quoteResults++;
        Quote quote = Quote.decode(raw);
        assertThat(quote.header().teeType()).isEqualTo(0x81);
        assertThat(quote.body().reportData()).isEqualTo(reportData);
        List<byte[]> rtmrs = attempt(attestation::rtmrs);
        if (rtmrs == null) {
            return;
        }
        for (int i = 0; i < 4; i++) {
            assertThat(quote.body().rtmr(i).toByteArray()).as("RTMR%d", i).isEqualTo(rtmrs.get(i));
        }
    }

    @Test
    @DisplayName("RTMR extend: RTMR := SHA-384(RTMR || digest), seen in rtmrs(), in a new TDREPORT and in the event log")
    void extendIsConsistentEverywhere() throws Exception {
        assumeTrue(mayExtend(), "skipped: extending an RTMR on this backend is permanent (opt in to run it)");
        List<byte[]> rtmrsBefore = attempt(attestation::rtmrs);
        if (rtmrsBefore == null) {
            return;
        }
        byte[] before = rtmrsBefore.get(3);
        byte[] digest = sha384("tdx4j contract".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int logBefore = attestation.eventLog().size();

        if (attempt(() -> {
            attestation.extendRtmr(3, digest, "tdx4j contract test");
            return Boolean.TRUE;
        }) == null) {
            return;
        }

        byte[] expected = sha384(before, digest);
        List<byte[]> after = attempt(attestation::rtmrs);
        byte[] report = attempt(() -> attestation.report(new byte[64]));
        if (after == null || report == null) {
            return;
        }
        assertThat(after.get(3)).isEqualTo(expected);
        assertThat(slice(report, TdReportLayout.rtmrOffset(3), 48)).isEqualTo(expected);
        List<TdAttestation.RtmrEvent> log = attestation.eventLog();
        assertThat(log).hasSize(logBefore + 1);
        assertThat(log.getLast().index()).isEqualTo(3);
        assertThat(log.getLast().digest()).isEqualTo(digest);
        assertThat(log.getLast().description()).isEqualTo("tdx4j contract test");
    }

    @Test
    @DisplayName("RTMR extend arguments: index 0..3 and a 48-byte digest, else INVALID_ARGUMENT and nothing changes")
    void extendArgumentsChecked() {
        List<byte[]> before = attempt(attestation::rtmrs);
        if (before == null) {
            return;
        }
        for (int index : new int[] {-1, 4}) {
            assertThatThrownBy(() -> attestation.extendRtmr(index, new byte[48], "bad index"))
                    .isInstanceOfSatisfying(AttestationException.class,
                            e -> assertThat(e.reason()).isEqualTo(AttestationException.Reason.INVALID_ARGUMENT));
        }
        assertThatThrownBy(() -> attestation.extendRtmr(2, new byte[47], "short digest"))
                .isInstanceOfSatisfying(AttestationException.class,
                        e -> assertThat(e.reason()).isEqualTo(AttestationException.Reason.INVALID_ARGUMENT));
        List<byte[]> after = attempt(attestation::rtmrs);
        if (after == null) {
            return;
        }
        for (int i = 0; i < 4; i++) {
            assertThat(after.get(i)).isEqualTo(before.get(i));
        }
    }
}
