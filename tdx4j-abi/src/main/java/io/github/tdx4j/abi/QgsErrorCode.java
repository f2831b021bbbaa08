package io.github.tdx4j.abi;

import java.util.Optional;

/**
 * The {@code error_code} field of a QGS response header ({@link QgsMessageLayout}); qgs_msg_lib.h,
 * {@code qgs_msg_error_t}: {@link #SUCCESS} or {@code 0x00012000 | n}. A QGS also passes on errors of the quote
 * library behind it in this field, so the type is open: any u32 decodes and prints, unknown ones in hex.
 *
 * @param raw the u32 field, as an unsigned value
 */
public record QgsErrorCode(long raw) {
    private static final CodeNames NAMES = new CodeNames("QGS_MSG_ERROR");

    public static final QgsErrorCode SUCCESS = define(0, "QGS_MSG_SUCCESS");
    public static final QgsErrorCode UNEXPECTED = define(0x0001_2001L, "QGS_MSG_ERROR_UNEXPECTED");
    public static final QgsErrorCode OUT_OF_MEMORY = define(0x0001_2002L, "QGS_MSG_ERROR_OUT_OF_MEMORY");
    public static final QgsErrorCode INVALID_PARAMETER = define(0x0001_2003L, "QGS_MSG_ERROR_INVALID_PARAMETER");
    public static final QgsErrorCode INVALID_VERSION = define(0x0001_2004L, "QGS_MSG_ERROR_INVALID_VERSION");
    public static final QgsErrorCode INVALID_TYPE = define(0x0001_2005L, "QGS_MSG_ERROR_INVALID_TYPE");
    public static final QgsErrorCode INVALID_SIZE = define(0x0001_2006L, "QGS_MSG_ERROR_INVALID_SIZE");
    public static final QgsErrorCode INVALID_CODE = define(0x0001_2007L, "QGS_MSG_ERROR_INVALID_CODE");

    private static QgsErrorCode define(long raw, String name) {
        NAMES.define(raw, name);
        return new QgsErrorCode(raw);
    }

    /** The code in a header's u32 field. */
    public static QgsErrorCode of(int field) {
        return new QgsErrorCode(Integer.toUnsignedLong(field));
    }

    public boolean isSuccess() {
        return raw == 0;
    }

    public Optional<String> specName() {
        return NAMES.name(raw);
    }

    @Override
    public String toString() {
        return NAMES.describe(raw);
    }
}
