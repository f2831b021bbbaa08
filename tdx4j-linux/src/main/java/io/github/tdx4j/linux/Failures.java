package io.github.tdx4j.linux;

import static io.github.tdx4j.guest.attest.AttestationException.Reason.BUSY;
import static io.github.tdx4j.guest.attest.AttestationException.Reason.HOST_ERROR;
import static io.github.tdx4j.guest.attest.AttestationException.Reason.INVALID_ARGUMENT;
import static io.github.tdx4j.guest.attest.AttestationException.Reason.IO_ERROR;
import static io.github.tdx4j.guest.attest.AttestationException.Reason.MODULE_ERROR;
import static io.github.tdx4j.guest.attest.AttestationException.Reason.TIMEOUT;
import static io.github.tdx4j.guest.attest.AttestationException.Reason.UNAVAILABLE;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.guest.attest.AttestationException;
import io.github.tdx4j.linux.internal.Errno;
import io.github.tdx4j.linux.internal.KernelFileException;
import java.io.UncheckedIOException;

/**
 * The errno table: what each kernel error means for each operation, whose fault it is and what the user can do.
 * tdx4j-linux/README.md lists the same table; keep the two in step.
 *
 * <p>Sources for the meanings: drivers/virt/coco/tdx-guest/tdx-guest.c (TDG.MR.REPORT: TDX_OPERAND_INVALID is
 * ENXIO since Linux 6.16 and EINVAL before, TDX_OPERAND_BUSY is EBUSY, any other status EIO; GetQuote: EBUSY while
 * an earlier request is in flight, EIO when the hypercall fails, ETIMEDOUT after 30 s, EFBIG when the quote does
 * not fit), drivers/virt/coco/guest/report.c (configfs-tsm: ENXIO without a provider, EBUSY on a generation wrap,
 * EINVAL without an inblob) and drivers/virt/coco/guest/tsm-mr.c (RTMR sysfs: EINVAL for anything but one 48-byte
 * write at offset 0).
 */
final class Failures {
    private Failures() {
    }

    static final String SITE_REPORT = "linux.tdreport";
    static final String SITE_QUOTE = "linux.quote";
    static final String SITE_RTMR = "linux.rtmr";

    private static AttestationException of(AttestationException.Reason reason, Origin origin, String site,
            String detail, KernelFileException cause) {
        return new AttestationException(reason, origin, site, detail, cause);
    }

    private static boolean is(KernelFileException e, Errno errno) {
        return e.errno().equals(errno);
    }

    /** An errno nobody expects from this call: reported with the call and the number, as an I/O error. */
    static AttestationException unexpected(String site, KernelFileException e) {
        return of(IO_ERROR, Origin.GUEST_BUG, site, e.operation() + " " + e.path() + " failed with " + e.errno()
                + ", which this library does not expect there; the kernel log (dmesg) may say more", e);
    }

    /** Errors every open(2) of a kernel file can give; null if {@code e} is not one of them. */
    private static AttestationException openFailure(String site, KernelFileException e, String missing) {
        if (is(e, Errno.ENOENT)) {
            return of(UNAVAILABLE, Origin.GUEST_BUG, site, e.path() + " does not exist: " + missing, e);
        }
        if (is(e, Errno.EACCES) || is(e, Errno.EPERM)) {
            return of(UNAVAILABLE, Origin.GUEST_BUG, site, "no permission to " + e.operation() + " " + e.path()
                    + " (" + e.errno() + "): run as root or grant this user access to it", e);
        }
        return null;
    }

    // ---- TDREPORT through /dev/tdx_guest ----

    static AttestationException report(KernelFileException e) {
        String site = SITE_REPORT;
        if (e.operation().equals("open")) {
            AttestationException common = openFailure(site, e, "this is not a TDX guest, or the tdx_guest driver "
                    + "is not loaded (modprobe tdx_guest; Linux 6.2 or newer)");
            if (common != null) {
                return common;
            }
            if (is(e, Errno.ENXIO) || is(e, Errno.ENODEV)) {
                return of(UNAVAILABLE, Origin.GUEST_BUG, site, e.path() + " exists but no driver serves it ("
                        + e.errno() + "): load the tdx_guest driver (modprobe tdx_guest)", e);
            }
            return unexpected(site, e);
        }
        if (is(e, Errno.ENOTTY)) {
            return of(UNAVAILABLE, Origin.GUEST_BUG, site, e.path() + " does not accept TDX_CMD_GET_REPORT0 "
                    + "(ENOTTY): it is not the Linux tdx_guest device; check the path", e);
        }
        if (is(e, Errno.ENXIO) || is(e, Errno.EINVAL)) {
            return of(MODULE_ERROR, Origin.TDX_MODULE, site, "the TDX module rejected TDG.MR.REPORT with "
                    + "TDX_OPERAND_INVALID (" + e.errno() + "; Linux 6.16+ says ENXIO, older kernels EINVAL): a TDX "
                    + "module or kernel defect; report it to the platform operator with the kernel log", e);
        }
        if (is(e, Errno.EIO)) {
            return of(MODULE_ERROR, Origin.TDX_MODULE, site, "TDG.MR.REPORT failed with a TDX module status the "
                    + "kernel does not map (EIO): the status is in the kernel log (dmesg); report it to the platform "
                    + "operator", e);
        }
        return unexpected(site, e);
    }

