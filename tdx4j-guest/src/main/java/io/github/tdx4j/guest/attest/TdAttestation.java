package io.github.tdx4j.guest.attest;

import java.util.List;

/**
 * Attestation evidence from inside a TD: the service API shared by the guest services on the simulated platform
 * and the real Linux backend, so application code is written once and tested on the simulator.
 *
 * <p>Every failure is an {@link AttestationException} that says its origin.
 */
public interface TdAttestation {
    /** REPORTDATA is 64 bytes. */
    int REPORT_DATA_SIZE = 64;
    /** An RTMR extend digest is 48 bytes (SHA-384). */
    int DIGEST_SIZE = 48;

    /**
     * A TDREPORT_STRUCT (1024 bytes) binding {@code reportData} (exactly 64 bytes); TDG.MR.REPORT.
     *
     * @throws AttestationException if the report cannot be produced
     */
    byte[] report(byte[] reportData);

    /**
     * A quote (TD quote v4 or v5) over a TDREPORT binding {@code reportData} (exactly 64 bytes); GetQuote.
     *
     * @throws AttestationException if the quote cannot be produced
     */
    byte[] quote(byte[] reportData);

    /**
     * Extends RTMR {@code index} (0..3) with a 48-byte {@code digest}: RTMR := SHA-384(RTMR || digest), and records
     * the extend in {@link #eventLog()} so that replaying the log reproduces the RTMR.
     *
     * @param description what was measured, kept in the event log
     * @throws AttestationException if the extend fails
     */
    void extendRtmr(int index, byte[] digest, String description);

    /** The four RTMRs, 48 bytes each, as the TD currently reports them. */
    List<byte[]> rtmrs();

    /** The extends made through this object, in order. */
    List<RtmrEvent> eventLog();

    /**
     * One RTMR extend.
     *
     * @param index       RTMR index, 0..3
     * @param digest      the 48-byte digest extended
     * @param description what was measured
     */
    record RtmrEvent(int index, byte[] digest, String description) {
        public RtmrEvent {
            digest = digest.clone();
        }

        @Override
        public byte[] digest() {
            return digest.clone();
        }
    }
}
