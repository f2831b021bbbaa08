package io.github.tdx4j.attest.eventlog;

import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.MalformedEvidenceException.Code;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A TCG crypto-agile event log as a TD's firmware leaves it in the CCEL log area.
 *
 * <p>TCG PC Client Platform Firmware Profile Specification, sections 10.2.1 "TCG_PCClientPCREvent" (the first
 * event, in the SHA-1 log format, carrying the "Spec ID Event03" header that lists the digest algorithms and their
 * sizes) and 10.2.2 "TCG_PCR_EVENT2" (every later event). The log area is larger than the log; the unused rest is
 * 0xFF (erased) or zero, and parsing stops there.
 *
 * @param specId the header event's TCG_EfiSpecIdEvent
 * @param events the events after the header, in log order
 * @param length bytes of the log area the header and events occupy
 */
public record TcgEventLog(SpecIdEvent specId, List<CcEvent> events, int length) {
    private static final byte[] SPEC_ID_SIGNATURE = "Spec ID Event03\0".getBytes(StandardCharsets.US_ASCII);

    public TcgEventLog {
        events = List.copyOf(events);
    }

    /**
     * The header event's {@code TCG_EfiSpecIdEvent}.
     *
     * @param platformClass    platform class (0 client, 1 server)
     * @param specVersionMinor spec version minor
     * @param specVersionMajor spec version major (2 for crypto-agile logs)
     * @param specErrata       spec errata
     * @param uintnSize        UINTN size in 32-bit words (2 = 64-bit)
     * @param digestSizes      digest size in bytes by TCG algorithm id, as the log declares them
     * @param vendorInfo       vendor information
     */
    public record SpecIdEvent(long platformClass, int specVersionMinor, int specVersionMajor, int specErrata,
            int uintnSize, Map<Integer, Integer> digestSizes, byte[] vendorInfo) {
        public SpecIdEvent {
            digestSizes = Map.copyOf(digestSizes);
            vendorInfo = vendorInfo.clone();
        }

        @Override
        public byte[] vendorInfo() {
            return vendorInfo.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SpecIdEvent s && platformClass == s.platformClass
                    && specVersionMinor == s.specVersionMinor && specVersionMajor == s.specVersionMajor
                    && specErrata == s.specErrata && uintnSize == s.uintnSize && digestSizes.equals(s.digestSizes)
                    && Arrays.equals(vendorInfo, s.vendorInfo);
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(new Object[] {platformClass, specVersionMinor, specVersionMajor, specErrata,
                    uintnSize, digestSizes, vendorInfo});
        }
    }

