package io.github.tdx4j.linux;

/** The kernel files of a Linux TDX guest, relative to the file-system root. */
final class KernelPaths {
    private KernelPaths() {
    }

    /** The tdx_guest misc device (drivers/virt/coco/tdx-guest, Linux 6.2+): TDX_CMD_GET_REPORT0. */
    static final String DEVICE = "dev/tdx_guest";
    /** configfs mount point. */
    static final String CONFIGFS = "sys/kernel/config";
    /** configfs-tsm report entries (Documentation/ABI/testing/configfs-tsm-report, Linux 6.7+). */
    static final String TSM_REPORT = "sys/kernel/config/tsm/report";
    /** Measurement registers (Documentation/ABI/testing/sysfs-devices-virtual-misc-tdx_guest, Linux 6.16+). */
    static final String MEASUREMENTS = "sys/class/misc/tdx_guest/measurements";
    static final String MRTD = MEASUREMENTS + "/mrtd:sha384";
    static final String CPUINFO = "proc/cpuinfo";
    static final String OSRELEASE = "proc/sys/kernel/osrelease";

    static String rtmr(int index) {
        return MEASUREMENTS + "/rtmr" + index + ":sha384";
    }

    static String entry(String name) {
        return TSM_REPORT + "/" + name;
    }
}
