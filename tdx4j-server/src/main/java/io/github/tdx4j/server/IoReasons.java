package io.github.tdx4j.server;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Why a file named in the configuration cannot be read, as a short lowercase phrase without the path (the message
 * names the file itself): the JDK's messages for these are the bare path ({@code NoSuchFileException}) or carry the
 * path twice.
 */
final class IoReasons {
    private IoReasons() {
    }

    static String of(IOException e) {
        return switch (e) {
            case NoSuchFileException _ -> "no such file or directory";
            case AccessDeniedException _ -> "permission denied";
            case FileSystemException f when f.getReason() != null -> lowerFirst(f.getReason());
            case java.nio.charset.CharacterCodingException _ -> "it is not text";
            default -> e.getMessage() == null ? "an I/O error" : lowerFirst(e.getMessage());
        };
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }
}
