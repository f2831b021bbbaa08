package io.github.tdx4j.call.platform;

/**
 * Guest physical memory as the guest kernel sees it: the TD's own view, addressed by GPA.
 *
 * <p>A GPA with the shared bit (bit GPAW−1, learned from TDG.VP.INFO) clear is private memory, encrypted and
 * integrity-protected, invisible to the VMM; with the bit set it is shared memory the VMM can read and write.
 * Accessing private memory that has not been accepted, or a shared GPA that has no mapping, is an error the
 * platform reports with {@link MemoryAccessException} (the analogue of the #VE or machine check a real access
 * would raise when it is not a deliberate instruction access). Little-endian, as x86.
 */
public interface GuestMemory {
    /** The page size every conversion and acceptance works in: 4 KiB. */
    int PAGE_SIZE = 4096;

    /** Copies {@code length} bytes at {@code gpa} into {@code dst[offset..]}. */
    void read(long gpa, byte[] dst, int offset, int length);

    /** Copies {@code length} bytes of {@code src[offset..]} to {@code gpa}. */
    void write(long gpa, byte[] src, int offset, int length);

    /** Sets {@code length} bytes at {@code gpa} to zero. */
    default void zero(long gpa, int length) {
        write(gpa, new byte[length], 0, length);
    }

    default byte[] read(long gpa, int length) {
        byte[] b = new byte[length];
        read(gpa, b, 0, length);
        return b;
    }

    default void write(long gpa, byte[] src) {
        write(gpa, src, 0, src.length);
    }

    /** The little-endian 64-bit value at {@code gpa}. */
    default long readLong(long gpa) {
        byte[] b = read(gpa, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    /** The little-endian 32-bit value at {@code gpa}, as an unsigned int in a long. */
    default long readUnsignedInt(long gpa) {
        byte[] b = read(gpa, 4);
        long v = 0;
        for (int i = 3; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    default void writeLong(long gpa, long value) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        write(gpa, b);
    }

    default void writeInt(long gpa, int value) {
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        write(gpa, b);
    }
}
