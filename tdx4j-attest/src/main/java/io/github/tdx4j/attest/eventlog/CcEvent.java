package io.github.tdx4j.attest.eventlog;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One event of a CC event log ({@code TCG_PCR_EVENT2}): which measurement register it extended, its type, its
 * digests and its data.
 *
 * <p>TCG PC Client Platform Firmware Profile, "TCG_PCR_EVENT2 Structure"; UEFI 2.10, section 38.4.1 "CC Event Log"
 * for the MR index: 0 = MRTD, 1..4 = RTMR0..3.
 *
 * @param offset    byte offset of the event in the log area
 * @param mrIndex   the CC measurement register index (the PCR index field)
 * @param eventType the event type (EV_*), an open value; see {@link EventTypes#name(long)}
 * @param digests   the digests, one per algorithm
 * @param eventData the event data
 */
public record CcEvent(long offset, int mrIndex, long eventType, List<EventDigest> digests, byte[] eventData) {
    public CcEvent {
        digests = List.copyOf(digests);
        eventData = eventData.clone();
    }

    /** The RTMR this event extends (MR index 1..4 → 0..3), or -1 for MRTD (0) and out-of-range indices. */
    public int rtmrIndex() {
        return mrIndex >= 1 && mrIndex <= 4 ? mrIndex - 1 : -1;
    }

    /** The digest for TCG algorithm {@code algorithmId}, if the event carries one. */
    public Optional<byte[]> digest(int algorithmId) {
        return digests.stream().filter(d -> d.algorithmId() == algorithmId).findFirst().map(EventDigest::digest);
    }

    @Override
    public byte[] eventData() {
        return eventData.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CcEvent other && offset == other.offset && mrIndex == other.mrIndex
                && eventType == other.eventType && digests.equals(other.digests)
                && Arrays.equals(eventData, other.eventData);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(new Object[] {offset, mrIndex, eventType, digests, eventData});
    }

    @Override
    public String toString() {
        return "CcEvent[offset=" + offset + ", mrIndex=" + mrIndex + ", type=" + EventTypes.name(eventType)
                + ", digests=" + digests + ", eventData=" + HexFormat.of().formatHex(eventData) + "]";
    }
}
