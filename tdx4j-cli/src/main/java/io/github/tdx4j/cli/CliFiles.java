package io.github.tdx4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

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

    /**
     * Writes {@code bytes} to {@code file}, replacing it as a whole: the bytes go to a new file beside it, which is
     * then renamed over it, so a write that fails (a full disk, a killed process) leaves the old file as it was and
     * never a part of the new one. A file that is not a regular file (a device such as /dev/stdout, a pipe) is
     * written directly; a symbolic link is followed, and the file it names is replaced.
     */
    static void write(Path file, byte[] bytes) throws FileFailure {
        Outputs outputs = new Outputs();
        outputs.stage(file, bytes);
        outputs.commit();
    }

    /**
     * The output files of one command, written together: {@link #stage} writes each to a new file beside its target,
     * {@link #commit} renames them all over their targets. A command that fails before or while staging (an
     * unwritable folder for its second file) leaves none of its targets changed, and no staged file behind.
     */
    static final class Outputs {
        private static final AtomicLong SEQUENCE = new AtomicLong();

        private record Staged(Path shown, Path target, Path part) {
        }

        private final List<Staged> staged = new ArrayList<>();

        /** Writes {@code bytes} beside {@code file}, or fails naming {@code file}; on failure nothing staged is left. */
        void stage(Path file, byte[] bytes) throws FileFailure {
            try {
                stageOrFail(file, bytes);
            } catch (FileFailure e) {
                discard();
                throw e;
            }
        }

        private void stageOrFail(Path file, byte[] bytes) throws FileFailure {
            if (Files.isDirectory(file)) {
                throw new FileFailure("cannot write " + CliPaths.show(file) + " (it is a directory)");
            }
            Path target = file;
            if (Files.isSymbolicLink(file)) {
                try {
                    target = file.toRealPath();
                } catch (IOException e) {
                    writeDirectly(file, bytes); // a link to nothing: written through, creating the file it names
                    return;
                }
            }
            if (Files.exists(target) && !Files.isRegularFile(target)) {
                writeDirectly(file, bytes);
                return;
            }
            if (Files.exists(target) && !Files.isWritable(target)) {
                throw new FileFailure("cannot write " + CliPaths.show(file) + " (permission denied)");
            }
            Path part = target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".tdx4j-"
                    + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + ".part");
            try {
                Files.write(part, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (IOException e) {
                deleteQuietly(part);
                throw new FileFailure("cannot write " + CliPaths.show(file) + " (" + reason(e) + ")");
            }
            staged.add(new Staged(file, target, part));
        }

        private static void writeDirectly(Path file, byte[] bytes) throws FileFailure {
            try {
                Files.write(file, bytes);
            } catch (IOException e) {
                throw new FileFailure("cannot write " + CliPaths.show(file) + " (" + reason(e) + ")");
            }
        }

        /** Renames every staged file over its target. */
        void commit() throws FileFailure {
            for (int i = 0; i < staged.size(); i++) {
                Staged s = staged.get(i);
                try {
                    Files.move(s.part(), s.target(), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    for (Staged rest : staged.subList(i, staged.size())) {
                        deleteQuietly(rest.part());
                    }
                    staged.clear();
                    throw new FileFailure("cannot write " + CliPaths.show(s.shown()) + " (" + reason(e) + ")");
                }
            }
            staged.clear();
        }

        /** Removes every staged file; the targets stay as they were. */
        void discard() {
            for (Staged s : staged) {
                deleteQuietly(s.part());
            }
            staged.clear();
        }

        private static void deleteQuietly(Path p) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // nothing more to do: the staged file is named .NAME.tdx4j-PID-N.part beside its target
            }
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
