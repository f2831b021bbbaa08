package io.github.tdx4j.linux;

import io.github.tdx4j.linux.internal.Errno;
import io.github.tdx4j.linux.internal.KernelFileException;
import io.github.tdx4j.linux.internal.KernelFiles;
import io.github.tdx4j.linux.internal.NativeKernelFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What this machine offers a TDX guest application, and why something is missing: one probe of the TDX CPU flag,
 * /dev/tdx_guest, configfs-tsm and the measurement files, plus the kernel version.
 *
 * <p>The probe has no lasting effect. To learn the configfs-tsm provider it creates a report entry, reads its
 * provider attribute and removes it again (writing no inblob, so no quote is requested).
 *
 * @param kernelRelease {@code /proc/sys/kernel/osrelease}, or "unknown"
 * @param checks        one per {@link Item}, in that order
 */
public record TdxDiagnostics(String kernelRelease, List<Check> checks) {
    public TdxDiagnostics {
        Objects.requireNonNull(kernelRelease, "kernelRelease");
        checks = List.copyOf(checks);
    }

    /** What is probed. */
    public enum Item {
        /** The {@code tdx_guest} flag in /proc/cpuinfo: the kernel runs as a TDX guest (Linux 5.19+). */
        CPU_FLAG("TDX guest CPU flag"),
        /** /dev/tdx_guest, opened read-write: TDREPORT. */
        REPORT_DEVICE("/dev/tdx_guest"),
        /** configfs-tsm with provider tdx_guest: quotes. */
        CONFIGFS_TSM("configfs-tsm"),
        /** The measurement files: RTMR read/extend and MRTD. */
        MEASUREMENTS("RTMR sysfs"),
        /**
         * The host's Quote Generation Service, when configured (/etc/tdx-attest.conf or an explicit endpoint) and
         * accepting connections: quotes in milliseconds instead of configfs-tsm's one-second poll. Optional.
         */
        QGS("QGS");

        private final String label;

        Item(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Whether a machine without it still offers everything (QGS: configfs-tsm serves quotes too). */
        public boolean optional() {
            return this == QGS;
        }
    }

    /** What an application asks for. */
    public enum Feature {
        REPORT(Item.REPORT_DEVICE, null),
        /** configfs-tsm, or QGS when it is configured and reachable. */
        QUOTE(Item.CONFIGFS_TSM, Item.QGS),
        RTMR(Item.MEASUREMENTS, null);

        private final Item needs;
        private final Item alternative;

        Feature(Item needs, Item alternative) {
            this.needs = needs;
            this.alternative = alternative;
        }

        /** The item this feature needs. */
        public Item needs() {
            return needs;
        }

        /** An item that serves the feature as well when {@link #needs()} is missing, if any. */
        public Optional<Item> alternative() {
            return Optional.ofNullable(alternative);
        }
    }

