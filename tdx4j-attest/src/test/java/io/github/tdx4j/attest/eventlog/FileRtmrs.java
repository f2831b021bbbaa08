package io.github.tdx4j.attest.eventlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Four RTMRs kept in files, shared by processes: the TD's RTMRs for a test. An extend is atomic as the TDX module's
 * is: the new value is written to a temporary file and renamed over the old one.
 */
final class FileRtmrs implements RtmrDevice {
    private final Path dir;

    FileRtmrs(Path dir) {
        this.dir = dir;
    }

    private Path file(int index) {
        return dir.resolve("rtmr" + index);
    }

    @Override
    public byte[] read(int index) {
        try {
            Path f = file(index);
            return Files.exists(f) ? Files.readAllBytes(f) : new byte[48];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void extend(int index, byte[] digest) {
        try {
            Path tmp = dir.resolve("rtmr" + index + ".tmp" + ProcessHandle.current().pid());
            Files.write(tmp, RuntimeLogReplay.extend(read(index), digest));
            Files.move(tmp, file(index), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
