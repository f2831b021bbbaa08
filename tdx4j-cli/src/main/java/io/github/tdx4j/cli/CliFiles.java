package io.github.tdx4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The files named on the command line, read with a size bound and written, failing with one sentence that names the
 * file and the reason. The bound is applied while reading, not from the file's size: a device such as /dev/zero,
 * a /proc file or a named pipe reports size 0 and would otherwise be read until the heap is exhausted.
 */
final class CliFiles {
    /** Evidence files are kilobytes; a CCEL log area is 256 KiB. Anything above this is not attestation input. */
    static final int MAX_INPUT_SIZE = 16 * 1024 * 1024;

    private CliFiles() {
    }

    /** A file that cannot be read or written; the message is a sentence fragment such as "cannot read F (no such file)". */
    static final class FileFailure extends Exception {
        private static final long serialVersionUID = 1L;

        FileFailure(String message) {
            super(message);
        }
    }

    /** The whole content of {@code file}, at most {@link #MAX_INPUT_SIZE} bytes. */
    static byte[] read(Path file) throws FileFailure {
        return read(file, MAX_INPUT_SIZE, "attestation evidence");
    }

    /**
     * The whole content of {@code file}, at most {@code maxSize} bytes.
     *
     * @param what what the file should hold, for the message when it is larger ("a tape file")
     */
    static byte[] read(Path file, int maxSize, String what) throws FileFailure {
        if (Files.isDirectory(file)) {
            throw new FileFailure("cannot read " + CliPaths.show(file) + " (it is a directory)");
        }
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(maxSize + 1);
        } catch (IOException e) {
            throw new FileFailure("cannot read " + CliPaths.show(file) + " (" + reason(e) + ")");
        }
        if (content.length > maxSize) {
            throw new FileFailure(CliPaths.show(file) + " is larger than " + maxSize + " bytes, too large for " + what);
        }
        return content;
    }

    /** Writes {@code bytes} to {@code file}, replacing it. */
    static void write(Path file, byte[] bytes) throws FileFailure {
        if (Files.isDirectory(file)) {
            throw new FileFailure("cannot write " + CliPaths.show(file) + " (it is a directory)");
        }
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new FileFailure("cannot write " + CliPaths.show(file) + " (" + reason(e) + ")");
        }
    }

    /** The reason of an I/O failure as a short lowercase phrase, without the path the caller already names. */
    static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException _ -> "no such file or directory";
            case AccessDeniedException _ -> "permission denied";
            case FileSystemException f when f.getReason() != null -> lowerFirst(f.getReason());
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : lowerFirst(e.getMessage());
        };
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }
}
