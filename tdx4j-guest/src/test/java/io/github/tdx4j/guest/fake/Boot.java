package io.github.tdx4j.guest.fake;

import io.github.tdx4j.call.policy.LogSink;
import io.github.tdx4j.guest.CpuidInstruction;
import io.github.tdx4j.guest.GuestConfig;
import io.github.tdx4j.guest.TdxGuest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Boots the guest services on a {@link FakeTd}. */
public final class Boot {
    private Boot() {
    }

    /** Pool used by the services in these tests: 4 MiB at 16 MiB. */
    public static final long POOL = 16L << 20;
    public static final long POOL_BYTES = 4L << 20;

    /** CPUID as a TD answers leaf 0x21: "IntelTDX    " in EBX, EDX, ECX. */
    public static final CpuidInstruction TD_CPUID = (leaf, sub) -> {
        if (leaf != 0x21) {
            return new CpuidInstruction.Result(0, 0, 0, 0);
        }
        ByteBuffer b = ByteBuffer.wrap("IntelTDX    ".getBytes(StandardCharsets.US_ASCII))
                .order(ByteOrder.LITTLE_ENDIAN);
        return new CpuidInstruction.Result(0, b.getInt(0), b.getInt(8), b.getInt(4));
    };

    public static GuestConfig config() {
        return GuestConfig.defaults(POOL, POOL_BYTES).withLog(LogSink.NONE);
    }

    /** Boots on {@code td} with the pool added and accepted. */
    public static TdxGuest boot(FakeTd td, GuestConfig config) {
        TdxGuest g = TdxGuest.boot(td, TD_CPUID, config);
        td.addPending(POOL, POOL + POOL_BYTES);
        g.acceptMemory(POOL, POOL + POOL_BYTES);
        td.calls.clear();
        return g;
    }

    public static TdxGuest boot(FakeTd td) {
        return boot(td, config());
    }
}
