package io.github.tdx4j.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The header and TD quote body of a DCAP quote, parsed for display only (the verification module checks
 * signatures and collateral). Intel SGX/TDX DCAP {@code sgx_quote_4.h} / {@code sgx_quote_5.h}: a 48-byte header,
 * then the body at 48 (v4) or after a 6-byte body descriptor at 54 (v5).
 */
final class QuoteView {
    static final int HEADER_SIZE = 48;
    /** TD quote body offsets (TDX 1.0 body; the 1.5 body appends TEE_TCB_SVN_2 and MRSERVICETD). */
    static final int TEE_TCB_SVN = 0;
    static final int MRSEAM = 16;
    static final int TD_ATTRIBUTES = 120;
    static final int XFAM = 128;
    static final int MRTD = 136;
    static final int RTMR0 = 328;
    static final int REPORTDATA = 520;
    static final int BODY_V4_SIZE = 584;

    private QuoteView() {
    }

    /** Offset of the TD quote body, or -1 if the bytes are too short or not a v4/v5 TDX quote. */
    static int bodyOffset(byte[] q) {
        if (q.length < HEADER_SIZE + 6) {
            return -1;
        }
        int version = u16(q, 0);
        int body = version == 4 ? HEADER_SIZE : version == 5 ? HEADER_SIZE + 6 : -1;
        return body >= 0 && q.length >= body + BODY_V4_SIZE ? body : -1;
    }

    /** The parsed fields, in order, as strings (hex for byte fields). */
    static Map<String, String> fields(byte[] q) {
        HexFormat hex = HexFormat.of();
        Map<String, String> m = new LinkedHashMap<>();
        int body = bodyOffset(q);
        if (body < 0) {
            m.put("error", "not a v4/v5 TDX quote (" + q.length + " bytes)");
            return m;
        }
        m.put("version", Integer.toString(u16(q, 0)));
        m.put("attestationKeyType", Integer.toString(u16(q, 2)));
        m.put("teeType", String.format("0x%x", ByteBuffer.wrap(q, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()));
        m.put("qeVendorId", hex.formatHex(q, 12, 28));
        if (u16(q, 0) == 5) {
            m.put("bodyType", Integer.toString(u16(q, HEADER_SIZE)));
        }
        m.put("teeTcbSvn", hex.formatHex(q, body + TEE_TCB_SVN, body + TEE_TCB_SVN + 16));
        m.put("mrSeam", hex.formatHex(q, body + MRSEAM, body + MRSEAM + 48));
        m.put("tdAttributes", hex.formatHex(q, body + TD_ATTRIBUTES, body + TD_ATTRIBUTES + 8));
        m.put("xfam", hex.formatHex(q, body + XFAM, body + XFAM + 8));
        m.put("mrTd", hex.formatHex(q, body + MRTD, body + MRTD + 48));
        for (int i = 0; i < 4; i++) {
            int o = body + RTMR0 + 48 * i;
            m.put("rtmr" + i, hex.formatHex(q, o, o + 48));
        }
        m.put("reportData", hex.formatHex(q, body + REPORTDATA, body + REPORTDATA + 64));
        int sigLenAt = body + (u16(q, 0) == 5 ? u32(q, HEADER_SIZE + 2) : BODY_V4_SIZE);
        if (q.length >= sigLenAt + 4) {
            m.put("signatureDataLength", Long.toString(u32(q, sigLenAt) & 0xFFFF_FFFFL));
        }
        return m;
    }

    /** The body's field at {@code offset} of {@code length} bytes, or null. */
    static byte[] bodyField(byte[] q, int offset, int length) {
        int body = bodyOffset(q);
        return body < 0 ? null : Arrays.copyOfRange(q, body + offset, body + offset + length);
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    private static int u32(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }
}