    /**
     * Parses the log area (for a TD: the bytes at the CCEL table's LASA, LAML long).
     *
     * @throws MalformedEvidenceException {@link Code#MALFORMED_EVENT_LOG} naming the field and offset that is
     *                                    truncated or inconsistent
     */
    public static TcgEventLog parse(byte[] logArea) throws MalformedEvidenceException {
        Cursor c = new Cursor(logArea);
        c.u32("PCRIndex");
        long headerType = c.u32("EventType");
        if (headerType != EventTypes.EV_NO_ACTION) {
            throw c.error("EventType", c.pos - 4, "the first event must be EV_NO_ACTION (3), not 0x"
                    + Long.toHexString(headerType));
        }
        c.bytes("Digest", 20);
        long specSize = c.u32("EventSize");
        int specStart = c.pos;
        c.require("Event", specSize);
        byte[] signature = c.bytes("Signature", SPEC_ID_SIGNATURE.length);
        if (!Arrays.equals(signature, SPEC_ID_SIGNATURE)) {
            throw c.error("Signature", specStart, "is not \"Spec ID Event03\"; not a crypto-agile log");
        }
        long platformClass = c.u32("platformClass");
        int minor = c.u8("specVersionMinor");
        int major = c.u8("specVersionMajor");
        int errata = c.u8("specErrata");
        int uintnSize = c.u8("uintnSize");
        long algorithms = c.u32("numberOfAlgorithms");
        c.require("digestSizes", algorithms * 4);
        Map<Integer, Integer> sizes = new HashMap<>();
        for (long i = 0; i < algorithms; i++) {
            int alg = c.u16("algorithmId");
            int size = c.u16("digestSize");
            if (sizes.put(alg, size) != null) {
                throw c.error("algorithmId", c.pos - 4, String.format("algorithm 0x%04x listed twice", alg));
            }
        }
        int vendorSize = c.u8("vendorInfoSize");
        byte[] vendorInfo = c.bytes("vendorInfo", vendorSize);
        if (c.pos - specStart != specSize) {
            throw c.error("EventSize", specStart - 4, "says " + specSize + " bytes, the Spec ID event has "
                    + (c.pos - specStart));
        }
        SpecIdEvent specId = new SpecIdEvent(platformClass, minor, major, errata, uintnSize, sizes, vendorInfo);

        List<CcEvent> events = new ArrayList<>();
        while (c.remaining() > 0 && !c.atUnusedSpace()) {
            int start = c.pos;
            long mrIndex = c.u32("PCRIndex");
            long type = c.u32("EventType");
            long count = c.u32("Digests.count");
            c.require("Digests", count * 2);
            List<EventDigest> digests = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                int alg = c.u16("Digests.hashAlg");
                Integer size = sizes.get(alg);
                if (size == null) {
                    throw c.error("Digests.hashAlg", c.pos - 2,
                            String.format("algorithm 0x%04x is not declared in the Spec ID event", alg));
                }
                digests.add(new EventDigest(alg, c.bytes("Digests.digest", size)));
            }
            long size = c.u32("EventSize");
            byte[] data = c.bytes("Event", size);
            if (mrIndex > Integer.MAX_VALUE) {
                throw c.error("PCRIndex", start, "is 0x" + Long.toHexString(mrIndex));
            }
            events.add(new CcEvent(start, (int) mrIndex, type, digests, data));
        }
        return new TcgEventLog(specId, events, c.pos);
    }

    /** A bounds-checked little-endian cursor; every failure names the field and offset. */
    private static final class Cursor {
        private final byte[] data;
        private int pos;

        Cursor(byte[] data) {
            this.data = data;
        }

        int remaining() {
            return data.length - pos;
        }

        MalformedEvidenceException error(String field, long offset, String detail) {
            return new MalformedEvidenceException(Code.MALFORMED_EVENT_LOG, field, offset, detail);
        }

        void require(String field, long size) throws MalformedEvidenceException {
            if (size < 0 || size > remaining()) {
                throw error(field, pos, "needs " + size + " bytes, only " + remaining() + " remain");
            }
        }

        /** Firmware leaves the rest of the log area erased (all 0xFF) or zeroed: no further event starts here. */
        boolean atUnusedSpace() {
            int first = data[pos] & 0xFF;
            if (first != 0xFF && first != 0) {
                return false;
            }
            for (int i = pos; i < data.length; i++) {
                if ((data[i] & 0xFF) != first) {
                    return false;
                }
            }
            return true;
        }

        int u8(String field) throws MalformedEvidenceException {
            require(field, 1);
            return data[pos++] & 0xFF;
        }

        int u16(String field) throws MalformedEvidenceException {
            require(field, 2);
            int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8;
            pos += 2;
            return v;
        }

        long u32(String field) throws MalformedEvidenceException {
            require(field, 4);
            long v = (data[pos] & 0xFFL) | (data[pos + 1] & 0xFFL) << 8 | (data[pos + 2] & 0xFFL) << 16
                    | (data[pos + 3] & 0xFFL) << 24;
            pos += 4;
            return v;
        }

        byte[] bytes(String field, long size) throws MalformedEvidenceException {
            require(field, size);
            byte[] out = Arrays.copyOfRange(data, pos, pos + (int) size);
            pos += (int) size;
            return out;
        }
    }
}
