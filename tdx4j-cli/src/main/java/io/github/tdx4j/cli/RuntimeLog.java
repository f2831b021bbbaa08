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
import java.nio.file.NoSuchFileException;
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

    private RuntimeLog() {
    }

    /** The file beside {@code log} that keeps a simulated TD's extends. */
    static Path simulatedState(Path log) {
        return log.resolveSibling(log.getFileName() + ".simulated-rtmrs");
    }

    /** Makes again, on a freshly booted simulated TD, the extends the log's simulated TD made before. */
    static void restoreSimulated(TdAttestation att, Path log) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(simulatedState(log), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return;
        }
        for (String line : lines) {
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
                throw new IOException(simulatedState(log) + " is damaged at '" + line + "': remove it with its log "
                        + "to start a new simulated TD");
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
