package io.github.tdx4j.attest.eventlog;

import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.MalformedEvidenceException.Code;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The ACPI CCEL table (Confidential Computing Event Log, 56 bytes): where the firmware left the TD's event log.
 *
 * <p>ACPI 6.5, section 5.2.34 "CC Event Log ACPI Table": the standard 36-byte ACPI header with signature "CCEL",
 * then CC Type (u8, 2 = Intel TDX), CC Subtype (u8), Reserved (u16), Log Area Minimum Length (LAML, u64) and Log
 * Area Start Address (LASA, u64). Linux exposes it as {@code /sys/firmware/acpi/tables/CCEL} and the log area as
 * {@code /sys/firmware/acpi/tables/data/CCEL}.
 *
 * @param signature           "CCEL"
 * @param length              table length in bytes (56)
 * @param revision            table revision
 * @param checksum            checksum byte: the whole table sums to 0 mod 256
 * @param oemId               OEM id, 6 ASCII characters
 * @param oemTableId          OEM table id, 8 ASCII characters
 * @param oemRevision         OEM revision
 * @param creatorId           creator id, 4 ASCII characters
 * @param creatorRevision     creator revision
 * @param ccType              CC type: 1 = AMD SEV, 2 = Intel TDX
 * @param ccSubtype           CC subtype
 * @param reserved            the reserved u16
 * @param logAreaMinimumLength LAML, bytes reserved for the log
 * @param logAreaStartAddress LASA, guest-physical address of the log
 * @param checksumValid       whether the bytes sum to 0 mod 256
 */
public record CcelTable(String signature, long length, int revision, int checksum, String oemId, String oemTableId,
        long oemRevision, String creatorId, long creatorRevision, int ccType, int ccSubtype, int reserved,
        long logAreaMinimumLength, long logAreaStartAddress, boolean checksumValid) {
    /** Size of the table: 56. */
    public static final int SIZE = 56;
    /** CC type of Intel TDX. */
    public static final int CC_TYPE_TDX = 2;

    /**
     * Decodes the table.
     *
     * @throws MalformedEvidenceException {@link Code#MALFORMED_EVENT_LOG} if it is shorter than 56 bytes, its
     *                                    signature is not "CCEL" or its length field disagrees with its size
     */
    public static CcelTable decode(byte[] bytes) throws MalformedEvidenceException {
        if (bytes.length < SIZE) {
            throw new MalformedEvidenceException(Code.MALFORMED_EVENT_LOG, "CCEL", bytes.length,
                    "table is " + bytes.length + " bytes, needs " + SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        String signature = ascii(bytes, 0, 4);
        if (!signature.equals("CCEL")) {
            throw new MalformedEvidenceException(Code.MALFORMED_EVENT_LOG, "Signature", 0,
                    "is '" + signature + "', not 'CCEL'");
        }
        long length = Integer.toUnsignedLong(b.getInt(4));
        if (length != bytes.length) {
            throw new MalformedEvidenceException(Code.MALFORMED_EVENT_LOG, "Length", 4,
                    "says " + length + " bytes, the table has " + bytes.length);
        }
        int sum = 0;
        for (byte x : bytes) {
            sum += x;
        }
        return new CcelTable(signature, length, bytes[8] & 0xFF, bytes[9] & 0xFF, ascii(bytes, 10, 6),
                ascii(bytes, 16, 8), Integer.toUnsignedLong(b.getInt(24)), ascii(bytes, 28, 4),
                Integer.toUnsignedLong(b.getInt(32)), bytes[36] & 0xFF, bytes[37] & 0xFF, b.getShort(38) & 0xFFFF,
                b.getLong(40), b.getLong(48), (sum & 0xFF) == 0);
    }

    private static String ascii(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.US_ASCII);
    }
}
