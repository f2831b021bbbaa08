package io.github.tdx4j.linux;

import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.linux.internal.Errno;
import io.github.tdx4j.linux.internal.KernelFileException;
import io.github.tdx4j.linux.internal.KernelFiles;
import io.github.tdx4j.linux.internal.NativeKernelFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A TDX guest's kernel files in a temporary folder, with the kernel's side effects emulated on top of the real
 * file operations ({@link NativeKernelFiles} under the folder, so the native read/write/mkdir/rmdir paths run too):
 * a configfs-tsm mkdir creates provider/generation/inblob/outblob, an inblob write bumps generation and produces
 * the outblob, an RTMR write extends with SHA-384. Knobs inject what a real kernel or a concurrent process does.
 */
final class FakeTdxGuest implements KernelFiles {
    final Path root;
    private final NativeKernelFiles real;

    /** What an entry's provider attribute reads. */
    String provider = "tdx_guest\n";
    /** The quote the "host" returns for a REPORTDATA. */
    UnaryOperator<byte[]> quoteFor = FakeTdxGuest::fakeQuote;
    /** Errnos the next calls of each kind fail with, one per call, before the normal behaviour resumes. */
    final Deque<Errno> mkdirErrors = new ArrayDeque<>();
    final Deque<Errno> inblobErrors = new ArrayDeque<>();
    final Deque<Errno> outblobErrors = new ArrayDeque<>();
    final Deque<Errno> rmdirErrors = new ArrayDeque<>();
    final Deque<Errno> reportErrors = new ArrayDeque<>();
    final Deque<Errno> rtmrWriteErrors = new ArrayDeque<>();
    /** How many outblob reads find that another process wrote the entry's inblob since our write. */
    int concurrentWritesBeforeRead;
    /**
     * How many inblob writes the "kernel" refuses silently, as mainline configfs does: write(2) succeeds, the
     * commit at close fails, close returns 0 (fs/configfs/file.c, configfs_release_bin_file) and generation stays.
     */
    int inblobDropped;
    /** If >= 0, inblob and RTMR writes take only this many bytes. */
    int shortWrite = -1;
    /** Whether the TDREPORT comes back with its REPORTDATA altered. */
    boolean corruptReport;

    final List<String> createdEntries = new ArrayList<>();
    final List<String> removedEntries = new ArrayList<>();
    int reportCalls;

    private FakeTdxGuest(Path root) {
        this.root = root;
        this.real = new NativeKernelFiles(root);
    }

    /** An empty tree: a machine that is not a TDX guest. */
    static FakeTdxGuest empty(Path root) {
        FakeTdxGuest f = new FakeTdxGuest(root);
        f.put("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme de pse hypervisor\n\n");
        f.put("proc/sys/kernel/osrelease", "6.8.0-test\n");
        return f;
    }

    /** A Linux 6.16 TDX guest: CPU flag, /dev/tdx_guest, configfs-tsm and the measurement files. */
    static FakeTdxGuest tdGuest(Path root) {
        FakeTdxGuest f = new FakeTdxGuest(root);
        f.put("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme de pse hypervisor tdx_guest\n\n");
        f.put("proc/sys/kernel/osrelease", "6.16.0-test\n");
        f.put("dev/tdx_guest", "");
        f.mkdirs(KernelPaths.TSM_REPORT);
        f.withMeasurements();
        return f;
    }

    FakeTdxGuest withMeasurements() {
        put(KernelPaths.MRTD, filled(0x11));
        for (int i = 0; i < 4; i++) {
            put(KernelPaths.rtmr(i), filled(0x20 + i));
        }
        return this;
    }

    static byte[] filled(int b) {
        byte[] v = new byte[48];
        Arrays.fill(v, (byte) b);
        return v;
    }

    void put(String relative, String text) {
        put(relative, text.getBytes(StandardCharsets.US_ASCII));
    }

