package io.github.tdx4j.call.platform;

/**
 * The guest's #VE handler, registered with the platform. The platform calls it when an instruction raises a
 * virtualization exception; the handler must fetch the #VE information with TDG.VP.VEINFO.GET first.
 */
@FunctionalInterface
public interface VeHandler {
    VeOutcome handle(VcpuContext context);
}