    static AttestationException reportBusy(int tries, KernelFileException last) {
        return of(BUSY, Origin.TDX_MODULE, SITE_REPORT, "the TDX module answered TDX_OPERAND_BUSY (EBUSY) to "
                + "TDG.MR.REPORT " + tries + " time(s): another TDREPORT or RTMR extend holds it; try again later",
                last);
    }

    // ---- quote through configfs-tsm ----

    static AttestationException quote(KernelFileException e) {
        String site = SITE_QUOTE;
        if (is(e, Errno.ENXIO)) {
            return of(UNAVAILABLE, Origin.GUEST_BUG, site, "configfs-tsm has no attestation provider (ENXIO from "
                    + e.operation() + " " + e.path() + "): load the tdx_guest driver (modprobe tdx_guest)", e);
        }
        if (e.operation().equals("open") && is(e, Errno.ENOENT)) {
            return of(IO_ERROR, Origin.GUEST_BUG, site, e.path() + " does not exist although its report entry was "
                    + "just created: another process removed the entry", e);
        }
        if (e.operation().equals("mkdir") || e.operation().equals("open")) {
            AttestationException common = openFailure(site, e, "configfs is not mounted (mount -t configfs none "
                    + "/sys/kernel/config) or the kernel lacks configfs-tsm (Linux 6.7+, CONFIG_TSM_REPORTS, and "
                    + "the tdx_guest driver loaded)");
            if (common != null) {
                return common;
            }
        }
        if (e.path().endsWith("/outblob")) {
            if (is(e, Errno.EIO)) {
                return of(HOST_ERROR, Origin.VMM, site, "the host refused the GetQuote request (EIO from "
                        + e.path() + "; the TDVMCALL status is in the kernel log): check that the host runs a quote "
                        + "generation service (QGS) and that the VMM forwards GetQuote to it", e);
            }
            if (is(e, Errno.ETIMEDOUT)) {
                return of(TIMEOUT, Origin.VMM, site, "the host did not deliver a quote within the kernel's 30 s "
                        + "limit (ETIMEDOUT from " + e.path() + "): check the host's quote generation service and "
                        + "its PCCS", e);
            }
            if (is(e, Errno.EFBIG)) {
                return of(HOST_ERROR, Origin.VMM, site, "the host returned a quote larger than the kernel accepts "
                        + "(EFBIG from " + e.path() + ")", e);
            }
            if (is(e, Errno.EINVAL)) {
                return of(IO_ERROR, Origin.GUEST_BUG, site, "the kernel has no REPORTDATA for this report entry "
                        + "(EINVAL from " + e.path() + "): another process removed or reset the entry", e);
            }
        }
        if (e.path().endsWith("/inblob") && is(e, Errno.EINVAL)) {
            return of(INVALID_ARGUMENT, Origin.GUEST_BUG, site, "the kernel refused the 64-byte REPORTDATA (EINVAL "
                    + "from " + e.path() + ")", e);
        }
        return unexpected(site, e);
    }

    static AttestationException quoteBusy(int tries, KernelFileException last) {
        if (last.path().endsWith("/inblob")) {
            return of(BUSY, Origin.GUEST_BUG, SITE_QUOTE, "configfs-tsm refused the REPORTDATA write to "
                    + last.path() + " with EBUSY " + tries + " time(s); try again", last);
        }
        return of(BUSY, Origin.VMM, SITE_QUOTE, "the kernel answered EBUSY " + tries + " time(s) from " + last.path()
                + ": an earlier GetQuote is still in flight at the host (it timed out or was interrupted); try "
                + "again later, and if it persists the host's quote generation service is stuck", last);
    }

    static AttestationException concurrentWriter(int tries, String entry, long expected, long seen) {
        return new AttestationException(BUSY, Origin.GUEST_BUG, SITE_QUOTE, "another writer changed the report "
                + "entry " + entry + " during the request (generation " + seen + ", expected " + expected + "), "
                + tries + " time(s), so the quote might not bind this REPORTDATA: do not share report entries "
                + "between processes");
    }

    static AttestationException inblobNotTaken(int tries, String path, long generation) {
        return new AttestationException(BUSY, Origin.GUEST_BUG, SITE_QUOTE, "the kernel did not take the "
                + "REPORTDATA written to " + path + " (generation stayed " + generation + "), " + tries + " time(s): "
                + "configfs-tsm refuses writes to an entry that was written many times without a read; try again");
    }

    static AttestationException wrongProvider(String path, String provider) {
        return new AttestationException(UNAVAILABLE, Origin.GUEST_BUG, SITE_QUOTE, "the configfs-tsm provider is '"
                + provider + "' (" + path + "), not tdx_guest: this is not a TDX guest");
    }

    static AttestationException badGeneration(String path, String text) {
        return new AttestationException(IO_ERROR, Origin.GUEST_BUG, SITE_QUOTE, path + " reads '" + text
                + "', not a generation number: this is not a configfs-tsm report entry");
    }