    void put(String relative, byte[] bytes) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void mkdirs(String relative) {
        try {
            Files.createDirectories(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Report entries left under tsm/report. */
    List<String> leftoverEntries() {
        try (var s = Files.list(root.resolve(KernelPaths.TSM_REPORT))) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A v4 TDX quote's first bytes followed by REPORTDATA at the body offset, enough to check the plumbing. */
    static byte[] fakeQuote(byte[] reportData) {
        byte[] q = new byte[48 + 584];
        q[0] = 4;
        q[4] = (byte) 0x81;
        System.arraycopy(reportData, 0, q, 48 + 520, 64);
        return q;
    }

    private KernelFileException fail(Errno errno, String operation, String relative) {
        return new KernelFileException(errno, operation, display(relative));
    }

    private static boolean isEntry(String relative) {
        return relative.startsWith(KernelPaths.TSM_REPORT + "/")
                && relative.indexOf('/', KernelPaths.TSM_REPORT.length() + 1) < 0;
    }

    private static String entryOf(String relative) {
        return relative.substring(0, relative.lastIndexOf('/'));
    }

    private void bumpGeneration(String entry) {
        long g = Long.parseLong(new String(bytes(entry + "/generation"), StandardCharsets.US_ASCII).strip());
        put(entry + "/generation", (g + 1) + "\n");
    }

    @Override
    public String display(String relative) {
        return real.display(relative);
    }

    @Override
    public boolean exists(String relative) {
        return real.exists(relative);
    }

    @Override
    public byte[] read(String relative, int limit) throws KernelFileException {
        if (relative.endsWith("/outblob")) {
            if (!outblobErrors.isEmpty()) {
                throw fail(outblobErrors.poll(), "read", relative);
            }
            if (concurrentWritesBeforeRead > 0) {
                concurrentWritesBeforeRead--;
                bumpGeneration(entryOf(relative));
            }
        }
        return real.read(relative, limit);
    }

    @Override
    public int write(String relative, byte[] data) throws KernelFileException {
        if (relative.endsWith("/inblob")) {
            if (!inblobErrors.isEmpty()) {
                throw fail(inblobErrors.poll(), "write", relative);
            }
            if (inblobDropped > 0) {
                inblobDropped--;
                return data.length;
            }
            if (shortWrite >= 0) {
                return shortWrite;
            }
            int n = real.write(relative, data);
            String entry = entryOf(relative);
            bumpGeneration(entry);
            put(entry + "/outblob", quoteFor.apply(data));
            return n;
        }
        if (relative.startsWith(KernelPaths.MEASUREMENTS + "/rtmr")) {
            if (!real.exists(relative)) {
                return real.write(relative, data); // ENOENT from the real open
            }
            if (!rtmrWriteErrors.isEmpty()) {
                throw fail(rtmrWriteErrors.poll(), "write", relative);
            }
            if (shortWrite >= 0) {
                return shortWrite;
            }
            if (data.length != 48) {
                throw fail(Errno.EINVAL, "write", relative); // tsm-mr.c: exactly one 48-byte write
            }
            put(relative, extend(bytes(relative), data));
            return data.length;
        }
        return real.write(relative, data);
    }

    static byte[] extend(byte[] rtmr, byte[] digest) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-384");
            sha.update(rtmr);
            sha.update(digest);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void mkdir(String relative) throws KernelFileException {
        if (isEntry(relative) && !mkdirErrors.isEmpty()) {
            throw fail(mkdirErrors.poll(), "mkdir", relative);
        }
        real.mkdir(relative);
        if (isEntry(relative)) {
            createdEntries.add(relative);
            put(relative + "/provider", provider);
            put(relative + "/generation", "0\n");
            put(relative + "/inblob", new byte[0]);
            put(relative + "/outblob", new byte[0]);
        }
    }

    @Override
    public void rmdir(String relative) throws KernelFileException {
        if (isEntry(relative)) {
            if (!rmdirErrors.isEmpty()) {
                throw fail(rmdirErrors.poll(), "rmdir", relative);
            }
            try (var s = Files.list(root.resolve(relative))) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            removedEntries.add(relative);
        }
        real.rmdir(relative);
    }

    @Override
    public byte[] getReport0(String relative, byte[] reportData) throws KernelFileException {
        reportCalls++;
        if (!real.exists(relative)) {
            return real.getReport0(relative, reportData); // the real open's ENOENT
        }
        if (!reportErrors.isEmpty()) {
            throw fail(reportErrors.poll(), "ioctl(TDX_CMD_GET_REPORT0)", relative);
        }
        byte[] report = new byte[TdReportLayout.SIZE];
        report[TdReportLayout.REPORTTYPE_OFFSET] = TdReportLayout.TYPE_TDX;
        System.arraycopy(reportData, 0, report, TdReportLayout.REPORTDATA_OFFSET, 64);
        if (corruptReport) {
            report[TdReportLayout.REPORTDATA_OFFSET] ^= 1;
        }
        if (real.exists(KernelPaths.MEASUREMENTS)) {
            System.arraycopy(bytes(KernelPaths.MRTD), 0, report, TdReportLayout.MRTD_OFFSET, 48);
            for (int i = 0; i < 4; i++) {
                System.arraycopy(bytes(KernelPaths.rtmr(i)), 0, report, TdReportLayout.rtmrOffset(i), 48);
            }
        } else {
            Arrays.fill(report, TdReportLayout.MRTD_OFFSET, TdReportLayout.MRTD_OFFSET + 48, (byte) 0x11);
            for (int i = 0; i < 4; i++) {
                int at = TdReportLayout.rtmrOffset(i);
                Arrays.fill(report, at, at + 48, (byte) (0x20 + i));
            }
        }
        return report;
    }

    @Override
    public void probeOpen(String relative) throws KernelFileException {
        real.probeOpen(relative);
    }

    /** A recording sleeper that also advances the clock it returns. */
    static final class FakeTime implements Sleeper, io.github.tdx4j.call.policy.NanoClock {
        long now;
        final List<Long> sleeps = new ArrayList<>();

        @Override
        public void sleep(long nanos) {
            sleeps.add(nanos);
            now += nanos;
        }

        @Override
        public long nanoTime() {
            return now;
        }
    }
}
