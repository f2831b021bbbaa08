package io.github.tdx4j.abi;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;

/**
 * The header of the TDVMCALL&lt;GetQuote&gt; shared buffer, 24 bytes, followed by the data area.
 *
 * <p>GHCI 1.5, "TDG.VP.VMCALL&lt;GetQuote&gt;" (Table "TDX GetQuote Shared Buffer"); Linux
 * {@code struct tdx_quote_buf}, QEMU {@code TDX_GET_QUOTE_HDR_SIZE}. Who writes what matters, because the VMM is
 * untrusted:
 * <ul>
 *   <li>{@code version} (u64, offset 0): the TD, always {@link #STRUCTURE_VERSION};</li>
 *   <li>{@code status} (u64, offset 8): the VMM ({@link GetQuoteStatus});</li>
 *   <li>{@code in_len} (u32, offset 16): the TD, the TDREPORT length (1024);</li>
 *   <li>{@code out_len} (u32, offset 20): the VMM, the quote length — hostile, bound it by the buffer;</li>
 *   <li>{@code data} (offset 24): the TDREPORT in, the quote out.</li>
 * </ul>
 */
public final class GetQuoteBufferLayout {
    private GetQuoteBufferLayout() {
    }

    public static final GroupLayout HEADER = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG_UNALIGNED.withName("version"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("status"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("in_len"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("out_len")).withName("tdx_quote_buf");

    public static final int VERSION_OFFSET = offset("version");
    public static final int STATUS_OFFSET = offset("status");
    public static final int IN_LEN_OFFSET = offset("in_len");
    public static final int OUT_LEN_OFFSET = offset("out_len");
    /** The data area starts right after the header: 24. */
    public static final int DATA_OFFSET = (int) HEADER.byteSize();

    /** GET_QUOTE_CMD_VER: the only structure version. */
    public static final long STRUCTURE_VERSION = 1;
    /** GET_QUOTE_BUF_SIZE in Linux since the 128 KiB increase, and QEMU's TDX_GET_QUOTE_MAX_BUF_LEN. */
    public static final int MAX_BUFFER_SIZE = 128 * 1024;
    /** QEMU's TDX_MAX_GET_QUOTE_REQUEST: requests in flight before the VMM answers RETRY. */
    public static final int MAX_REQUESTS_IN_FLIGHT = 16;

    private static int offset(String name) {
        return (int) HEADER.byteOffset(groupElement(name));
    }
}
