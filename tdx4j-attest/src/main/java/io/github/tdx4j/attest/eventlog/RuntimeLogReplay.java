package io.github.tdx4j.attest.eventlog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Replays a {@link RuntimeEventLog} on top of the RTMR values the boot left (the CC event log's replay, or zeros)
 * and compares with the RTMRs a TD reports (a quote, a TDREPORT or sysfs).
 *
 * <p>Each record carries its RTMR's value just before its extend ({@code rtmr_before}). Per RTMR, in log order,
 * a record is <em>confirmed</em> when the next record's {@code rtmr_before} (or, for the last, the reported RTMR)
 * equals the running value extended by its digest, and <em>unconfirmed</em> when it equals the running value
 * unchanged: the extend never happened. Anything else means the RTMR was extended outside this log (or the log was
 * altered), and the RTMR does not match. Only confirmed records enter the running value, so when every RTMR
 * matches, the confirmed records are exactly what the RTMRs attest.
 */
public final class RuntimeLogReplay {
    private static final int SIZE = RuntimeEvent.SIZE;

    private RuntimeLogReplay() {
    }

    /**
     * The replay of one RTMR.
     *
     * @param index    0..3
     * @param matches  whether the confirmed records, on top of the boot value, give the reported RTMR
     * @param replayed the value the confirmed records give
     * @param reported the RTMR as the TD reports it
     * @param detail   why not, when it does not match; empty otherwise
     */
    public record RtmrResult(int index, boolean matches, byte[] replayed, byte[] reported, String detail) {
        public RtmrResult {
            replayed = replayed.clone();
            reported = reported.clone();
        }

        @Override
        public byte[] replayed() {
            return replayed.clone();
        }

        @Override
        public byte[] reported() {
            return reported.clone();
        }
    }

    /**
     * The whole replay.
     *
     * @param rtmrs       one result per RTMR
     * @param confirmed   records whose extend the RTMRs hold
     * @param unconfirmed records whose extend never happened (recorded, then the writer died or the extend failed)
     * @param damaged     records that could not be read
     */
    public record Result(List<RtmrResult> rtmrs, List<RuntimeEvent> confirmed, List<RuntimeEvent> unconfirmed,
                         List<RuntimeEventLog.DamagedRecord> damaged) {
        public Result {
            rtmrs = List.copyOf(rtmrs);
            confirmed = List.copyOf(confirmed);
            unconfirmed = List.copyOf(unconfirmed);
            damaged = List.copyOf(damaged);
        }

        /** Whether every RTMR matches (unconfirmed and damaged records are reported, not counted). */
        public boolean matches() {
            return rtmrs.stream().allMatch(RtmrResult::matches);
        }
    }

    /**
     * Replays the runtime log on top of the boot values and compares each RTMR with the reported one.
     *
     * @param boot     RTMR0..3 as the boot left them: {@link RtmrReplay#replay(TcgEventLog)} of the CC event log,
     *                 or four zero values when there is none
     * @param log      the runtime log
     * @param reported RTMR0..3 as the TD reports them
     */
    public static Result replay(List<byte[]> boot, RuntimeEventLog.Contents log, List<byte[]> reported) {
        Objects.requireNonNull(log, "log");
        check(boot, "boot");
        check(reported, "reported");
        List<RtmrResult> results = new ArrayList<>();
        List<RuntimeEvent> confirmed = new ArrayList<>();
        List<RuntimeEvent> unconfirmed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] running = boot.get(i).clone();
            RuntimeEvent pending = null;
            String problem = null;
            for (RuntimeEvent e : log.events()) {
                if (e.rtmr() != i) {
                    continue;
                }
                if (pending != null) {
                    byte[] extended = extend(running, pending.digest());
                    if (Arrays.equals(e.rtmrBefore(), extended)) {
                        confirmed.add(pending);
                        running = extended;
                    } else if (Arrays.equals(e.rtmrBefore(), running)) {
                        unconfirmed.add(pending);
                    } else {
                        problem = "before " + e + " RTMR" + i + " was " + hex(e.rtmrBefore()) + ", which neither "
                                + pending + " nor its absence explains: RTMR" + i + " was extended outside this log";
                        break;
                    }
                } else if (!Arrays.equals(e.rtmrBefore(), running)) {
                    problem = "before " + e + " RTMR" + i + " was " + hex(e.rtmrBefore()) + ", not the boot value "
                            + hex(running) + ": RTMR" + i + " was extended outside this log (or the boot log is "
                            + "incomplete)";
                    break;
                }
                pending = e;
            }
            byte[] actual = reported.get(i);
            if (problem == null && pending != null) {
                byte[] extended = extend(running, pending.digest());
                if (Arrays.equals(actual, extended)) {
                    confirmed.add(pending);
                    running = extended;
                } else if (Arrays.equals(actual, running)) {
                    unconfirmed.add(pending);
                } else {
                    problem = "RTMR" + i + " is " + hex(actual) + ", which neither " + pending + " nor its absence "
                            + "explains: RTMR" + i + " was extended outside this log";
                }
            } else if (problem == null && !Arrays.equals(actual, running)) {
                problem = "RTMR" + i + " is " + hex(actual) + " but the " + (pending == null ? "boot value is "
                        : "log gives ") + hex(running) + ": it was extended outside this log";
            }
            results.add(new RtmrResult(i, problem == null, running, actual, problem == null ? "" : problem));
        }
        confirmed.sort((a, b) -> Long.compare(a.recnum(), b.recnum()));
        unconfirmed.sort((a, b) -> Long.compare(a.recnum(), b.recnum()));
        return new Result(results, confirmed, unconfirmed, log.damaged());
    }

    /** Four zero RTMRs: the boot value when there is no CC event log. */
    public static List<byte[]> zeros() {
        return List.of(new byte[SIZE], new byte[SIZE], new byte[SIZE], new byte[SIZE]);
    }

    private static void check(List<byte[]> rtmrs, String what) {
        if (rtmrs.size() != 4 || rtmrs.stream().anyMatch(r -> r.length != SIZE)) {
            throw new IllegalArgumentException(what + " must be four 48-byte RTMR values");
        }
    }

    static byte[] extend(byte[] rtmr, byte[] digest) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-384");
            sha.update(rtmr);
            sha.update(digest);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-384 (java.security.MessageDigest, "Standard Algorithms").
            throw new AssertionError("SHA-384 missing from the JDK", e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b, 0, 8) + "…";
    }
}
