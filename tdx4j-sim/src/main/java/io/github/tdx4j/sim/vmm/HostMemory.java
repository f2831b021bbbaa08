package io.github.tdx4j.sim.vmm;

/**
 * Guest memory as the host (VMM) sees it: only the shared backing. Private memory is encrypted and integrity
 * protected; the host never sees its contents, so this interface has no way to reach it.
 *
 * <p>Addresses are GPAs with or without the shared bit (KVM strips it before exiting to QEMU); they must lie in the
 * TD's RAM (else IllegalArgumentException). The shared backing exists for every RAM GPA, whether or not the guest
 * converted the page to shared: as with guest_memfd, writes to a page the guest holds private land in a backing the
 * guest cannot see. Little-endian.
 */
public interface HostMemory {
    /** Whether {@code gpa} (shared bit ignored) lies in the TD's RAM. */
    boolean isRam(long gpa);

    /** Whether the guest has converted the page at {@code gpa} to shared (MapGPA), so that it sees this backing. */
    boolean isShared(long gpa);

    void read(long gpa, byte[] dst, int offset, int length);

    void write(long gpa, byte[] src, int offset, int length);

    long readLong(long gpa);

    int readInt(long gpa);

    void writeLong(long gpa, long value);

    void writeInt(long gpa, int value);

    /** Reads {@code size} (1, 2, 4 or 8) bytes as an unsigned little-endian value. */
    long readSized(long gpa, int size);

    /** Writes the low {@code size} (1, 2, 4 or 8) bytes of {@code value}. */
    void writeSized(long gpa, int size, long value);
}
