package io.github.tdx4j.attest.eventlog;

import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.MalformedEvidenceException.Code;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Recomputes RTMR0..3 from an event log: each RTMR starts at 48 zero bytes and every event extends its register,
 * RTMR := SHA-384(RTMR ‖ digest), exactly as TDG.MR.RTMR.EXTEND does. Comparing the result with the RTMRs of a
 * quote shows whether the log is the one the quote attests.
 *
 * <p>EV_NO_ACTION events are informational and not extended (TCG PC Client Platform Firmware Profile, "EV_NO_ACTION
 * Event Types"); events for MR index 0 (MRTD, measured by the TDX module at build time) are not RTMR extends.
 */
public final class RtmrReplay {
    private static final int RTMR_SIZE = 48;

    private RtmrReplay() {
    }

    /**
     * The four RTMRs the log's events produce.
     *
     * @throws MalformedEvidenceException {@link Code#MALFORMED_EVENT_LOG} if an extending event has no SHA-384
     *                                    digest, or its MR index is above 4
     */
    public static List<byte[]> replay(TcgEventLog log) throws MalformedEvidenceException {
        MessageDigest sha384;
        try {
            sha384 = MessageDigest.getInstance("SHA-384");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-384 (java.security.MessageDigest, "Standard Algorithms").
            throw new AssertionError("SHA-384 missing from the JDK", e);
        }
        List<byte[]> rtmrs = new ArrayList<>(List.of(new byte[RTMR_SIZE], new byte[RTMR_SIZE], new byte[RTMR_SIZE],
                new byte[RTMR_SIZE]));
        for (CcEvent event : log.events()) {
            if (event.eventType() == EventTypes.EV_NO_ACTION || event.mrIndex() == 0) {
                continue;
            }
            int index = event.rtmrIndex();
            if (index < 0) {
                throw new MalformedEvidenceException(Code.MALFORMED_EVENT_LOG, "PCRIndex", event.offset(),
                        "MR index " + event.mrIndex() + " names no RTMR (1..4)");
            }
            byte[] digest = event.digest(EventDigest.TPM_ALG_SHA384).orElseThrow(
                    () -> new MalformedEvidenceException(Code.MALFORMED_EVENT_LOG, "Digests", event.offset(),
                            "event has no SHA-384 digest to extend RTMR" + index + " with"));
            if (digest.length != RTMR_SIZE) {
                throw new MalformedEvidenceException(Code.MALFORMED_EVENT_LOG, "Digests.digest", event.offset(),
                        "SHA-384 digest is " + digest.length + " bytes, not 48");
            }
            sha384.update(rtmrs.get(index));
            sha384.update(digest);
            rtmrs.set(index, sha384.digest());
        }
        return List.copyOf(rtmrs);
    }
}
