package io.github.tdx4j.campaign;

import io.github.tdx4j.call.platform.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Canaries: values no legitimate register or buffer holds, planted in registers and a private page, so that any the
 * VMM sees, or finds in shared memory, a quote or a log line, is a leak ({@link Oracle#LEAK}).
 */
final class Canaries {
    private Canaries() {
    }

    static long canary(int where) {
        return CampaignRun.CANARY_PREFIX | where;
    }

    static boolean isCanary(long v) {
        return (v & CampaignRun.CANARY_MASK) == CampaignRun.CANARY_PREFIX;
    }

    static void plantPrivateCanaries(CampaignRun run) {
        // One page write instead of 512 8-byte writes: the simulator checks the page once, not 4,096 times.
        run.td.memory().write(CampaignRun.STACK_GPA, CANARY_PAGE);
    }

    /** The stack page's content: 512 little-endian canaries, slot i naming where 0x80 | (i & 0x3F). */
    private static final byte[] CANARY_PAGE = canaryPage();

    private static byte[] canaryPage() {
        ByteBuffer b = ByteBuffer.allocate(GuestMemory.PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < GuestMemory.PAGE_SIZE / Long.BYTES; i++) {
            b.putLong(canary(0x80 | (i & 0x3F)));
        }
        return b.array();
    }

    /** Canaries are planted 8-byte aligned and every copy the guest makes keeps that alignment; scan by 8. */
    static void scanForCanaries(CampaignRun run, byte[] b, String where) {
        for (int i = 0; i + 8 <= b.length; i += 8) {
            long v = 0;
            for (int j = 7; j >= 0; j--) {
                v = (v << 8) | (b[i + j] & 0xFF);
            }
            if (isCanary(v)) {
                run.violation(Oracle.LEAK, "canary 0x" + Long.toHexString(v) + " in " + where + " at offset " + i);
                return;
            }
        }
    }
}
