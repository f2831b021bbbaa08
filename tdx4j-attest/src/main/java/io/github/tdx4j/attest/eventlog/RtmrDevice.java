package io.github.tdx4j.attest.eventlog;

/**
 * The RTMRs a {@link RuntimeEventLog} records extends of: the TD's (sysfs, TDG.MR.RTMR.EXTEND) or a test's.
 * Failures are the implementation's unchecked exceptions; a failed extend leaves its record unconfirmed.
 */
public interface RtmrDevice {
    /** The current 48-byte value of RTMR {@code index}. */
    byte[] read(int index);

    /** RTMR[index] := SHA-384(RTMR[index] || digest). */
    void extend(int index, byte[] digest);
}