    static AttestationException shortInblob(String path, int written) {
        return new AttestationException(IO_ERROR, Origin.GUEST_BUG, SITE_QUOTE, "the kernel took " + written
                + " of 64 REPORTDATA bytes written to " + path + ": no quote was requested");
    }

    static AttestationException emptyQuote(String path) {
        return new AttestationException(HOST_ERROR, Origin.VMM, SITE_QUOTE, "the host returned an empty quote ("
                + path + " is empty): this happens when the host's quote generation service (QGS) is too old or "
                + "misconfigured; update or restart it");
    }

    static AttestationException entryNotRemoved(KernelFileException e) {
        return of(IO_ERROR, Origin.GUEST_BUG, SITE_QUOTE, "could not remove the report entry " + e.path() + " ("
                + e.errno() + "): remove it with rmdir", e);
    }

    static AttestationException noFreeEntry(int tries, KernelFileException last) {
        return of(IO_ERROR, Origin.GUEST_BUG, SITE_QUOTE, tries + " report entry names were already taken (EEXIST), "
                + "the last " + last.path() + ": remove stale entries under its parent directory", last);
    }

    // ---- RTMR and MRTD through sysfs ----

    static AttestationException measurement(KernelFileException e, int index) {
        String site = SITE_RTMR;
        String register = index < 0 ? "MRTD" : "RTMR[" + index + "]";
        AttestationException common = e.operation().equals("open") ? openFailure(site, e, "reading and extending "
                + "measurement registers needs Linux 6.16 or newer with the tdx_guest driver") : null;
        if (common != null) {
            return common;
        }
        if (is(e, Errno.ENXIO)) {
            return of(MODULE_ERROR, Origin.TDX_MODULE, site, "the TDX module refused " + register + " with "
                    + "TDX_OPERAND_INVALID (ENXIO from " + e.path() + "); RTMR 0 and 1 belong to the firmware and "
                    + "may be locked, applications extend RTMR 2 and 3", e);
        }
        if (is(e, Errno.EIO)) {
            return of(MODULE_ERROR, Origin.TDX_MODULE, site, "the TDX module failed on " + register + " with a "
                    + "status the kernel does not map (EIO from " + e.path() + "); the status is in the kernel log",
                    e);
        }
        if (is(e, Errno.EINVAL)) {
            return of(INVALID_ARGUMENT, Origin.GUEST_BUG, site, "the kernel refused the write to " + e.path()
                    + " (EINVAL): an extend is exactly one 48-byte write at offset 0", e);
        }
        return unexpected(site, e);
    }

    static AttestationException measurementBusy(int tries, KernelFileException last) {
        return of(BUSY, Origin.TDX_MODULE, SITE_RTMR, "the TDX module answered TDX_OPERAND_BUSY (EBUSY) " + tries
                + " time(s) on " + last.path() + ": try again later", last);
    }

    static AttestationException shortExtend(String path, int written) {
        return new AttestationException(IO_ERROR, Origin.GUEST_BUG, SITE_RTMR, "the kernel took " + written
                + " of 48 digest bytes written to " + path + ": read the RTMR back before trusting it; the extend "
                + "was not recorded in the event log");
    }

    static AttestationException badMeasurementSize(String path, int size) {
        return new AttestationException(IO_ERROR, Origin.GUEST_BUG, SITE_RTMR, path + " returned " + size
                + " bytes, not a 48-byte SHA-384 measurement");
    }

    static AttestationException invalidArgument(String site, String detail) {
        return new AttestationException(INVALID_ARGUMENT, Origin.GUEST_BUG, site, detail);
    }

    static AttestationException reportMismatch(String path) {
        return new AttestationException(MODULE_ERROR, Origin.TDX_MODULE, SITE_REPORT, path + " returned a "
                + "TDREPORT whose REPORTDATA differs from the request (or whose REPORTTYPE.TYPE is not 0x81): the "
                + "report does not bind what was asked");
    }

    /**
     * Every quote source failed: the configfs-tsm failure (its reason and origin decide the exception's), preceded by
     * why QGS was not used or failed, so the user sees the reason for each fallback.
     */
    static AttestationException noQuote(AttestationException configfs, String qgsWhy) {
        AttestationException both = new AttestationException(configfs.reason(), configfs.origin(), SITE_QUOTE,
                "no quote from any source. " + qgsWhy + ". Then configfs-tsm failed: " + configfs.failure().detail(),
                configfs);
        for (Throwable t : configfs.getSuppressed()) {
            both.addSuppressed(t); // e.g. a report entry that could not be removed
        }
        return both;
    }

    static AttestationException runtimeLog(String file, UncheckedIOException e) {
        return new AttestationException(IO_ERROR, Origin.GUEST_BUG, SITE_RTMR, "could not record the extend in the "
                + "runtime event log " + file + " (" + e.getCause().getMessage() + "), so the RTMR was not extended: "
                + "check that the folder exists and is writable (run as root for /run/tdx4j)", e);
    }
}
