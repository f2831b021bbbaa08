package io.github.tdx4j.ratls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.ratls.RatlsRefusal.Rule;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The runtime event log dstack puts in its RA-TLS certificates (extension {@value RatlsOids#DSTACK_EVENT_LOG}) and
 * its replay to RTMR3, as dstack's verifier does it (Dstack-TEE/dstack {@code sdk/go/ratls/ratls.go},
 * {@code verifyRTMR3}): a JSON array of events {@code {imr, event_type, digest, event, event_payload}}
 * ({@code event_payload} hex); only events of type {@link #RUNTIME_EVENT_TYPE} count; each one's digest is
 * SHA-384(event_type as 4 little-endian bytes ‖ ":" ‖ event ‖ ":" ‖ payload) and RTMR3 := SHA-384(RTMR3 ‖ digest),
 * from 48 zero bytes.
 *
 * <p>Not read: the gzip form behind the magic {@code ELGZv1}; such a log is refused with a message saying so.
 */
final class DstackEventLog {
    /** dstack's runtime event type ({@code DSTACK_RUNTIME_EVENT_TYPE}). */
    static final long RUNTIME_EVENT_TYPE = 0x0800_0001L;
    /** At most this many events are read; a real log has a few dozen. */
    static final int MAX_EVENTS = 4096;
    private static final byte[] GZIP_MAGIC = "ELGZv1".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    private DstackEventLog() {
    }

    /** RTMR3 replayed from the event log's runtime events. */
    static byte[] replayRtmr3(byte[] log) throws RatlsRefusal {
        if (log.length >= GZIP_MAGIC.length && java.util.Arrays.equals(log, 0, GZIP_MAGIC.length, GZIP_MAGIC, 0,
                GZIP_MAGIC.length)) {
            throw new RatlsRefusal(Rule.EVENT_LOG, "the dstack event log is gzip-compressed (ELGZv1), which tdx4j "
                    + "does not read", "a JSON event log", "ELGZv1");
        }
        JsonNode events;
        try {
            events = new ObjectMapper().readTree(log);
        } catch (java.io.IOException e) {
            throw new RatlsRefusal(Rule.EVENT_LOG, "the dstack event log is not JSON", "a JSON array", "not JSON");
        }
        if (events == null || !events.isArray() || events.size() > MAX_EVENTS) {
            throw new RatlsRefusal(Rule.EVENT_LOG, "the dstack event log is not an array of at most " + MAX_EVENTS
                    + " events", "an array", events == null ? "nothing" : events.getNodeType() + " of "
                    + events.size());
        }
        MessageDigest sha384 = sha384();
        byte[] mr = new byte[48];
        int index = 0;
        for (JsonNode e : events) {
            JsonNode type = e.get("event_type");
            if (type == null || !type.canConvertToLong() || type.asLong() < 0 || type.asLong() > 0xFFFF_FFFFL) {
                throw new RatlsRefusal(Rule.EVENT_LOG, "event " + index + " of the dstack event log has no "
                        + "event_type that is a u32", "a u32", String.valueOf(type));
            }
            if (type.asLong() == RUNTIME_EVENT_TYPE) {
                byte[] digest = digest(sha384, type.asLong(), text(e, "event", index), hex(e, index));
                sha384.update(mr);
                mr = sha384.digest(digest);
            }
            index++;
        }
        return mr;
    }

    private static byte[] digest(MessageDigest sha384, long type, String event, byte[] payload) {
        sha384.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) type).array());
        sha384.update((byte) ':');
        sha384.update(event.getBytes(StandardCharsets.UTF_8));
        sha384.update((byte) ':');
        return sha384.digest(payload);
    }

    private static String text(JsonNode e, String field, int index) throws RatlsRefusal {
        JsonNode v = e.get(field);
        if (v == null || !v.isTextual()) {
            throw new RatlsRefusal(Rule.EVENT_LOG, "event " + index + " of the dstack event log has no text \""
                    + field + "\"", "a string", String.valueOf(v));
        }
        return v.asText();
    }

    private static byte[] hex(JsonNode e, int index) throws RatlsRefusal {
        String h = text(e, "event_payload", index);
        try {
            return HEX.parseHex(h);
        } catch (IllegalArgumentException x) {
            throw new RatlsRefusal(Rule.EVENT_LOG, "event " + index + "'s event_payload is not hex", "hex",
                    h.length() > 40 ? h.substring(0, 40) + "..." : h);
        }
    }

    private static MessageDigest sha384() {
        try {
            return MessageDigest.getInstance("SHA-384");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-384", e);
        }
    }

    /** Whether the replayed RTMR3 is the quote's. */
    static void check(byte[] log, byte[] quotedRtmr3) throws RatlsRefusal {
        byte[] replayed = replayRtmr3(log);
        if (!MessageDigest.isEqual(replayed, quotedRtmr3)) {
            throw new RatlsRefusal(Rule.EVENT_LOG, "the dstack event log does not replay to the quote's RTMR3",
                    HEX.formatHex(quotedRtmr3), HEX.formatHex(replayed));
        }
    }
}
