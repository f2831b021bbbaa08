package io.github.tdx4j.abi;

/**
 * A page size as encoded in TDG.MEM.PAGE.ACCEPT's RCX[2:0] and in the EPT-level details of its statuses.
 *
 * <p>TDX Module ABI v1.5, "TDG.MEM.PAGE.ACCEPT Leaf" (RCX: level 0 = 4KB, 1 = 2MB, 2 = 1GB); Linux
 * {@code TDX_PS_4K/2M/1G}. A closed set we produce; decoding a received level goes through {@link #ofLevel(long)}.
 */
public enum PageLevel {
    /** 4 KiB, level 0. */
    SIZE_4K(0, 4096L),
    /** 2 MiB, level 1. */
    SIZE_2M(1, 2L * 1024 * 1024),
    /** 1 GiB, level 2. */
    SIZE_1G(2, 1024L * 1024 * 1024);

    private final int level;
    private final long bytes;

    PageLevel(int level, long bytes) {
        this.level = level;
        this.bytes = bytes;
    }

    /** The level number (0, 1 or 2). */
    public int level() {
        return level;
    }

    /** The page size in bytes. */
    public long bytes() {
        return bytes;
    }

    /** The level named by a received value, or {@code null} if it names none of the three. */
    public static PageLevel ofLevel(long level) {
        for (PageLevel p : values()) {
            if (p.level == level) {
                return p;
            }
        }
        return null;
    }
}
