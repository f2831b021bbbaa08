package io.github.tdx4j.abi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** qgs_msg_lib.h version 1.1: the packed header and GetQuote messages, and the error code table. */
class QgsMessageLayoutTest {

    @Test
    @DisplayName("qgs_msg_header_t is 16 packed bytes: major 0, minor 2, type 4, size 8, error_code 12")
    void header() {
        assertThat(QgsMessageLayout.HEADER_SIZE).isEqualTo(16);
        assertThat(QgsMessageLayout.MAJOR_VERSION_OFFSET).isZero();
        assertThat(QgsMessageLayout.MINOR_VERSION_OFFSET).isEqualTo(2);
        assertThat(QgsMessageLayout.TYPE_OFFSET).isEqualTo(4);
        assertThat(QgsMessageLayout.SIZE_OFFSET).isEqualTo(8);
        assertThat(QgsMessageLayout.ERROR_CODE_OFFSET).isEqualTo(12);
    }

    @Test
    @DisplayName("GET_QUOTE_REQ: report_size 16, id_list_size 20, report at 24; GET_QUOTE_RESP: selected_id_size 16, quote_size 20, payload at 24")
    void getQuoteMessages() {
        assertThat(QgsMessageLayout.REPORT_SIZE_OFFSET).isEqualTo(16);
        assertThat(QgsMessageLayout.ID_LIST_SIZE_OFFSET).isEqualTo(20);
        assertThat(QgsMessageLayout.REQ_PAYLOAD_OFFSET).isEqualTo(24);
        assertThat(QgsMessageLayout.SELECTED_ID_SIZE_OFFSET).isEqualTo(16);
        assertThat(QgsMessageLayout.QUOTE_SIZE_OFFSET).isEqualTo(20);
        assertThat(QgsMessageLayout.RESP_PAYLOAD_OFFSET).isEqualTo(24);
        assertThat(QgsMessageLayout.REPORT_SIZE).isEqualTo(1024);
    }

    @Test
    @DisplayName("the frame length is big-endian, the message little-endian; version 1.1")
    void orders() {
        assertThat(QgsMessageLayout.FRAME_LENGTH_SIZE).isEqualTo(4);
        assertThat(QgsMessageLayout.FRAME_ORDER).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(QgsMessageLayout.MESSAGE_ORDER).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(QgsMessageLayout.MAJOR_VERSION).isEqualTo(1);
        assertThat(QgsMessageLayout.MINOR_VERSION).isEqualTo(1);
    }

    @Test
    @DisplayName("qgs_msg_error_t: 0x00012000 | 1..7, names printed; an unknown code prints in hex")
    void errorCodes() {
        assertThat(QgsErrorCode.UNEXPECTED.raw()).isEqualTo(0x12001);
        assertThat(QgsErrorCode.OUT_OF_MEMORY.raw()).isEqualTo(0x12002);
        assertThat(QgsErrorCode.INVALID_PARAMETER.raw()).isEqualTo(0x12003);
        assertThat(QgsErrorCode.INVALID_VERSION.raw()).isEqualTo(0x12004);
        assertThat(QgsErrorCode.INVALID_TYPE.raw()).isEqualTo(0x12005);
        assertThat(QgsErrorCode.INVALID_SIZE.raw()).isEqualTo(0x12006);
        assertThat(QgsErrorCode.INVALID_CODE.raw()).isEqualTo(0x12007);
        assertThat(QgsErrorCode.of(0x12003)).hasToString("QGS_MSG_ERROR_INVALID_PARAMETER");
        assertThat(QgsErrorCode.of(0xE011)).hasToString("QGS_MSG_ERROR(0xe011)");
        assertThat(QgsErrorCode.of(-1).raw()).isEqualTo(0xFFFF_FFFFL);
        assertThat(QgsMessageType.of(1)).isEqualTo(QgsMessageType.GET_QUOTE_RESP);
        assertThat(QgsMessageType.of(9)).hasToString("QGS_MSG_TYPE(0x9)");
    }
}
