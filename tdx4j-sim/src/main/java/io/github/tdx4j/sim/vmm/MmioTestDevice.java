package io.github.tdx4j.sim.vmm;

/**
 * A 4 KiB MMIO register window with one register of each access width, for exercising #VE.RequestMMIO:
 * <ul>
 *   <li>0x00 REG8, 0x08 REG16, 0x10 REG32, 0x18 REG64: read-write, reset 0;</li>
 *   <li>0x20 ID (32-bit, read-only): {@link #ID};</li>
 *   <li>anything else: read-write scratch bytes.</li>
 * </ul>
 * Little-endian; an access of any width at any offset reads or writes the bytes it covers.
 */
public final class MmioTestDevice implements MmioDevice {
    public static final long REG8 = 0x00;
    public static final long REG16 = 0x08;
    public static final long REG32 = 0x10;
    public static final long REG64 = 0x18;
    public static final long ID_REGISTER = 0x20;
    /** The value of the ID register: "tdx4" in ASCII, little-endian. */
    public static final int ID = 0x3478_6474;
    public static final int SIZE = 4096;

    private final byte[] bytes = new byte[SIZE];

    public MmioTestDevice() {
        for (int i = 0; i < 4; i++) {
            bytes[(int) ID_REGISTER + i] = (byte) (ID >>> (8 * i));
        }
    }

    @Override
    public long read(long offset, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            long o = offset + i;
            v = (v << 8) | (o >= 0 && o < SIZE ? bytes[(int) o] & 0xFF : 0xFF);
        }
        return v;
    }

    @Override
    public void write(long offset, int size, long value) {
        for (int i = 0; i < size; i++) {
            long o = offset + i;
            if (o >= 0 && o < SIZE && (o < ID_REGISTER || o >= ID_REGISTER + 4)) {
                bytes[(int) o] = (byte) (value >>> (8 * i));
            }
        }
    }
}
