package io.github.tdx4j.abi;

import java.util.Optional;

/**
 * The status word of the GetQuote shared buffer (offset 8), written by the VMM.
 *
 * <p>GHCI 1.5, "TDG.VP.VMCALL&lt;GetQuote&gt;" (Table "TDX GetQuote Status Code"); values as in Linux
 * {@code drivers/virt/coco/tdx-guest/tdx-guest.c} and QEMU {@code tdx-quote-generator.h}. VMM-written, so
 * open: only {@link #SUCCESS} is success, {@link #IN_FLIGHT} means "not yet", anything else is a failure.
 *
 * @param raw the 64-bit status field
 */
public record GetQuoteStatus(long raw) {
    private static final CodeNames NAMES = new CodeNames("GET_QUOTE_STATUS");

    /** GET_QUOTE_SUCCESS: the quote is in the buffer, {@code out_len} bytes. */
    public static final GetQuoteStatus SUCCESS = define(0L, "GET_QUOTE_SUCCESS");
    /** GET_QUOTE_IN_FLIGHT: the VMM owns the buffer; the request is being served. */
    public static final GetQuoteStatus IN_FLIGHT = define(0xFFFF_FFFF_FFFF_FFFFL, "GET_QUOTE_IN_FLIGHT");
    /** GET_QUOTE_ERROR: quote generation failed. */
    public static final GetQuoteStatus ERROR = define(0x8000_0000_0000_0000L, "GET_QUOTE_ERROR");
    /** GET_QUOTE_SERVICE_UNAVAILABLE (QEMU: QGS_UNAVAILABLE): no quote generation service is configured. */
    public static final GetQuoteStatus SERVICE_UNAVAILABLE = define(0x8000_0000_0000_0001L, "GET_QUOTE_SERVICE_UNAVAILABLE");

    private static GetQuoteStatus define(long raw, String name) {
        NAMES.define(raw, name);
        return new GetQuoteStatus(raw);
    }

    public boolean isSuccess() {
        return raw == 0;
    }

    public boolean isInFlight() {
        return raw == -1L;
    }

    public Optional<String> specName() {
        return NAMES.name(raw);
    }

    @Override
    public String toString() {
        return NAMES.describe(raw);
    }
}
