package io.github.tdx4j.campaign;

import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.call.platform.GuestMemory;
import io.github.tdx4j.guest.attest.GuestAttestation;
import io.github.tdx4j.guest.memory.SharedBuffer;
import io.github.tdx4j.sim.vmm.HostMemory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The oracles checked once a run has ended: canaries in shared pages and log lines ({@link Oracle#LEAK}), pages the
 * host holds shared that the guest believes private ({@link Oracle#CORRUPTION}), the log volume
 * ({@link LogVolumeOracle}) and the RTMR event log's replay.
 */
final class EndOfRun {
    private EndOfRun() {
    }

    static void finish(CampaignRun run) {
        run.op = "end of run";
        HostMemory host = run.td.host().memory();
        long poolEnd = CampaignRun.POOL_GPA + CampaignRun.POOL_BYTES;
        for (long g = CampaignRun.POOL_GPA; g < poolEnd; g += GuestMemory.PAGE_SIZE) {
            boolean hostShared = host.isShared(g);
            if (hostShared) {
                for (long a = g; a < g + GuestMemory.PAGE_SIZE; a += 8) {
                    if (Canaries.isCanary(host.readLong(a))) {
                        run.violation(Oracle.LEAK, "canary in shared page 0x" + Long.toHexString(a));
                        break;
                    }
                }
            }
            // After a panic the TD is gone and no page is ever used again; otherwise pages in an unknown state must be
            // quarantined (GuestPages: never handed out again).
            if (!run.dead && run.guest != null && hostShared && !believedShared(run, g)
                    && !run.guest.pages().isQuarantined(g)) {
                run.violation(Oracle.CORRUPTION, String.format("page 0x%x is shared but the guest believes it private "
                        + "and did not quarantine it", g));
            }
        }
        for (String line : run.logLines) {
            if (line.toLowerCase(Locale.ROOT).contains(CampaignRun.CANARY_HEX)) {
                run.violation(Oracle.LEAK, "canary in log line: " + line);
            }
        }
        LogVolumeOracle.check(run);
        if (run.guest != null && !run.td.isStopped()) {
            List<byte[]> replayed = GuestAttestation.replay(run.guest.attestation().eventLog());
            for (int i = 0; i < TdReportLayout.RTMR_COUNT; i++) {
                if (!Arrays.equals(replayed.get(i), run.td.rtmr(i))) {
                    run.violation(Oracle.CORRUPTION, "the RTMR event log does not replay to RTMR" + i);
                }
            }
        }
        run.adv.trace("end", run.violations.size());
    }

    private static boolean believedShared(CampaignRun run, long gpa) {
        for (SharedBuffer b : run.shared) {
            if (gpa >= b.gpa() && gpa < b.gpa() + b.bytes()) {
                return true;
            }
        }
        for (long[] q : run.quoteBuffers) {
            if (gpa >= q[0] && gpa < q[1]) {
                return true;
            }
        }
        return false;
    }
}
