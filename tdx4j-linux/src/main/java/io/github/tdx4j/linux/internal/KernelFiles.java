package io.github.tdx4j.linux.internal;

/**
 * The kernel files the Linux backend touches, as paths relative to a root ("/" on a real machine, a temporary
 * folder in tests). The backend does all file access through this interface, so tests can run it against a fake
 * tree and inject what the kernel would do (EBUSY, a concurrent writer, an empty outblob).
 *
 * <p>Every failing call throws {@link KernelFileException} with the kernel's errno.
 */
public interface KernelFiles {
    /** How {@code relative} appears to the user in messages: {@code /dev/tdx_guest} on a real machine. */
    String display(String relative);

    /** Whether the file or directory exists (no errno: used by diagnostics only). */
    boolean exists(String relative);

    /** The whole file, at most {@code limit} bytes (EFBIG beyond). */
    byte[] read(String relative, int limit) throws KernelFileException;

    /**
     * Opens for writing, makes one {@code write(2)} of {@code data} and closes; returns the byte count
     * {@code write(2)} reported. A failing close fails the call too. (configfs commits a binary attribute at close
     * but ignores the commit's result, so callers of configfs check the effect, not just this call.)
     */
    int write(String relative, byte[] data) throws KernelFileException;

    void mkdir(String relative) throws KernelFileException;

    void rmdir(String relative) throws KernelFileException;

    /** Opens the device read-write, issues TDX_CMD_GET_REPORT0 with {@code reportData} and returns TDREPORT_STRUCT. */
    byte[] getReport0(String relative, byte[] reportData) throws KernelFileException;

    /** Opens the device read-write and closes it again: the permission check diagnostics make. */
    void probeOpen(String relative) throws KernelFileException;
}
