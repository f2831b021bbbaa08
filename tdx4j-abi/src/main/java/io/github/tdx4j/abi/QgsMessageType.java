package io.github.tdx4j.abi;

import java.util.Optional;

/**
 * The {@code type} field of a QGS message header ({@link QgsMessageLayout}); qgs_msg_lib.h, {@code qgs_msg_type_t}.
 * Received from the host, so open: any value decodes and prints.
 *
 * @param raw the u32 field, as an unsigned value
 */
public record QgsMessageType(long raw) {
    private static final CodeNames NAMES = new CodeNames("QGS_MSG_TYPE");

    public static final QgsMessageType GET_QUOTE_REQ = define(0, "GET_QUOTE_REQ");
    public static final QgsMessageType GET_QUOTE_RESP = define(1, "GET_QUOTE_RESP");
    public static final QgsMessageType GET_COLLATERAL_REQ = define(2, "GET_COLLATERAL_REQ");
    public static final QgsMessageType GET_COLLATERAL_RESP = define(3, "GET_COLLATERAL_RESP");
    public static final QgsMessageType GET_PLATFORM_INFO_REQ = define(4, "GET_PLATFORM_INFO_REQ");
    public static final QgsMessageType GET_PLATFORM_INFO_RESP = define(5, "GET_PLATFORM_INFO_RESP");

    private static QgsMessageType define(long raw, String name) {
        NAMES.define(raw, name);
        return new QgsMessageType(raw);
    }

    /** The type in a header's u32 field. */
    public static QgsMessageType of(int field) {
        return new QgsMessageType(Integer.toUnsignedLong(field));
    }

    public Optional<String> specName() {
        return NAMES.name(raw);
    }

    @Override
    public String toString() {
        return NAMES.describe(raw);
    }
}
