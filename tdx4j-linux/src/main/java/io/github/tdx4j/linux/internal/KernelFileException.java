package io.github.tdx4j.linux.internal;

import java.io.IOException;
import java.util.Objects;

/**
 * A system call on a kernel file failed with {@link #errno()}. Internal: the backend turns every one into an
 * {@link io.github.tdx4j.guest.attest.AttestationException} that says what the user can do.
 */
public final class KernelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Errno errno;
    private final String operation;
    private final String path;

    /**
     * @param errno     what the kernel returned
     * @param operation the system call, e.g. {@code open}, {@code write}, {@code ioctl(TDX_CMD_GET_REPORT0)}
     * @param path      the file, as the user would type it
     */
    public KernelFileException(Errno errno, String operation, String path) {
        super(operation + " " + path + ": " + errno);
        this.errno = Objects.requireNonNull(errno, "errno");
        this.operation = operation;
        this.path = path;
    }

    public Errno errno() {
        return errno;
    }

    public String operation() {
        return operation;
    }

    public String path() {
        return path;
    }
}
