package io.github.tdx4j.linux;

import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.attest.eventlog.RtmrDevice;
import io.github.tdx4j.attest.eventlog.RuntimeEventLog;
import io.github.tdx4j.attest.format.Measurement;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.policy.NanoClock;
import io.github.tdx4j.guest.attest.AttestationException;
import io.github.tdx4j.guest.attest.TdAttestation;
import io.github.tdx4j.linux.internal.Errno;
import io.github.tdx4j.linux.internal.KernelFileException;
import io.github.tdx4j.linux.internal.KernelFiles;
import io.github.tdx4j.linux.internal.NativeKernelFiles;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link TdAttestation} on the Linux kernel interfaces of a TDX guest:
 * <ul>
 *   <li>TDREPORT: {@code ioctl(TDX_CMD_GET_REPORT0)} on {@code /dev/tdx_guest} (Linux 6.2+);</li>
 *   <li>quote: first the host's Quote Generation Service ({@link QgsClient}) when one is configured (an explicit
 *       {@link QgsEndpoint}, or a {@code port} line in {@code /etc/tdx-attest.conf}, as Intel's libtdx_attest does),
 *       with a TDREPORT from the device; then, or if QGS fails, a configfs-tsm report entry under
 *       {@code /sys/kernel/config/tsm/report} (Linux 6.7+). When both fail, the error gives the reason of each;
 *       {@link #lastQuoteSource()} says which one produced the last quote;</li>
 *   <li>RTMR read and extend, MRTD read: {@code /sys/class/misc/tdx_guest/measurements} (Linux 6.16+); before
 *       6.16, {@link #rtmrs()} and {@link #mrTd()} fall back to a fresh TDREPORT.</li>
 * </ul>
 * Every kernel error becomes an {@link AttestationException} whose message says what the user can do;
 * tdx4j-linux/README.md has the complete table. Safe for concurrent use: every quote uses its own report entry,
 * and extends are serialized so that {@link #eventLog()} lists them in the order the RTMRs saw them. With
 * {@link Builder#runtimeEventLog(Path)} every extend is first recorded in a persistent {@link RuntimeEventLog} shared
 * with other processes.
 *
 * <p>{@link TdxDiagnostics#probe()} says up front which of these the machine offers and why not.
 */
public final class LinuxTdAttestation implements TdAttestation {
    /** The kernel's configfs-tsm outblob limit is 32 KiB, the tdx_guest quote buffer 128 KiB; this covers both. */
    static final int QUOTE_LIMIT = 128 * 1024;

    private final KernelFiles files;
    private final Retry retry;
    private final ConfigfsTsmReport configfsTsm;
    private final Object extendLock = new Object();
    private final List<RtmrEvent> eventLog = new ArrayList<>();
    private final QgsRoute qgs;
    private volatile String lastQuoteSource = "none";
    private Optional<RuntimeEventLog> runtimeLog = Optional.empty();

    LinuxTdAttestation(KernelFiles files, Backoff backoff, NanoClock clock, Sleeper sleeper, String entryPrefix) {
        this(files, backoff, clock, sleeper, entryPrefix, new QgsRoute(Optional.empty(), "QGS was not configured"));
    }

    LinuxTdAttestation(KernelFiles files, Backoff backoff, NanoClock clock, Sleeper sleeper, String entryPrefix,
            QgsRoute qgs) {
        this.files = Objects.requireNonNull(files, "files");
        this.retry = new Retry(backoff, clock, sleeper);
        this.configfsTsm = new ConfigfsTsmReport(files, entryPrefix);
        this.qgs = Objects.requireNonNull(qgs, "qgs");
    }

    /** Records extends in {@code log} from now on (the builder's option; tests set it directly). */
    void useRuntimeEventLog(RuntimeEventLog log) {
        synchronized (extendLock) {
            this.runtimeLog = Optional.of(log);
        }
    }

    /** The persistent runtime event log extends are recorded in, if one is set. */
    public Optional<RuntimeEventLog> runtimeEventLog() {
        synchronized (extendLock) {
            return runtimeLog;
        }
    }

    /** The backend on this machine's kernel files, with {@link Backoff#DEFAULT}. */
    public static LinuxTdAttestation open() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options; every one has a default. */
    public static final class Builder {
        private Path root = Path.of("/");
        private Backoff backoff = Backoff.DEFAULT;
        private NanoClock clock = NanoClock.SYSTEM;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private String entryPrefix = "tdx4j-" + ProcessHandle.current().pid();
        private QgsEndpoint qgsEndpoint;
        private Path attestConf;
        private QgsClient.Options qgsOptions = QgsClient.Options.DEFAULT;
        private Path runtimeEventLog;

        private Builder() {
        }

        /** Where /dev, /sys and /proc are found; "/" unless the kernel files are bind-mounted elsewhere. */
        public Builder root(Path root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /** How long to retry a busy interface. */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        public Builder clock(NanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Name prefix of this process's configfs-tsm report entries; by default tdx4j-PID. */
        public Builder entryPrefix(String entryPrefix) {
            if (entryPrefix.isEmpty() || entryPrefix.contains("/")) {
                throw new IllegalArgumentException("entry prefix must be a non-empty file name: " + entryPrefix);
            }
            this.entryPrefix = entryPrefix;
            return this;
        }

        /** Ask this QGS first for quotes, whatever tdx-attest.conf says. */
        public Builder qgs(QgsEndpoint endpoint) {
            this.qgsEndpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** Where to read the QGS port when no {@link #qgs} endpoint is set; by default etc/tdx-attest.conf under the root. */
        public Builder attestConf(Path file) {
            this.attestConf = Objects.requireNonNull(file, "file");
            return this;
        }

        /** Time-outs and size bound of QGS requests. */
        public Builder qgsOptions(QgsClient.Options options) {
            this.qgsOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Record every extend in the persistent runtime event log at {@code file} (for example
         * {@link RuntimeEventLog#DEFAULT_PATH}) before making it, so that other processes and verifiers can replay
         * the RTMRs. Off by default: {@link #eventLog()} alone lists this object's extends only.
         */
        public Builder runtimeEventLog(Path file) {
            this.runtimeEventLog = Objects.requireNonNull(file, "file");
            return this;
        }

        public LinuxTdAttestation build() {
            KernelFiles files = new NativeKernelFiles(root);
            LinuxTdAttestation att = new LinuxTdAttestation(files, backoff, clock, sleeper, entryPrefix, route(root));
            if (runtimeEventLog != null) {
                att.useRuntimeEventLog(RuntimeEventLog.at(runtimeEventLog));
            }
            return att;
        }

        QgsRoute route(Path root) {
            Path conf = attestConf != null ? attestConf : root.resolve("etc/tdx-attest.conf");
            return QgsRoute.resolve(qgsEndpoint, conf, qgsOptions);
        }
    }

    // ---- TDREPORT ----

    @Override
    public byte[] report(byte[] reportData) {
        byte[] data = checkReportData(Failures.SITE_REPORT, reportData);
        byte[] report = retry.run(Failures.SITE_REPORT, () -> {
            try {
                return files.getReport0(KernelPaths.DEVICE, data);
            } catch (KernelFileException e) {
                if (e.errno().equals(Errno.EBUSY) && !e.operation().equals("open")) {
                    throw new Retry.Busy(tries -> Failures.reportBusy(tries, e));
                }
                throw Failures.report(e);
            }
        });
        // The kernel selftest's property (tools/testing/selftests/tdx/tdx_guest_test.c): the report echoes
        // REPORTDATA. A report that does not is useless as evidence, whoever broke it.
        byte[] echoed = Arrays.copyOfRange(report, TdReportLayout.REPORTDATA_OFFSET,
                TdReportLayout.REPORTDATA_OFFSET + REPORT_DATA_SIZE);
        if (report.length != TdReportLayout.SIZE || report[TdReportLayout.REPORTTYPE_OFFSET] != TdReportLayout.TYPE_TDX
                || !Arrays.equals(echoed, data)) {
            throw Failures.reportMismatch(files.display(KernelPaths.DEVICE));
        }
        return report;
    }

    private static byte[] checkReportData(String site, byte[] reportData) {
        Objects.requireNonNull(reportData, "reportData");
        if (reportData.length != REPORT_DATA_SIZE) {
            throw Failures.invalidArgument(site, "REPORTDATA must be exactly 64 bytes, got " + reportData.length);
        }
        return reportData.clone();
    }

    // ---- quote ----

    /**
     * A quote from QGS when configured, otherwise (or when QGS fails) from configfs-tsm; see the class comment. A QGS
     * failure that is this caller's bug is thrown at once; any other is the reason given for falling back.
     */
    @Override
    public byte[] quote(byte[] reportData) {
        byte[] data = checkReportData(Failures.SITE_QUOTE, reportData);
        String qgsWhy;
        QgsException qgsFailure = null;
        if (qgs.client().isPresent()) {
            QgsClient client = qgs.client().get();
            // Without a TDREPORT the error passes on: configfs-tsm needs the same tdx_guest driver.
            byte[] report = report(data);
            try {
                byte[] quote = client.getQuote(report);
                lastQuoteSource = "QGS " + client.endpoint().display();
                return quote;
            } catch (QgsException e) {
                if (e.kind() == QgsException.Kind.INVALID_ARGUMENT) {
                    throw new AttestationException(AttestationException.Reason.INVALID_ARGUMENT,
                            Origin.GUEST_BUG, Failures.SITE_QUOTE, e.getMessage(), e);
                }
                qgsFailure = e;
                qgsWhy = "QGS at " + qgs.source() + " failed: " + e.getMessage();
            }
        } else {
            qgsWhy = "QGS not used: " + qgs.source();
        }
        try {
            byte[] quote = retry.run(Failures.SITE_QUOTE, () -> configfsTsm.quoteOnce(data));
            lastQuoteSource = "configfs-tsm";
            return quote;
        } catch (AttestationException e) {
            AttestationException both = Failures.noQuote(e, qgsWhy);
            if (qgsFailure != null) {
                both.addSuppressed(qgsFailure);
            }
            throw both;
        }
    }

    /** Where the last quote came from: {@code QGS vsock CID 2 port 4050}, {@code configfs-tsm}, or {@code none}. */
    public String lastQuoteSource() {
        return lastQuoteSource;
    }

    /** Whether quotes try QGS first, and where it is or why not (for diagnostics). */
    public String qgsRoute() {
        return (qgs.client().isPresent() ? "QGS first: " : "QGS not used: ") + qgs.source();
    }

    // ---- RTMR and MRTD ----

    @Override
    public void extendRtmr(int index, byte[] digest, String description) {
        checkIndex(index);
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(description, "description");
        if (digest.length != DIGEST_SIZE) {
            throw Failures.invalidArgument(Failures.SITE_RTMR, "an RTMR extend digest is exactly 48 bytes (SHA-384), "
                    + "got " + digest.length);
        }
        byte[] d = digest.clone();
        synchronized (extendLock) {
            if (runtimeLog.isPresent()) {
                recordAndExtend(runtimeLog.get(), index, d, description);
            } else {
                sysfsExtend(index, d);
            }
            eventLog.add(new RtmrEvent(index, d, description));
        }
    }

    /** Through the runtime event log: the record is on disk before the sysfs write (see {@link RuntimeEventLog}). */
    private void recordAndExtend(RuntimeEventLog log, int index, byte[] d, String description) {
        RtmrDevice device = new RtmrDevice() {
            @Override
            public byte[] read(int i) {
                return rtmrs().get(i);
            }

            @Override
            public void extend(int i, byte[] digest) {
                sysfsExtend(i, digest);
            }
        };
        try {
            log.record(index, d, description, device);
        } catch (UncheckedIOException e) {
            throw Failures.runtimeLog(log.file().toString(), e);
        }
    }

    private void sysfsExtend(int index, byte[] d) {
        String path = KernelPaths.rtmr(index);
        {
            int written = retry.run(Failures.SITE_RTMR, () -> {
                try {
                    return files.write(path, d);
                } catch (KernelFileException e) {
                    if (e.errno().equals(Errno.EBUSY)) {
                        throw new Retry.Busy(tries -> Failures.measurementBusy(tries, e));
                    }
                    throw Failures.measurement(e, index);
                }
            });
            if (written != DIGEST_SIZE) {
                throw Failures.shortExtend(files.display(path), written);
            }
        }
    }

    private static void checkIndex(int index) {
        if (index < 0 || index >= TdReportLayout.RTMR_COUNT) {
            throw Failures.invalidArgument(Failures.SITE_RTMR, "RTMR index must be 0..3, got " + index);
        }
    }

    /** The four RTMRs from sysfs, or from a fresh TDREPORT on kernels before 6.16 that lack the sysfs files. */
    @Override
    public List<byte[]> rtmrs() {
        if (!files.exists(KernelPaths.MEASUREMENTS) && files.exists(KernelPaths.DEVICE)) {
            byte[] report = report(new byte[REPORT_DATA_SIZE]);
            List<byte[]> out = new ArrayList<>();
            for (int i = 0; i < TdReportLayout.RTMR_COUNT; i++) {
                int at = TdReportLayout.rtmrOffset(i);
                out.add(Arrays.copyOfRange(report, at, at + TdReportLayout.MEASUREMENT_SIZE));
            }
            return List.copyOf(out);
        }
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < TdReportLayout.RTMR_COUNT; i++) {
            out.add(measurement(KernelPaths.rtmr(i), i));
        }
        return List.copyOf(out);
    }

    /** MRTD, the build-time measurement of the TD, from sysfs or (before Linux 6.16) a fresh TDREPORT. */
    public Measurement mrTd() {
        if (!files.exists(KernelPaths.MEASUREMENTS) && files.exists(KernelPaths.DEVICE)) {
            return Measurement.of(report(new byte[REPORT_DATA_SIZE]), TdReportLayout.MRTD_OFFSET);
        }
        return Measurement.of(measurement(KernelPaths.MRTD, -1));
    }

    private byte[] measurement(String path, int index) {
        byte[] value = retry.run(Failures.SITE_RTMR, () -> {
            try {
                return files.read(path, 4096);
            } catch (KernelFileException e) {
                if (e.errno().equals(Errno.EBUSY)) {
                    throw new Retry.Busy(tries -> Failures.measurementBusy(tries, e));
                }
                throw Failures.measurement(e, index);
            }
        });
        if (value.length != TdReportLayout.MEASUREMENT_SIZE) {
            throw Failures.badMeasurementSize(files.display(path), value.length);
        }
        return value;
    }

    @Override
    public List<RtmrEvent> eventLog() {
        synchronized (extendLock) {
            return List.copyOf(eventLog);
        }
    }
}
