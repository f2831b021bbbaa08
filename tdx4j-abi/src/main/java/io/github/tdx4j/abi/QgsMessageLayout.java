package io.github.tdx4j.abi;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The messages of Intel's Quote Generation Service (QGS), protocol version 1.1, and their transport framing.
 *
 * <p>Source: intel/SGXDataCenterAttestationPrimitives, QuoteGeneration/quote_wrapper/qgs_msg_lib/inc/qgs_msg_lib.h
 * ({@code qgs_msg_header_t}, {@code qgs_msg_get_quote_req_t}, {@code qgs_msg_get_quote_resp_t}), as QEMU
 * (target/i386/kvm/tdx-quote-generator.c) and libtdx_attest (tdx_attest.c, {@code vsock_get_quote_payload}) use it.
 *
 * <p>On a stream (vsock or a UNIX socket) every message is preceded by its length as a 4-byte <em>big-endian</em>
 * integer ({@link #FRAME_LENGTH_SIZE}); the message itself is packed and <em>little-endian</em>:
 * <ul>
 *   <li>header, 16 bytes: {@code major_version} u16 = 1, {@code minor_version} u16 = 1, {@code type} u32
 *       ({@link QgsMessageType}), {@code size} u32 (the whole message, header included), {@code error_code} u32
 *       ({@link QgsErrorCode}; 0 in requests);</li>
 *   <li>GET_QUOTE_REQ body: {@code report_size} u32 (1024, never 0), {@code id_list_size} u32 (0, or 16 per
 *       attestation key id), then the TDREPORT and the id list;</li>
 *   <li>GET_QUOTE_RESP body: {@code selected_id_size} u32 (0 when the request named no id), {@code quote_size}
 *       u32, then the selected id and the quote.</li>
 * </ul>
 */
public final class QgsMessageLayout {
    private QgsMessageLayout() {
    }

    /** Byte order of the 4-byte frame length on the stream. */
    public static final ByteOrder FRAME_ORDER = ByteOrder.BIG_ENDIAN;
    /** Byte order of every field inside a message. */
    public static final ByteOrder MESSAGE_ORDER = ByteOrder.LITTLE_ENDIAN;
    /** The frame length prefix: 4 bytes. */
    public static final int FRAME_LENGTH_SIZE = 4;

    /** {@code qgs_msg_header_t}. */
    public static final GroupLayout HEADER = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT_UNALIGNED.withName("major_version"),
            ValueLayout.JAVA_SHORT_UNALIGNED.withName("minor_version"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("type"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("size"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("error_code")).withName("qgs_msg_header_t");

    public static final int MAJOR_VERSION_OFFSET = offset(HEADER, "major_version");
    public static final int MINOR_VERSION_OFFSET = offset(HEADER, "minor_version");
    public static final int TYPE_OFFSET = offset(HEADER, "type");
    public static final int SIZE_OFFSET = offset(HEADER, "size");
    public static final int ERROR_CODE_OFFSET = offset(HEADER, "error_code");
    /** 16. */
    public static final int HEADER_SIZE = (int) HEADER.byteSize();

    /** {@code qgs_msg_get_quote_req_t}: the header, then the two sizes; the report and id list follow. */
    public static final GroupLayout GET_QUOTE_REQ = MemoryLayout.structLayout(
            HEADER.withName("header"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("report_size"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("id_list_size")).withName("qgs_msg_get_quote_req_t");

    public static final int REPORT_SIZE_OFFSET = offset(GET_QUOTE_REQ, "report_size");
    public static final int ID_LIST_SIZE_OFFSET = offset(GET_QUOTE_REQ, "id_list_size");
    /** Where the TDREPORT starts in a GET_QUOTE_REQ: 24. */
    public static final int REQ_PAYLOAD_OFFSET = (int) GET_QUOTE_REQ.byteSize();

    /** {@code qgs_msg_get_quote_resp_t}: the header, then the two sizes; the selected id and quote follow. */
    public static final GroupLayout GET_QUOTE_RESP = MemoryLayout.structLayout(
            HEADER.withName("header"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("selected_id_size"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("quote_size")).withName("qgs_msg_get_quote_resp_t");

    public static final int SELECTED_ID_SIZE_OFFSET = offset(GET_QUOTE_RESP, "selected_id_size");
    public static final int QUOTE_SIZE_OFFSET = offset(GET_QUOTE_RESP, "quote_size");
    /** Where the selected id (then the quote) starts in a GET_QUOTE_RESP: 24. */
    public static final int RESP_PAYLOAD_OFFSET = (int) GET_QUOTE_RESP.byteSize();

    /** QGS_MSG_LIB_MAJOR_VER. */
    public static final int MAJOR_VERSION = 1;
    /** QGS_MSG_LIB_MINOR_VER: 1.1 is the version QEMU and libtdx_attest send and accept. */
    public static final int MINOR_VERSION = 1;
    /** The size of a TDREPORT_STRUCT, the only report a TD sends. */
    public static final int REPORT_SIZE = TdReportLayout.SIZE;
    /** An attestation key id (a UUID) in the id lists: 16 bytes. */
    public static final int ATT_KEY_ID_SIZE = 16;

    private static int offset(GroupLayout layout, String name) {
        return (int) layout.byteOffset(groupElement(name));
    }
}
