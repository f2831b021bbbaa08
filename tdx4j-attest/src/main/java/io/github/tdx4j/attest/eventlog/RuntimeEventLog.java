package io.github.tdx4j.attest.eventlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A persistent, append-only log of runtime RTMR extends, shared by every process of the TD, that always lists at
 * least the extends the RTMRs hold: each record is written and fsync'd <em>before</em> its extend, under an
 * exclusive lock of the file, and carries the RTMR's value just before the extend. Replay
 * ({@link RuntimeLogReplay}) therefore either reproduces the RTMRs or names exactly the records whose extend never
 * happened (the writer died or the extend failed between the two steps) — nothing is matched or dropped silently.
 *
 * <p><b>Format</b>: TCG Canonical Event Log (CEL), JSON encoding (TCG "Canonical Event Log Format", Version 1.0,
 * section "CEL-JSON"), one record per JSON text, in a JSON text sequence (RFC 7464): each record is the byte 0x1E,
 * the JSON text, and a line feed. JSON rather than CBOR because the log is read by people and by the usual JSON
 * tools ({@code jq --seq}), systemd's measurement log {@code /run/log/systemd/tpm2-measure.log} uses the same
 * CEL-JSON in JSON-SEQ framing, and RFC 7464 defines how a reader finds a truncated record: a record cut short by
 * a crash is followed by the 0x1E of the next one and is reported, never mistaken for a record. A record:
 * <pre>{@code {"recnum":0,"pcr":4,"digests":[{"hashAlg":"sha384","digest":"<96 hex>"}],
 *  "content_type":"tdx4j_rtmr","content":{"description":"app.jar","rtmr_before":"<96 hex>"}}}</pre>
 * {@code pcr} holds the CC measurement register index, as the PCR index field of the CC event log does (UEFI 2.10,
 * section 38.4.1 "CC Event Log"): 1..4 for RTMR0..3. {@code content_type} {@code tdx4j_rtmr} is this library's
 * content type; its {@code rtmr_before} is the crash-consistency witness.
 *
 * <p><b>Locking</b>: an exclusive {@link FileChannel#lock() lock} of the log file (a POSIX record lock, released by
 * the kernel when a process dies), plus an in-process lock because a POSIX lock does not exclude threads of the
 * same process. Waiting for the lock is bounded by {@link #LOCK_TIMEOUT_MILLIS}.
 */
public final class RuntimeEventLog {
    /** The default file: under /run, which is a tmpfs emptied at boot, as the RTMRs are. */
    public static final Path DEFAULT_PATH = Path.of("/run/tdx4j/runtime-events.cel.json-seq");
    /** RFC 7464 record separator. */
    static final byte RS = 0x1E;
    static final byte LF = 0x0A;
    /** This library's CEL content type. */
    public static final String CONTENT_TYPE = "tdx4j_rtmr";
    /** The longest wait for the lock of the file. */
    public static final long LOCK_TIMEOUT_MILLIS = 30_000;
    /** A record larger than this is refused on write and reported damaged on read. */
    static final int MAX_RECORD = 16 * 1024;
    /** A log larger than this is not read: 64 MiB, tens of thousands of records. */
    static final long MAX_LOG = 64L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    /** The steps of {@link #record}, where a test's hook may stop the process. */
    enum Step {
        /** The file lock is held; nothing written. */
        LOCKED,
        /** The record is written (in the page cache), not yet fsync'd. */
        WRITTEN,
        /** The record is on disk; the RTMR is not extended. */
        SYNCED,
        /** The RTMR is extended; the lock is still held. */
        EXTENDED
    }

    /** Called at each {@link Step}; tests kill the process there. */
    @FunctionalInterface
    interface StepHook {
        void reached(Step step, long recnum);
    }

    private final Path file;
    private final StepHook hook;

    RuntimeEventLog(Path file, StepHook hook) {
        this.file = file.toAbsolutePath();
        this.hook = Objects.requireNonNull(hook, "hook");
    }

    /** The log in {@code file}; nothing is created until the first record. */
    public static RuntimeEventLog at(Path file) {
        return new RuntimeEventLog(Objects.requireNonNull(file, "file"), (step, recnum) -> { });
    }

    public Path file() {
        return file;
    }

    /**
     * Records and makes one extend: lock the file, read the RTMR, append the record, fsync, extend, unlock. If the
     * extend throws, the record stays as an unconfirmed entry (replay names it) and the exception passes on.
     *
     * @return the record written
     * @throws UncheckedIOException if the file cannot be locked, written or synced; the RTMR is then not extended
     */
    public RuntimeEvent record(int rtmr, byte[] digest, String description, RtmrDevice device) {
        Objects.requireNonNull(device, "device");
        ReentrantLock local = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
        try {
            if (!local.tryLock(LOCK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new UncheckedIOException(new IOException("another thread held " + file + " for "
                        + LOCK_TIMEOUT_MILLIS + " ms"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted waiting for the lock of " + file, e));
        }
        try {
            return recordLocked(rtmr, digest, description, device);
        } catch (IOException e) {
            throw new UncheckedIOException("runtime event log " + file + ": " + e.getClass().getSimpleName() + " "
                    + e.getMessage(), e);
        } finally {
            local.unlock();
        }
    }

    private RuntimeEvent recordLocked(int rtmr, byte[] digest, String description, RtmrDevice device)
            throws IOException {
        Path dir = file.getParent();
        boolean created = false;
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        if (!Files.exists(file)) {
            created = true;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            FileLock lock = lockWithin(ch);
            try {
                return appendAndExtend(ch, created, dir, rtmr, digest, description, device);
            } finally {
                lock.release();
            }
        }
    }

    private RuntimeEvent appendAndExtend(FileChannel ch, boolean created, Path dir, int rtmr, byte[] digest,
            String description, RtmrDevice device) throws IOException {
        if (created && dir != null) {
            syncDirectory(dir); // the new file's name must survive a crash too
        }
        long size = ch.size();
        if (size > MAX_LOG) {
            throw new IOException("the log is larger than " + MAX_LOG + " bytes; start a new one");
        }
        if (size > 0) {
            // A log starts with its first record's separator. Anything else is some other file named by mistake,
            // which an append would damage.
            ByteBuffer first = ByteBuffer.allocate(1);
            ch.read(first, 0);
            if (first.get(0) != RS) {
                throw new IOException("it is not a runtime event log: its first byte is not the record separator "
                        + "0x1E; name a new file or an existing log");
            }
        }
        long recnum = countRecords(ch, size);
        hook.reached(Step.LOCKED, recnum);
        byte[] before = device.read(rtmr);
        RuntimeEvent event = new RuntimeEvent(recnum, rtmr, digest, before, description, size);
        byte[] bytes = encode(event);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long at = size;
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
        hook.reached(Step.WRITTEN, recnum);
        ch.force(true);
        hook.reached(Step.SYNCED, recnum);
        device.extend(rtmr, digest);
        hook.reached(Step.EXTENDED, recnum);
        return event;
    }

    private FileLock lockWithin(FileChannel ch) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOCK_TIMEOUT_MILLIS);
        long pause = 1;
        while (true) {
            FileLock lock = ch.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("another process held the lock of " + file + " for " + LOCK_TIMEOUT_MILLIS
                        + " ms");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for the lock of " + file, e);
            }
            pause = Math.min(50, pause * 2);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open or sync a directory; the record itself is still synced.
        }
    }

    /** Records so far = record separators in the file (a damaged record counts too: it took its number). */
    private static long countRecords(FileChannel ch, long size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        long count = 0;
        long pos = 0;
        while (pos < size) {
            b.clear();
            int n = ch.read(b, pos);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (b.get(i) == RS) {
                    count++;
                }
            }
            pos += n;
        }
        return count;
    }

    /** One record: 0x1E, its CEL-JSON text, a line feed. */
    static byte[] encode(RuntimeEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("recnum", e.recnum());
        o.put("pcr", e.rtmr() + 1);
        ObjectNode d = o.putArray("digests").addObject();
        d.put("hashAlg", "sha384");
        d.put("digest", HEX.formatHex(e.digest()));
        o.put("content_type", CONTENT_TYPE);
        ObjectNode c = o.putObject("content");
        c.put("description", e.description());
        c.put("rtmr_before", HEX.formatHex(e.rtmrBefore()));
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", ex);
        }
        if (json.length + 2 > MAX_RECORD) {
            throw new IllegalArgumentException("the description makes the record longer than " + MAX_RECORD
                    + " bytes");
        }
        byte[] out = new byte[json.length + 2];
        out[0] = RS;
        System.arraycopy(json, 0, out, 1, json.length);
        out[out.length - 1] = LF;
        return out;
    }

    /**
     * A record that could not be read: cut short by a crash (its extend never started, since records are synced
     * before their extend) or altered afterwards.
     *
     * @param recnum the record's position in the file
     * @param offset byte offset of its 0x1E (or 0 for bytes before the first one)
     * @param reason what is wrong with it
     */
    public record DamagedRecord(long recnum, long offset, String reason) {
    }

    /**
     * A log as read back.
     *
     * @param events  the well-formed records, in order
     * @param damaged the records that could not be read, in order
     */
    public record Contents(List<RuntimeEvent> events, List<DamagedRecord> damaged) {
        public Contents {
            events = List.copyOf(events);
            damaged = List.copyOf(damaged);
        }
    }

    /**
     * Reads the log; a missing file is an empty log. Takes the in-process lock: closing any descriptor of the file
     * drops this process's POSIX lock on it, so no thread may open the file while another holds the lock.
     */
    public Contents read() throws IOException {
        ReentrantLock local = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
        try {
            if (!local.tryLock(LOCK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IOException("another thread held " + file + " for " + LOCK_TIMEOUT_MILLIS + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the lock of " + file, e);
        }
        try {
            return readUnlocked();
        } finally {
            local.unlock();
        }
    }

    private Contents readUnlocked() throws IOException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_LOG) {
                throw new IOException(file + " is larger than " + MAX_LOG + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Contents(List.of(), List.of());
        }
        return parse(bytes);
    }

    /** Parses the bytes of a log (RFC 7464 JSON text sequence of CEL-JSON records). */
    public static Contents parse(byte[] bytes) {
        List<RuntimeEvent> events = new ArrayList<>();
        List<DamagedRecord> damaged = new ArrayList<>();
        int start = 0;
        while (start < bytes.length && bytes[start] != RS) {
            start++;
        }
        if (start > 0) {
            damaged.add(new DamagedRecord(-1, 0, start + " bytes before the first record separator"));
        }
        long recnum = 0;
        while (start < bytes.length) {
            int end = start + 1;
            while (end < bytes.length && bytes[end] != RS) {
                end++;
            }
            String why = null;
            RuntimeEvent event = null;
            if (bytes[end - 1] != LF) {
                why = "truncated: no line feed at its end (cut short while being written)";
            } else if (end - start > MAX_RECORD) {
                why = "longer than " + MAX_RECORD + " bytes";
            } else {
                try {
                    event = decode(new String(bytes, start + 1, end - start - 2, StandardCharsets.UTF_8), start);
                    if (event.recnum() != recnum) {
                        why = "its recnum is " + event.recnum() + " but it is record " + recnum + " of the file";
                        event = null;
                    }
                } catch (IllegalArgumentException e) {
                    why = e.getMessage();
                }
            }
            if (event != null) {
                events.add(event);
            } else {
                damaged.add(new DamagedRecord(recnum, start, why));
            }
            recnum++;
            start = end;
        }
        return new Contents(events, damaged);
    }

    private static RuntimeEvent decode(String text, long offset) {
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON (" + e.getOriginalMessage() + ")");
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (!CONTENT_TYPE.equals(o.path("content_type").asText(null))) {
            throw new IllegalArgumentException("content_type is not " + CONTENT_TYPE);
        }
        JsonNode recnum = o.get("recnum");
        JsonNode pcr = o.get("pcr");
        if (recnum == null || !recnum.canConvertToLong() || pcr == null || !pcr.isInt() || pcr.asInt() < 1
                || pcr.asInt() > 4) {
            throw new IllegalArgumentException("recnum missing, or pcr not a CC MR index 1..4");
        }
        byte[] digest = null;
        for (JsonNode d : o.path("digests")) {
            if ("sha384".equals(d.path("hashAlg").asText(null))) {
                digest = hex48(d.path("digest").asText(""), "the sha384 digest");
            }
        }
        if (digest == null) {
            throw new IllegalArgumentException("no sha384 digest");
        }
        JsonNode content = o.path("content");
        String description = content.path("description").asText(null);
        if (description == null) {
            throw new IllegalArgumentException("content.description missing");
        }
        byte[] before = hex48(content.path("rtmr_before").asText(""), "content.rtmr_before");
        return new RuntimeEvent(recnum.asLong(), pcr.asInt() - 1, digest, before, description, offset);
    }

    private static byte[] hex48(String s, String what) {
        if (s.length() != 2 * RuntimeEvent.SIZE) {
            throw new IllegalArgumentException(what + " is not 96 hex digits");
        }
        try {
            return HEX.parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not hex");
        }
    }
}
