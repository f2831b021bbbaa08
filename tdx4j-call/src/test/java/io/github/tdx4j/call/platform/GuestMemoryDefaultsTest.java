package io.github.tdx4j.call.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The default methods of {@link GuestMemory} that every platform inherits: little-endian (x86) integer access,
 * zeroing, and the whole-array forms, each checked byte by byte against hand-written expected bytes so that a
 * swapped shift, a wrong mask or a dropped write is seen. Found uncovered by mutation testing (-Pmutation).
 */
final class GuestMemoryDefaultsTest {
    /** 64 bytes of memory at GPA 0x1000, with only the two abstract methods implemented. */
    private static final class ArrayMemory implements GuestMemory {
        static final long BASE = 0x1000;
        final byte[] bytes = new byte[64];

        @Override
        public void read(long gpa, byte[] dst, int offset, int length) {
            System.arraycopy(bytes, (int) (gpa - BASE), dst, offset, length);
        }

        @Override
        public void write(long gpa, byte[] src, int offset, int length) {
            System.arraycopy(src, offset, bytes, (int) (gpa - BASE), length);
        }
    }

    @Test
    void readLongIsLittleEndianWithEveryByteUnsigned() {
        ArrayMemory m = new ArrayMemory();
        byte[] le = {(byte) 0xF1, (byte) 0xE2, (byte) 0xD3, (byte) 0xC4, (byte) 0xB5, (byte) 0xA6, (byte) 0x97, (byte) 0x88};
        System.arraycopy(le, 0, m.bytes, 8, 8);
        assertEquals(0x8897A6B5C4D3E2F1L, m.readLong(ArrayMemory.BASE + 8));
    }

    @Test
    void readUnsignedIntIsLittleEndianAndNeverNegative() {
        ArrayMemory m = new ArrayMemory();
        byte[] le = {(byte) 0x81, (byte) 0x92, (byte) 0xA3, (byte) 0xF4, 0x55};
        System.arraycopy(le, 0, m.bytes, 4, 5);
        assertEquals(0xF4A39281L, m.readUnsignedInt(ArrayMemory.BASE + 4));
    }

    @Test
    void writeLongStoresEightLittleEndianBytesAndNothingElse() {
        ArrayMemory m = new ArrayMemory();
        m.writeLong(ArrayMemory.BASE + 16, 0x0102030405060708L);
        byte[] want = new byte[64];
        byte[] le = {8, 7, 6, 5, 4, 3, 2, 1};
        System.arraycopy(le, 0, want, 16, 8);
        assertArrayEquals(want, m.bytes);
    }

    @Test
    void writeIntStoresFourLittleEndianBytesAndNothingElse() {
        ArrayMemory m = new ArrayMemory();
        m.writeInt(ArrayMemory.BASE + 32, 0xCAFEBABE);
        byte[] want = new byte[64];
        byte[] le = {(byte) 0xBE, (byte) 0xBA, (byte) 0xFE, (byte) 0xCA};
        System.arraycopy(le, 0, want, 32, 4);
        assertArrayEquals(want, m.bytes);
    }

    @Test
    void zeroClearsExactlyTheRangeGiven() {
        ArrayMemory m = new ArrayMemory();
        Arrays.fill(m.bytes, (byte) 0x5A);
        m.zero(ArrayMemory.BASE + 8, 16);
        for (int i = 0; i < 64; i++) {
            assertEquals(i >= 8 && i < 24 ? 0 : 0x5A, m.bytes[i], "byte " + i);
        }
    }

    @Test
    void wholeArrayReadAndWriteUseTheArrayLength() {
        ArrayMemory m = new ArrayMemory();
        m.write(ArrayMemory.BASE + 60, new byte[] {1, 2, 3, 4});
        assertArrayEquals(new byte[] {1, 2, 3, 4}, m.read(ArrayMemory.BASE + 60, 4));
        assertArrayEquals(new byte[] {0, 1}, m.read(ArrayMemory.BASE + 59, 2));
    }
}
