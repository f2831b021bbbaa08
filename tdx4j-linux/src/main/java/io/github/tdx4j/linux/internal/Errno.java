package io.github.tdx4j.linux.internal;

import java.io.Serializable;

/**
 * An errno value the Linux kernel returned. Received, so an open value type: any number decodes and prints,
 * unknown ones as {@code errno 200}. The names are the x86-64 Linux values (include/uapi/asm-generic/errno-base.h
 * and errno.h), the only architecture with TDX guests.
 *
 * @param value the positive errno number
 */
public record Errno(int value) implements Serializable {
    public static final Errno EPERM = new Errno(1);
    public static final Errno ENOENT = new Errno(2);
    public static final Errno EINTR = new Errno(4);
    public static final Errno EIO = new Errno(5);
    public static final Errno ENXIO = new Errno(6);
    public static final Errno EBADF = new Errno(9);
    public static final Errno EAGAIN = new Errno(11);
    public static final Errno ENOMEM = new Errno(12);
    public static final Errno EACCES = new Errno(13);
    public static final Errno EFAULT = new Errno(14);
    public static final Errno EBUSY = new Errno(16);
    public static final Errno EEXIST = new Errno(17);
    public static final Errno ENODEV = new Errno(19);
    public static final Errno ENOTDIR = new Errno(20);
    public static final Errno EISDIR = new Errno(21);
    public static final Errno EINVAL = new Errno(22);
    public static final Errno ENOTTY = new Errno(25);
    public static final Errno EFBIG = new Errno(27);
    public static final Errno ENOSPC = new Errno(28);
    public static final Errno EROFS = new Errno(30);
    public static final Errno ENOTEMPTY = new Errno(39);
    public static final Errno EOPNOTSUPP = new Errno(95);
    public static final Errno ETIMEDOUT = new Errno(110);

    /** The symbolic name, or {@code null} for a value this table does not know. */
    public String symbol() {
        return switch (value) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 4 -> "EINTR";
            case 5 -> "EIO";
            case 6 -> "ENXIO";
            case 9 -> "EBADF";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 14 -> "EFAULT";
            case 16 -> "EBUSY";
            case 17 -> "EEXIST";
            case 19 -> "ENODEV";
            case 20 -> "ENOTDIR";
            case 21 -> "EISDIR";
            case 22 -> "EINVAL";
            case 25 -> "ENOTTY";
            case 27 -> "EFBIG";
            case 28 -> "ENOSPC";
            case 30 -> "EROFS";
            case 39 -> "ENOTEMPTY";
            case 95 -> "EOPNOTSUPP";
            case 110 -> "ETIMEDOUT";
            default -> null;
        };
    }

    /** {@code EBUSY (16)}, or {@code errno 200} for an unknown value. */
    @Override
    public String toString() {
        String s = symbol();
        return s == null ? "errno " + value : s + " (" + value + ")";
    }
}
