package io.github.tdx4j.linux;

import io.github.tdx4j.linux.internal.Errno;
import io.github.tdx4j.linux.internal.KernelFileException;
import io.github.tdx4j.linux.internal.KernelFiles;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Quotes through configfs-tsm report entries under {@code /sys/kernel/config/tsm/report} (Linux 6.7+,
 * Documentation/ABI/testing/configfs-tsm-report): one fresh entry per request, its provider, generation, inblob and
 * outblob attributes. {@link LinuxTdAttestation#quote} retries a request that answers {@link Retry.Busy}.
 */
final class ConfigfsTsmReport {
    /** The provider attribute of a TDX guest's report entry reads "tdx_guest\n" (not "tdx-guest" as once documented). */
    static final String TDX_PROVIDER = "tdx_guest";
    private static final AtomicLong ENTRY_COUNTER = new AtomicLong();

    private final KernelFiles files;
    private final String entryPrefix;

    ConfigfsTsmReport(KernelFiles files, String entryPrefix) {
        this.files = Objects.requireNonNull(files, "files");
        this.entryPrefix = Objects.requireNonNull(entryPrefix, "entryPrefix");
    }

    /**
     * One request through a fresh report entry (Documentation/ABI/testing/configfs-tsm-report): create it, check the
     * provider, write inblob, read outblob, and remove the entry whatever happened. The generation attribute counts
     * writes to the entry; it must move exactly once (our inblob write) and not again before outblob is read, or
     * someone else wrote to the entry and the quote may bind their data.
     */
    byte[] quoteOnce(byte[] data) throws Retry.Busy {
        String entry = createEntry();
        byte[] quote;
        try {
            quote = quoteInEntry(entry, data);
        } catch (Retry.Busy busy) {
            removeEntry(entry); // before the retry creates the next entry; stops retrying if it cannot
            throw busy;
        } catch (RuntimeException e) {
            try {
                files.rmdir(entry);
            } catch (KernelFileException rm) {
                e.addSuppressed(Failures.entryNotRemoved(rm));
            }
            throw e;
        }
        removeEntry(entry);
        return quote;
    }

    private void removeEntry(String entry) {
        try {
            files.rmdir(entry);
        } catch (KernelFileException rm) {
            // A leaked entry holds kernel memory until someone removes it: better no quote than a silent leak.
            throw Failures.entryNotRemoved(rm);
        }
    }

    private String createEntry() {
        KernelFileException last = null;
        for (int i = 0; i < 16; i++) {
            String entry = KernelPaths.entry(entryPrefix + "-" + ENTRY_COUNTER.incrementAndGet());
            try {
                files.mkdir(entry);
                return entry;
            } catch (KernelFileException e) {
                if (!e.errno().equals(Errno.EEXIST)) {
                    throw Failures.quote(e);
                }
                last = e;
            }
        }
        throw Failures.noFreeEntry(16, last);
    }

    private byte[] quoteInEntry(String entry, byte[] data) throws Retry.Busy {
        String providerPath = entry + "/provider";
        String generationPath = entry + "/generation";
        String inblob = entry + "/inblob";
        String outblob = entry + "/outblob";
        try {
            String provider = text(files.read(providerPath, 256));
            if (!provider.equals(TDX_PROVIDER)) {
                throw Failures.wrongProvider(files.display(providerPath), provider);
            }
            long before = generation(generationPath);
            int written;
            try {
                written = files.write(inblob, data);
            } catch (KernelFileException e) {
                if (e.errno().equals(Errno.EBUSY)) {
                    throw new Retry.Busy(tries -> Failures.quoteBusy(tries, e));
                }
                throw e;
            }
            if (written != data.length) {
                throw Failures.shortInblob(files.display(inblob), written);
            }
            long afterWrite = generation(generationPath);
            if (afterWrite == before) {
                // configfs commits a binary attribute when the file is closed and ignores the result
                // (fs/configfs/file.c, configfs_release_bin_file): an unmoved generation is the only sign that
                // report.c refused the write (EBUSY from try_advance_write_generation).
                throw new Retry.Busy(tries -> Failures.inblobNotTaken(tries, files.display(inblob), before));
            }
            if (afterWrite != before + 1) {
                throw new Retry.Busy(tries -> Failures.concurrentWriter(tries, files.display(entry), before + 1,
                        afterWrite));
            }
            byte[] quote;
            try {
                quote = files.read(outblob, LinuxTdAttestation.QUOTE_LIMIT);
            } catch (KernelFileException e) {
                if (e.errno().equals(Errno.EBUSY)) {
                    throw new Retry.Busy(tries -> Failures.quoteBusy(tries, e));
                }
                throw e;
            }
            long afterRead = generation(generationPath);
            if (afterRead != afterWrite) {
                throw new Retry.Busy(tries -> Failures.concurrentWriter(tries, files.display(entry), afterWrite,
                        afterRead));
            }
            if (quote.length == 0) {
                throw Failures.emptyQuote(files.display(outblob));
            }
            return quote;
        } catch (KernelFileException e) {
            throw Failures.quote(e);
        }
    }

    private long generation(String path) throws KernelFileException {
        String text = text(files.read(path, 64));
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw Failures.badGeneration(files.display(path), text);
        }
    }

    /** A configfs/sysfs text attribute without its one trailing newline. */
    private static String text(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.US_ASCII);
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
