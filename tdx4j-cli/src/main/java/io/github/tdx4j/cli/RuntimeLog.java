package io.github.tdx4j.cli;

import io.github.tdx4j.attest.eventlog.RtmrDevice;
import io.github.tdx4j.attest.eventlog.RtmrReplay;
import io.github.tdx4j.attest.eventlog.RuntimeEventLog;
import io.github.tdx4j.attest.eventlog.RuntimeLogReplay;
import io.github.tdx4j.attest.eventlog.TcgEventLog;
import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.guest.attest.TdAttestation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;

/**
 * The persistent runtime event log ({@link RuntimeEventLog}) as the commands use it: {@code extend} records into
 * it, {@code rtmr --replay} and {@code verify --event-log} replay it after the CC event log (CCEL) of the boot.
 *
 * <p>With {@code --simulated} each command boots a new simulated TD, so the log names a simulated TD that lives
 * across commands: the extends the simulated TD actually made are kept beside the log ({@code FILE.simulated-rtmrs},
 * written after each extend succeeds, like the TDX module's RTMRs) and made again when the next command boots it.
 */
final class RuntimeLog {
    /** Where the ACPI CCEL table's log area is on a Linux TD (drivers/acpi/tables.c exposes table data there). */
    static final Path CCEL_DATA = Path.of("/sys/firmware/acpi/tables/data/CCEL");

    /** A state file has one line of 99 bytes per extend; a runtime event log holds far fewer extends than this. */
    static final int MAX_STATE_SIZE = 4 << 20;

    private RuntimeLog() {
    }

    /** The file beside {@code log} that keeps a simulated TD's extends. */
    static Path simulatedState(Path log) {
        return log.resolveSibling(log.getFileName() + ".simulated-rtmrs");
    }

    /** Makes again, on a freshly booted simulated TD, the extends the log's simulated TD made before. */
    static void restoreSimulated(TdAttestation att, Path log) throws IOException {
        Path state = simulatedState(log);
        if (!Files.exists(state, LinkOption.NOFOLLOW_LINKS) && !Files.exists(state)) {
            return;
        }
        byte[] bytes;
        try {
            bytes = CliFiles.read(state, MAX_STATE_SIZE, "a simulated TD's state");
        } catch (CliFiles.FileFailure e) {
            throw new IOException(e.getMessage() + ".", e);
        }
        // ISO-8859-1 maps every byte to one character, so a damaged (binary) file is reported by the line check
        // below rather than by a decoder's "Input length = 1".
        for (String line : new String(bytes, StandardCharsets.ISO_8859_1).lines().toList()) {
            String[] f = line.split(" ");
            int index;
            byte[] digest;
            try {
                index = f.length == 2 ? Integer.parseInt(f[0]) : -1;
                digest = f.length == 2 ? HexFormat.of().parseHex(f[1]) : new byte[0];
            } catch (IllegalArgumentException e) {
                index = -1;
                digest = new byte[0];
            }
            if (index < 0 || index > 3 || digest.length != 48) {
                String shown = line.length() <= 40 && line.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? line
                        : line.substring(0, Math.min(line.length(), 40)).replaceAll("[^\\x20-\\x7e]", "?") + "…";
                throw new IOException(CliPaths.show(state) + " is damaged at '" + shown + "': remove it with its log "
                        + "to start a new simulated TD.");
            }
            att.extendRtmr(index, digest, "restored simulated TD state");
        }
    }

    /**
     * The backend's RTMRs as an {@link RtmrDevice}; on a simulated TD each successful extend is also kept in the
     * state file of {@code log}.
     */
    static RtmrDevice device(TdAttestation att, Path log, boolean simulated, String description) {
        return new RtmrDevice() {
            @Override
            public byte[] read(int index) {
                return att.rtmrs().get(index);
            }

            @Override
            public void extend(int index, byte[] digest) {
                att.extendRtmr(index, digest, description);
                if (simulated) {
                    try {
                        Files.writeString(simulatedState(log), index + " " + HexFormat.of().formatHex(digest) + "\n",
                                StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot keep the simulated TD's state in "
                                + simulatedState(log), e);
                    }
                }
            }
        };
    }

    /**
     * The records of the runtime event log {@code log} (a missing file is an empty log).
     *
     * @throws IOException one sentence naming the log, if it is a directory or cannot be read
     */
    static RuntimeEventLog.Contents read(Path log) throws IOException {
        return read(log, false);
    }

    /**
     * As {@link #read(Path)}; with {@code mustExist} a missing file is an error (a relying party named a log that is
     * not there, most likely a typo) instead of an empty log (a TD that has not extended yet).
     */
    static RuntimeEventLog.Contents read(Path log, boolean mustExist) throws IOException {
        String name = "the runtime event log " + CliPaths.show(log);
        if (Files.isDirectory(log)) {
            throw new IOException("cannot read " + name + " (it is a directory).");
        }
        if (mustExist && !Files.exists(log)) {
            throw new IOException("cannot read " + name + " (no such file or directory).");
        }
        try {
            return RuntimeEventLog.at(log).read();
        } catch (IOException e) {
            String why = CliFiles.reason(e);
            String path = log.toString();
            // RuntimeEventLog's own sentences start with the file's name, which this one already gives
            if (why.startsWith(path + " ")) {
                why = "it " + why.substring(path.length() + 1); // "it is larger than 67108864 bytes"
            }
            throw new IOException("cannot read " + name + " (" + why + ").", e);
        }
    }

    /**
     * RTMR0..3 as the boot left them: the replay of the CCEL log area in {@code ccel}, or zeros when {@code ccel} is
     * null.
     *
     * @throws IOException if the file cannot be read or is not a TCG event log
     */
    static List<byte[]> bootValues(Path ccel) throws IOException {
        if (ccel == null) {
            return RuntimeLogReplay.zeros();
        }
        byte[] bytes;
        try {
            bytes = CliFiles.read(ccel);
        } catch (CliFiles.FileFailure e) {
            throw new IOException(e.getMessage() + ".", e);
        }
        try {
            return RtmrReplay.replay(TcgEventLog.parse(bytes));
        } catch (MalformedEvidenceException e) {
            throw new IOException(ccel + " is not a CC event log: " + e.getMessage() + ".", e);
        }
    }
}
