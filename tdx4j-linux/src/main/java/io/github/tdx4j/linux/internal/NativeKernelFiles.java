package io.github.tdx4j.linux.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** {@link KernelFiles} on the real kernel, through {@link LinuxSyscalls}, under a root directory. */
public final class NativeKernelFiles implements KernelFiles {
    private final Path root;

    /** @param root "/" on a TD; another directory serves a tree that looks like one */
    public NativeKernelFiles(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath();
    }

    private String path(String relative) {
        return root.resolve(relative).toString();
    }

    @Override
    public String display(String relative) {
        return path(relative);
    }

    @Override
    public boolean exists(String relative) {
        return Files.exists(root.resolve(relative));
    }

    @Override
    public byte[] read(String relative, int limit) throws KernelFileException {
        String p = path(relative);
        int fd = LinuxSyscalls.open(p, LinuxSyscalls.O_RDONLY);
        byte[] data;
        try {
            data = LinuxSyscalls.readAll(fd, p, limit);
        } catch (KernelFileException e) {
            closeQuietly(fd, p, e);
            throw e;
        }
        LinuxSyscalls.close(fd, p);
        return data;
    }

    @Override
    public int write(String relative, byte[] data) throws KernelFileException {
        String p = path(relative);
        int fd = LinuxSyscalls.open(p, LinuxSyscalls.O_WRONLY);
        int n;
        try {
            n = LinuxSyscalls.write(fd, p, data);
        } catch (KernelFileException e) {
            closeQuietly(fd, p, e);
            throw e;
        }
        LinuxSyscalls.close(fd, p);
        return n;
    }

    @Override
    public void mkdir(String relative) throws KernelFileException {
        LinuxSyscalls.mkdir(path(relative));
    }

    @Override
    public void rmdir(String relative) throws KernelFileException {
        LinuxSyscalls.rmdir(path(relative));
    }

    @Override
    public byte[] getReport0(String relative, byte[] reportData) throws KernelFileException {
        String p = path(relative);
        int fd = LinuxSyscalls.open(p, LinuxSyscalls.O_RDWR);
        byte[] report;
        try {
            report = LinuxSyscalls.getReport0(fd, p, reportData);
        } catch (KernelFileException e) {
            closeQuietly(fd, p, e);
            throw e;
        }
        LinuxSyscalls.close(fd, p);
        return report;
    }

    @Override
    public void probeOpen(String relative) throws KernelFileException {
        String p = path(relative);
        LinuxSyscalls.close(LinuxSyscalls.open(p, LinuxSyscalls.O_RDWR), p);
    }

    private static void closeQuietly(int fd, String p, KernelFileException primary) {
        try {
            LinuxSyscalls.close(fd, p);
        } catch (KernelFileException e) {
            primary.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "NativeKernelFiles[" + root + "]";
    }
}
