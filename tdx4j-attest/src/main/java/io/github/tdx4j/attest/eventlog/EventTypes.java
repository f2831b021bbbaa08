package io.github.tdx4j.attest.eventlog;

import java.util.Map;

/**
 * Names of TCG event types, for display. Event types are received values: an unnamed one prints in hex.
 *
 * <p>TCG PC Client Platform Firmware Profile Specification, section 10.4.1 "Event Types".
 */
public final class EventTypes {
    /** EV_NO_ACTION: informational, never extended into a register. */
    public static final long EV_NO_ACTION = 0x3;

    private static final Map<Long, String> NAMES = Map.ofEntries(
            Map.entry(0x0L, "EV_PREBOOT_CERT"), Map.entry(0x1L, "EV_POST_CODE"), Map.entry(0x3L, "EV_NO_ACTION"),
            Map.entry(0x4L, "EV_SEPARATOR"), Map.entry(0x5L, "EV_ACTION"), Map.entry(0x6L, "EV_EVENT_TAG"),
            Map.entry(0x7L, "EV_S_CRTM_CONTENTS"), Map.entry(0x8L, "EV_S_CRTM_VERSION"),
            Map.entry(0x9L, "EV_CPU_MICROCODE"), Map.entry(0xAL, "EV_PLATFORM_CONFIG_FLAGS"),
            Map.entry(0xBL, "EV_TABLE_OF_DEVICES"), Map.entry(0xCL, "EV_COMPACT_HASH"), Map.entry(0xDL, "EV_IPL"),
            Map.entry(0xEL, "EV_IPL_PARTITION_DATA"), Map.entry(0xFL, "EV_NONHOST_CODE"),
            Map.entry(0x10L, "EV_NONHOST_CONFIG"), Map.entry(0x11L, "EV_NONHOST_INFO"),
            Map.entry(0x12L, "EV_OMIT_BOOT_DEVICE_EVENTS"),
            Map.entry(0x80000001L, "EV_EFI_VARIABLE_DRIVER_CONFIG"), Map.entry(0x80000002L, "EV_EFI_VARIABLE_BOOT"),
            Map.entry(0x80000003L, "EV_EFI_BOOT_SERVICES_APPLICATION"),
            Map.entry(0x80000004L, "EV_EFI_BOOT_SERVICES_DRIVER"),
            Map.entry(0x80000005L, "EV_EFI_RUNTIME_SERVICES_DRIVER"), Map.entry(0x80000006L, "EV_EFI_GPT_EVENT"),
            Map.entry(0x80000007L, "EV_EFI_ACTION"), Map.entry(0x80000008L, "EV_EFI_PLATFORM_FIRMWARE_BLOB"),
            Map.entry(0x80000009L, "EV_EFI_HANDOFF_TABLES"), Map.entry(0x8000000AL, "EV_EFI_PLATFORM_FIRMWARE_BLOB2"),
            Map.entry(0x8000000BL, "EV_EFI_HANDOFF_TABLES2"), Map.entry(0x8000000CL, "EV_EFI_VARIABLE_BOOT2"),
            Map.entry(0x800000E0L, "EV_EFI_VARIABLE_AUTHORITY"), Map.entry(0x800000E1L, "EV_EFI_SPDM_FIRMWARE_BLOB"),
            Map.entry(0x800000E2L, "EV_EFI_SPDM_FIRMWARE_CONFIG"));

    private EventTypes() {
    }

    /** The TCG name of {@code eventType}, or {@code EV_UNKNOWN(0x…)}. */
    public static String name(long eventType) {
        String name = NAMES.get(eventType);
        return name != null ? name : "EV_UNKNOWN(0x" + Long.toHexString(eventType) + ")";
    }
}