    /**
     * One probe result.
     *
     * @param item    what was probed
     * @param path    the file it looked at
     * @param present whether it is there and usable
     * @param detail  what was found, or why it is missing and what to do
     */
    public record Check(Item item, String path, boolean present, String detail) {
        public Check {
            Objects.requireNonNull(item, "item");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Probes this machine. */
    public static TdxDiagnostics probe() {
        return probe(Path.of("/"));
    }

    /** Probes the kernel files under {@code root}, and QGS as {@code root}/etc/tdx-attest.conf configures it. */
    public static TdxDiagnostics probe(Path root) {
        return probe(root, null, root.resolve("etc/tdx-attest.conf"));
    }

    /**
     * Probes the kernel files under {@code root}, and QGS at {@code qgs} (when not null) or as {@code attestConf}
     * configures it. QGS is probed by connecting and closing without a request.
     */
    public static TdxDiagnostics probe(Path root, QgsEndpoint qgs, Path attestConf) {
        return probe(new NativeKernelFiles(root),
                QgsRoute.resolve(qgs, attestConf, new QgsClient.Options(PROBE_TIMEOUT, PROBE_TIMEOUT,
                        LinuxTdAttestation.QUOTE_LIMIT)));
    }

    /** How long the QGS probe waits for a connection. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    static TdxDiagnostics probe(KernelFiles files) {
        return probe(files, new QgsRoute(Optional.empty(), "QGS was not configured"));
    }

    static TdxDiagnostics probe(KernelFiles files, QgsRoute qgs) {
        List<Check> checks = new ArrayList<>();
        checks.add(cpuFlag(files));
        checks.add(device(files));
        checks.add(configfsTsm(files));
        checks.add(measurements(files));
        checks.add(qgs(qgs));
        return new TdxDiagnostics(release(files), checks);
    }

    private static Check qgs(QgsRoute route) {
        if (route.client().isEmpty()) {
            return new Check(Item.QGS, "-", false, "not configured, quotes use configfs-tsm: " + route.source());
        }
        QgsClient client = route.client().get();
        String where = client.endpoint().display();
        try {
            QgsClient.DEFAULT_CONNECTOR.connect(client.endpoint(), PROBE_TIMEOUT.toNanos()).close();
            return new Check(Item.QGS, where, true, "accepts connections: " + route.source());
        } catch (IOException e) {
            String why = e instanceof KernelFileException k
                    ? k.operation() + " failed with " + k.errno()
                    : QgsClient.describe(e); // "no such file or directory", not "SocketException: No such ..."
            return new Check(Item.QGS, where, false, "configured (" + route.source() + ") but unreachable (" + why
                    + "), quotes fall back to configfs-tsm");
        }
    }

    /** The check of {@code item}, if this probe made one (diagnostics built by hand may leave QGS out). */
    private Optional<Check> find(Item item) {
        return checks.stream().filter(c -> c.item() == item).findFirst();
    }

    public Check check(Item item) {
        return checks.stream().filter(c -> c.item() == item).findFirst().orElseThrow();
    }

    /** Whether the kernel says it runs as a TDX guest. */
    public boolean isTdxGuest() {
        return check(Item.CPU_FLAG).present();
    }

    public boolean offers(Feature feature) {
        return check(feature.needs()).present()
                || feature.alternative().flatMap(this::find).map(Check::present).orElse(false);
    }

    /**
     * Why {@code feature} is missing, as a sentence fragment ("this is not a TDX guest: ..."), or empty if it is
     * available. When the machine is not a TDX guest at all, that is the reason given, with the missing file.
     */
    public Optional<String> whyNot(Feature feature) {
        Check needed = check(feature.needs());
        if (offers(feature)) {
            return Optional.empty();
        }
        if (!isTdxGuest()) {
            return Optional.of("this is not a TDX guest (" + check(Item.CPU_FLAG).detail() + "; " + needed.path()
                    + " is missing)");
        }
        String alternative = feature.alternative().flatMap(this::find)
                .map(c -> "; and " + c.item().label() + ": " + c.detail()).orElse("");
        return Optional.of(needed.detail() + alternative);
    }

    /** One line per check and the kernel release, for people. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-20s %s%n", "kernel", kernelRelease));
        for (Check c : checks) {
            sb.append(String.format("%-20s %-8s %s%n", c.item().label(), c.present() ? "yes" : "no", c.detail()));
        }
        return sb.toString();
    }

    private static String release(KernelFiles files) {
        try {
            String s = new String(files.read(KernelPaths.OSRELEASE, 256), StandardCharsets.US_ASCII).strip();
            return s.isEmpty() ? "unknown" : s;
        } catch (KernelFileException e) {
            return "unknown";
        }
    }

    private static Check cpuFlag(KernelFiles files) {
        String path = files.display(KernelPaths.CPUINFO);
        String text;
        try {
            text = new String(files.read(KernelPaths.CPUINFO, 16 * 1024 * 1024), StandardCharsets.US_ASCII);
        } catch (KernelFileException e) {
            return new Check(Item.CPU_FLAG, path, false, "cannot read " + path + " (" + e.errno() + ")");
        }
        for (String line : text.split("\n", -1)) {
            // x86: "flags\t\t: fpu vme ... tdx_guest ..."; X86_FEATURE_TDX_GUEST is named tdx_guest.
            if (line.startsWith("flags")) {
                int colon = line.indexOf(':');
                if (colon >= 0 && List.of(line.substring(colon + 1).trim().split("\\s+")).contains("tdx_guest")) {
                    return new Check(Item.CPU_FLAG, path, true, "tdx_guest flag set");
                }
            }
        }
        return new Check(Item.CPU_FLAG, path, false, "no tdx_guest flag in " + path);
    }

    private static Check device(KernelFiles files) {
        String path = files.display(KernelPaths.DEVICE);
        try {
            files.probeOpen(KernelPaths.DEVICE);
            return new Check(Item.REPORT_DEVICE, path, true, "opens read-write");
        } catch (KernelFileException e) {
            String why;
            if (e.errno().equals(Errno.ENOENT)) {
                why = path + " does not exist: load the tdx_guest driver (modprobe tdx_guest; Linux 6.2+)";
            } else if (e.errno().equals(Errno.EACCES) || e.errno().equals(Errno.EPERM)) {
                why = path + " exists but this user may not open it read-write: run as root or grant access";
            } else {
                why = "cannot open " + path + " (" + e.errno() + ")";
            }
            return new Check(Item.REPORT_DEVICE, path, false, why);
        }
    }

    private static Check configfsTsm(KernelFiles files) {
        String path = files.display(KernelPaths.TSM_REPORT);
        if (!files.exists(KernelPaths.CONFIGFS)) {
            return new Check(Item.CONFIGFS_TSM, path, false, files.display(KernelPaths.CONFIGFS)
                    + " does not exist: mount configfs (mount -t configfs none /sys/kernel/config)");
        }
        if (!files.exists(KernelPaths.TSM_REPORT)) {
            return new Check(Item.CONFIGFS_TSM, path, false, path + " does not exist: the kernel lacks configfs-tsm "
                    + "reports (Linux 6.7+, CONFIG_TSM_REPORTS) or the tdx_guest driver is not loaded");
        }
        String entry = KernelPaths.entry("tdx4j-probe-" + ProcessHandle.current().pid());
        try {
            files.mkdir(entry);
        } catch (KernelFileException e) {
            String why = e.errno().equals(Errno.ENXIO)
                    ? "configfs-tsm has no attestation provider: load the tdx_guest driver (modprobe tdx_guest)"
                    : e.errno().equals(Errno.EACCES) || e.errno().equals(Errno.EPERM)
                            ? "this user may not create report entries in " + path + ": run as root"
                            : "cannot create a report entry in " + path + " (" + e.errno() + ")";
            return new Check(Item.CONFIGFS_TSM, path, false, why);
        }
        Check result;
        String providerPath = entry + "/provider";
        try {
            String provider = new String(files.read(providerPath, 256), StandardCharsets.US_ASCII).strip();
            result = provider.equals(ConfigfsTsmReport.TDX_PROVIDER)
                    ? new Check(Item.CONFIGFS_TSM, path, true, "provider tdx_guest")
                    : new Check(Item.CONFIGFS_TSM, path, false, "the configfs-tsm provider is '" + provider
                            + "', not tdx_guest");
        } catch (KernelFileException e) {
            result = new Check(Item.CONFIGFS_TSM, path, false, "cannot read " + files.display(providerPath) + " ("
                    + e.errno() + ")");
        }
        try {
            files.rmdir(entry);
        } catch (KernelFileException e) {
            result = new Check(Item.CONFIGFS_TSM, path, false, "could not remove the probe entry "
                    + files.display(entry) + " (" + e.errno() + "): remove it with rmdir");
        }
        return result;
    }

    private static Check measurements(KernelFiles files) {
        String path = files.display(KernelPaths.MEASUREMENTS);
        if (!files.exists(KernelPaths.MEASUREMENTS)) {
            return new Check(Item.MEASUREMENTS, path, false, path + " does not exist: RTMR read and extend need "
                    + "Linux 6.16+ with the tdx_guest driver");
        }
        List<String> missing = new ArrayList<>();
        for (String f : List.of(KernelPaths.MRTD, KernelPaths.rtmr(0), KernelPaths.rtmr(1), KernelPaths.rtmr(2),
                KernelPaths.rtmr(3))) {
            if (!files.exists(f)) {
                missing.add(f.substring(f.lastIndexOf('/') + 1));
            }
        }
        return missing.isEmpty()
                ? new Check(Item.MEASUREMENTS, path, true, "mrtd:sha384 and rtmr0..3:sha384 present")
                : new Check(Item.MEASUREMENTS, path, false, "missing in " + path + ": " + String.join(", ", missing));
    }
}
